//! Error answers: the client reads every one into its own error type, so the spec's schemas for
//! them become no generated types.

use super::{PassResult, component_name, escape, is_success_status, operations_mut};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Makes the schema of every error response of every operation `{}` (any JSON), and drops the
/// component schemas only error responses used.
///
/// Why: a call reads every error answer (4xx, 5xx, `default`, `4XX`), whatever the spec says of
/// it, into `ErrorKind::Api`: its `ApiErrorBody` takes any JSON object, its `ApiErrorMeta` is the
/// superset of the spec's `meta` shapes. Generated types for the spec's error schemas
/// (`DefaultHttpError`, `DefaultValidationError`, `_MetaSchemaError`, a 429's `{detail}`)
/// would be a second way to read errors, one no call returns, with the trace id as
/// `x360dialog_trace_id` where the error type says `trace_id`. A component that a success
/// body, a request body or a parameter also uses stays, and so does one nothing references.
/// Error responses stay listed with their statuses and descriptions; only their schemas go.
/// Run before the naming passes, so an enum inside an error schema gets no type either.
pub fn drop_error_only_schemas(document: &mut Value) -> PassResult {
    let used_before = schemas_in_use(document);
    let mut shared_responses = BTreeSet::new();
    for (_, operation, _, _) in operations_mut(document) {
        let Some(Value::Object(responses)) = operation.get_mut("responses") else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if is_success_status(status) {
                continue;
            }
            match response.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    shared_responses.insert(reference.to_string());
                }
                None => any_json_content(response),
            }
        }
    }
    // A shared response (`#/components/responses/X`) goes too, unless a success uses it.
    let success_responses = success_response_references(document);
    for reference in shared_responses.difference(&success_responses) {
        if let Some(response) = reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer_mut(pointer))
        {
            any_json_content(response);
        }
    }
    let used_after = schemas_in_use(document);
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        schemas.retain(|name, _| used_after.contains(name) || !used_before.contains(name));
    }
    Ok(())
}

/// Every media type of a response describes any JSON.
fn any_json_content(response: &mut Value) {
    if let Some(Value::Object(content)) = response.get_mut("content") {
        for media in content.values_mut() {
            if let Some(media) = media.as_object_mut() {
                media.insert("schema".into(), Value::Object(Map::new()));
            }
        }
    }
}

/// The `$ref`s of the success responses of every operation.
fn success_response_references(document: &mut Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (_, operation, _, _) in operations_mut(document) {
        let responses = operation.get("responses").and_then(Value::as_object);
        for (_, response) in responses
            .into_iter()
            .flatten()
            .filter(|(status, _)| is_success_status(status))
        {
            if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
                found.insert(reference.to_string());
            }
        }
    }
    found
}

/// The component schemas the document uses: referenced from anywhere outside
/// `components/schemas`, and what those reference in turn.
fn schemas_in_use(document: &Value) -> BTreeSet<String> {
    let mut pending = Vec::new();
    for (key, value) in document.as_object().into_iter().flatten() {
        match (key.as_str(), value) {
            ("components", Value::Object(components)) => {
                for (kind, value) in components {
                    if kind != "schemas" {
                        references(value, &mut pending);
                    }
                }
            }
            _ => references(value, &mut pending),
        }
    }
    let mut used = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if used.insert(name.clone())
            && let Some(schema) =
                document.pointer(&format!("/components/schemas/{}", escape(&name)))
        {
            references(schema, &mut pending);
        }
    }
    used
}

/// The component schemas `value` references (`$ref: #/components/schemas/X`), anywhere in it.
fn references(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(component_name)
            {
                into.push(name.to_string());
            }
            map.values().for_each(|v| references(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, into)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(schema: &str) -> Value {
        json!({"description": "d", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    fn document() -> Value {
        json!({
            "paths": {"/p/{id}": {
                "get": {"responses": {
                    "200": response("Thing"),
                    "400": response("ValidationError"),
                    "404": response("HttpError"),
                    "429": {"description": "Client error", "content": {"application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}}},
                    "default": response("Shared")
                }},
                "patch": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
                    "responses": {"200": response("Thing"), "5XX": {"$ref": "#/components/responses/Unavailable"}}
                }
            }},
            "components": {
                "responses": {"Unavailable": response("Outage")},
                "schemas": {
                    "Thing": {"type": "object", "properties": {"meta": {"$ref": "#/components/schemas/Meta"}}},
                    "Meta": {"type": "object"},
                    "ValidationError": {"type": "object", "properties": {"meta": {"allOf": [{"$ref": "#/components/schemas/_ErrorMeta"}]}, "kind": {"type": "string", "enum": ["a"]}}},
                    "HttpError": {"type": "object", "properties": {"meta": {"allOf": [{"$ref": "#/components/schemas/_ErrorMeta"}]}}},
                    "_ErrorMeta": {"type": "object", "properties": {"360dialog_trace_id": {"type": "string"}}},
                    "Outage": {"type": "object"},
                    "Shared": {"type": "object"},
                    "Unused": {"type": "object"}
                }
            }
        })
    }

    #[test]
    fn error_schemas_become_any_json_and_their_only_components_go() {
        let mut doc = document();
        drop_error_only_schemas(&mut doc).unwrap();
        // Sorted: key order depends on serde_json's `preserve_order`.
        let mut names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["Meta", "Shared", "Thing", "Unused"],
            "a success's, a request body's and an unreferenced component stay"
        );
        let get = &doc["paths"]["/p/{id}"]["get"]["responses"];
        for status in ["400", "404", "429", "default"] {
            assert_eq!(
                get[status]["content"]["application/json"]["schema"],
                json!({}),
                "{status}"
            );
        }
        assert_eq!(get["404"]["description"], "d", "the response stays listed");
        assert_eq!(get["200"], response("Thing"), "successes are untouched");
        assert_eq!(
            doc["components"]["responses"]["Unavailable"]["content"]["application/json"]["schema"],
            json!({}),
            "a shared error response too"
        );
        assert_eq!(
            doc["paths"]["/p/{id}"]["patch"]["responses"]["5XX"],
            json!({"$ref": "#/components/responses/Unavailable"})
        );
    }

    #[test]
    fn a_shared_response_a_success_also_uses_is_kept() {
        let mut doc = document();
        doc["paths"]["/p/{id}"]["patch"]["responses"]["200"] =
            json!({"$ref": "#/components/responses/Unavailable"});
        drop_error_only_schemas(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["responses"]["Unavailable"],
            response("Outage")
        );
        assert!(doc["components"]["schemas"].get("Outage").is_some());
    }

    #[test]
    fn a_document_without_errors_is_unchanged() {
        let mut doc = json!({
            "paths": {"/p": {"get": {"responses": {"200": response("Thing")}}}},
            "components": {"schemas": {"Thing": {"type": "object"}}}
        });
        let before = doc.clone();
        drop_error_only_schemas(&mut doc).unwrap();
        assert_eq!(doc, before);
    }
}
