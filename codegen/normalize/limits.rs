//! What the OpenAPI tooling and this client's generator can take: the version relabel, and a
//! final check that refuses, by JSON pointer, what the generated code could not express.

use super::naming::setter_name;
use super::{
    PassResult, escape, for_each_schema, is_success_status, operations, parameters,
    path_placeholders, refuse, resolve,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Relabels an `openapi: 3.1.x` document as 3.0.3, rewriting the 3.1 schema idioms that have a
/// 3.0 spelling.
///
/// Why: the generator (through `openapiv3`) refuses 3.1 documents ("invalid version"), yet
/// 360dialog's pages label 3.1.0 a document written almost entirely in 3.0 idioms (`nullable`).
/// The 3.1 idioms with an exact 3.0 equivalent are rewritten: `type: [T, "null"]` → `type: T`
/// with `nullable`, `const: v` → `enum: [v]`, numeric `exclusiveMinimum`/`exclusiveMaximum` →
/// the bound with the 3.0 boolean. Anything else 3.1-only (a type array of two real types,
/// `type: null` alone) is refused instead of being silently misread. The top-level `webhooks`
/// object (3.1) stays: the types step reads it and the generator never sees it.
pub fn label_as_openapi_3_0(document: &mut Value) -> PassResult {
    let version = document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("3.0.") && !version.starts_with("3.1.") {
        return Err(refuse(
            "/openapi",
            format!("unsupported OpenAPI version `{version}`; expected 3.0.x or 3.1.x"),
        ));
    }
    for_each_schema(document, &mut |schema, pointer| {
        if let Some(Value::Array(types)) = schema.get("type") {
            let nullable = types.iter().any(|t| t == "null");
            let real: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            match real.as_slice() {
                [only] => {
                    let only = only.clone();
                    schema.insert("type".into(), only);
                    if nullable {
                        schema.insert("nullable".into(), json!(true));
                    }
                }
                _ => {
                    return Err(refuse(
                        pointer,
                        format!(
                            "the type array {} has no OpenAPI 3.0 spelling; use one type (with `nullable`) or `anyOf`",
                            Value::Array(types.clone())
                        ),
                    ));
                }
            }
        }
        if schema.get("type") == Some(&json!("null")) {
            return Err(refuse(
                pointer,
                "`type: null` alone is an OpenAPI 3.1 idiom with no 3.0 spelling; mark the schema that may be null `nullable` instead".into(),
            ));
        }
        if let Some(value) = schema.remove("const") {
            schema.insert("enum".into(), json!([value]));
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(limit) = schema.get(exclusive).filter(|v| v.is_number()).cloned() {
                schema.insert(bound.into(), limit);
                schema.insert(exclusive.into(), json!(true));
            }
        }
        Ok(())
    })?;
    document["openapi"] = json!("3.0.3");
    Ok(())
}

/// Request body and parameter media types the client sends.
const JSON: &str = "application/json";

/// Refuses what the generated client cannot express, naming the JSON pointer.
///
/// Why: a build that fails should say which part of the spec to look at, instead of emitting
/// code that does not compile or that sends something other than the spec says. Checked: every
/// `{param}` of a path is declared as a path parameter and every path parameter appears in the
/// path; no cookie parameters; parameter styles the client encodes (`form`, `spaceDelimited`,
/// `pipeDelimited` in the query, `simple` in paths and headers) and JSON `content`; two
/// parameters of an operation never share a setter name; request bodies are JSON; every
/// operation has at most one success response schema, JSON or none. Runs last, on the document
/// the generator reads.
pub fn reject_what_the_generator_cannot_handle(document: &mut Value) -> PassResult {
    let document = &*document;
    for (pointer, operation, path, _) in operations(document) {
        if document
            .pointer(&format!("/paths/{}/$ref", escape(&path)))
            .is_some()
        {
            return Err(refuse(
                &format!("/paths/{}", escape(&path)),
                "path items defined by `$ref` are not supported; inline the path item".into(),
            ));
        }
        let parameters = parameters(document, &path, &pointer, operation);
        let mut setters: BTreeMap<String, String> = BTreeMap::new();
        for (here, parameter) in &parameters {
            let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
            let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
            check_parameter(here, name, location, parameter)?;
            if let Some(first) = setters.insert(setter_name(name), name.to_string()) {
                return Err(refuse(
                    here,
                    format!(
                        "parameters `{first}` and `{name}` both become the setter `{}`; rename one",
                        setter_name(name)
                    ),
                ));
            }
            if location == "path" && !path_placeholders(&path).any(|p| p == name) {
                return Err(refuse(
                    here,
                    format!("path parameter `{name}` does not appear in the path `{path}`"),
                ));
            }
        }
        for placeholder in path_placeholders(&path) {
            let declared = parameters.iter().any(|(_, p)| {
                p.get("in") == Some(&json!("path")) && p.get("name") == Some(&json!(placeholder))
            });
            if !declared {
                return Err(refuse(
                    &pointer,
                    format!("path placeholder `{{{placeholder}}}` has no `in: path` parameter"),
                ));
            }
        }
        if let Some(Value::Object(content)) = operation
            .get("requestBody")
            .map(|b| resolve(document, b))
            .and_then(|b| b.get("content"))
        {
            let kinds: Vec<&String> = content.keys().collect();
            if kinds != [JSON] {
                return Err(refuse(
                    &format!("{pointer}/requestBody/content"),
                    format!(
                        "request body media types {kinds:?}: the client sends exactly one, `{JSON}`"
                    ),
                ));
            }
        }
        let responses = operation.get("responses").and_then(Value::as_object);
        let successes: Vec<(&String, &Value)> = responses
            .into_iter()
            .flatten()
            .filter(|(status, _)| is_success_status(status))
            .map(|(status, r)| (status, resolve(document, r)))
            .collect();
        let schemas: BTreeSet<String> = successes
            .iter()
            .map(|(_, r)| {
                r.pointer("/content/application~1json/schema")
                    .map(Value::to_string)
                    .unwrap_or_default()
            })
            .collect();
        if schemas.len() > 1 {
            return Err(refuse(
                &format!("{pointer}/responses"),
                format!(
                    "{} different success response schemas; the client decodes one per operation",
                    schemas.len()
                ),
            ));
        }
        for (status, response) in &successes {
            if let Some(Value::Object(content)) = response.get("content")
                && !content.is_empty()
                && !content.contains_key(JSON)
            {
                let kinds: Vec<&String> = content.keys().collect();
                return Err(refuse(
                    &format!("{pointer}/responses/{status}/content"),
                    format!("success media types {kinds:?}: the client decodes `{JSON}` only"),
                ));
            }
        }
    }
    Ok(())
}

fn check_parameter(here: &str, name: &str, location: &str, parameter: &Value) -> PassResult {
    if name.is_empty() {
        return Err(refuse(here, "a parameter without a name".into()));
    }
    let style = parameter.get("style").and_then(Value::as_str);
    let supported: &[&str] = match location {
        "path" | "header" => &["simple"],
        "query" => &["form", "spaceDelimited", "pipeDelimited"],
        "cookie" => {
            return Err(refuse(
                here,
                format!("cookie parameter `{name}` is not supported by the client"),
            ));
        }
        other => {
            return Err(refuse(
                here,
                format!("parameter `{name}` is `in: {other:?}`; expected path, query or header"),
            ));
        }
    };
    if let Some(style) = style
        && !supported.contains(&style)
    {
        return Err(refuse(
            here,
            format!(
                "parameter `{name}` has style `{style}`; the client encodes {location} parameters as {supported:?}"
            ),
        ));
    }
    if let Some(Value::Object(content)) = parameter.get("content") {
        let kinds: Vec<&String> = content.keys().collect();
        if kinds != [JSON] {
            return Err(refuse(
                here,
                format!("parameter `{name}` has content {kinds:?}; the client sends `{JSON}` only"),
            ));
        }
    } else if parameter.get("schema").is_none() {
        return Err(refuse(
            here,
            format!("parameter `{name}` has neither `schema` nor `content`"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(operation: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
               "paths": {"/p/{id}": {"get": operation}}, "components": {"schemas": {}}})
    }

    fn id_parameter() -> Value {
        json!({"in": "path", "name": "id", "required": true, "schema": {"type": "string"}})
    }

    #[test]
    fn relabels_3_1_as_3_0_and_rewrites_its_idioms() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "A": {"type": "object", "properties": {
                "x": {"type": ["string", "null"]},
                "k": {"const": "fixed"},
                "n": {"type": "number", "exclusiveMinimum": 0}
            }}
        }}});
        label_as_openapi_3_0(&mut doc).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["x"], json!({"type": "string", "nullable": true}));
        assert_eq!(props["k"], json!({"enum": ["fixed"]}));
        assert_eq!(
            props["n"],
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn refuses_3_1_idioms_without_a_3_0_spelling_naming_the_pointer() {
        for schema in [
            json!({"type": ["string", "integer"]}),
            json!({"type": "null"}),
        ] {
            let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"A": {"type": "object", "properties": {"x": schema}}}}});
            let err = label_as_openapi_3_0(&mut doc).unwrap_err();
            assert_eq!(err.pointer, "/components/schemas/A/properties/x");
            assert!(err.message.contains("3.0 spelling"), "{err}");
            assert_eq!(
                doc["openapi"], "3.1.0",
                "a refused document is not relabelled"
            );
        }
    }

    #[test]
    fn refuses_unknown_versions() {
        let mut doc = json!({"openapi": "2.0"});
        assert_eq!(
            label_as_openapi_3_0(&mut doc).unwrap_err().pointer,
            "/openapi"
        );
    }

    #[test]
    fn undeclared_path_placeholders_are_refused() {
        let mut doc = spec(json!({"responses": {}}));
        let err = reject_what_the_generator_cannot_handle(&mut doc).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1p~1{id}/get");
        assert!(err.message.contains("`{id}`"), "{err}");
    }

    #[test]
    fn path_level_parameters_count_as_declared() {
        let mut doc = spec(json!({"responses": {}}));
        doc["paths"]["/p/{id}"]["parameters"] = json!([id_parameter()]);
        reject_what_the_generator_cannot_handle(&mut doc).unwrap();
        let operation = doc["paths"]["/p/{id}"]["get"].as_object().unwrap();
        let found = parameters(&doc, "/p/{id}", "/paths/~1p~1{id}/get", operation);
        assert_eq!(found[0].0, "/paths/~1p~1{id}/parameters/0");
    }

    #[test]
    fn refuses_what_the_client_cannot_encode_naming_the_parameter() {
        let cases = [
            (
                json!({"in": "cookie", "name": "c", "schema": {"type": "string"}}),
                "cookie parameter `c`",
            ),
            (
                json!({"in": "query", "name": "q", "style": "deepObject", "schema": {"type": "object"}}),
                "style `deepObject`",
            ),
            (
                json!({"in": "query", "name": "q", "content": {"text/csv": {}}}),
                "content [\"text/csv\"]",
            ),
            (
                json!({"in": "path", "name": "other", "required": true, "schema": {"type": "string"}}),
                "does not appear in the path",
            ),
            (
                json!({"in": "query", "name": "i-d", "schema": {"type": "string"}}),
                "both become the setter `i_d`",
            ),
        ];
        for (extra, message) in cases {
            let extra = if extra["name"] == "i-d" {
                json!([id_parameter(), {"in": "query", "name": "i_d", "schema": {"type": "string"}}, extra])
            } else {
                json!([id_parameter(), extra])
            };
            let mut doc = spec(json!({"parameters": extra, "responses": {}}));
            let err = reject_what_the_generator_cannot_handle(&mut doc).unwrap_err();
            assert!(err.message.contains(message), "{message}: {err}");
            assert!(
                err.pointer.starts_with("/paths/~1p~1{id}/get/parameters/"),
                "{err}"
            );
        }
    }

    #[test]
    fn two_success_schemas_or_non_json_bodies_are_refused() {
        let ok = |name: &str| json!({"description": "d", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        let mut doc = spec(
            json!({"parameters": [id_parameter()], "responses": {"200": ok("A"), "201": ok("B")}}),
        );
        assert_eq!(
            reject_what_the_generator_cannot_handle(&mut doc)
                .unwrap_err()
                .pointer,
            "/paths/~1p~1{id}/get/responses"
        );
        let body = json!({"content": {"application/json": {"schema": {}}, "application/xml": {"schema": {}}}});
        let mut doc =
            spec(json!({"parameters": [id_parameter()], "requestBody": body, "responses": {}}));
        assert_eq!(
            reject_what_the_generator_cannot_handle(&mut doc)
                .unwrap_err()
                .pointer,
            "/paths/~1p~1{id}/get/requestBody/content"
        );
        let text =
            json!({"description": "d", "content": {"text/plain": {"schema": {"type": "string"}}}});
        let mut doc = spec(json!({"parameters": [id_parameter()], "responses": {"200": text}}));
        assert_eq!(
            reject_what_the_generator_cannot_handle(&mut doc)
                .unwrap_err()
                .pointer,
            "/paths/~1p~1{id}/get/responses/200/content"
        );
    }
}
