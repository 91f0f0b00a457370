//! Normalization passes: the vendored spec as upstream publishes it → a document progenitor
//! generates a correct, lenient client from.
//!
//! Every pass is a named function over the JSON document, general over the whole Partners V2 API
//! (never special-cased to one operation), with a doc comment saying why it exists and unit tests
//! on small inputs below. A document a pass cannot handle is refused with a [`PassError`] naming
//! the JSON pointer, so the build fails with a readable message instead of a panic deep inside the
//! generator. The README's table of passes lists [`PASSES`] in this order.

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A part of the document a pass cannot handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassError {
    /// The pass that refused the document (set by [`normalize`]).
    pub pass: &'static str,
    /// JSON pointer (RFC 6901) to the offending part of the document.
    pub pointer: String,
    /// What is wrong there, and what to do about it.
    pub message: String,
}

impl fmt::Display for PassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{pointer}: {} (normalization pass `{}`)",
            self.message, self.pass
        )
    }
}

impl std::error::Error for PassError {}

type PassResult = Result<(), PassError>;

/// A named normalization pass.
pub struct Pass {
    pub name: &'static str,
    pub run: fn(&mut Value) -> PassResult,
}

/// All passes, in the order they run. Order matters where noted on a pass.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "label_as_openapi_3_0",
        run: label_as_openapi_3_0,
    },
    Pass {
        name: "name_operations",
        run: name_operations,
    },
    Pass {
        name: "unify_error_schema",
        run: unify_error_schema,
    },
    Pass {
        name: "answer_undeclared_error_statuses",
        run: answer_undeclared_error_statuses,
    },
    Pass {
        name: "allow_unknown_fields",
        run: allow_unknown_fields,
    },
    Pass {
        name: "optional_ref_for_anyof_with_free_object",
        run: optional_ref_for_anyof_with_free_object,
    },
    Pass {
        name: "accept_null_for_free_form_objects",
        run: accept_null_for_free_form_objects,
    },
    Pass {
        name: "reject_what_the_generator_cannot_handle",
        run: reject_what_the_generator_cannot_handle,
    },
];

/// Runs every pass of [`PASSES`] in order.
pub fn normalize(document: &mut Value) -> PassResult {
    PASSES.iter().try_for_each(|pass| {
        (pass.run)(document).map_err(|error| PassError {
            pass: pass.name,
            ..error
        })
    })
}

/// The component schema every error response uses after [`unify_error_schema`]; the facade maps
/// it to its own error body type.
pub fn api_error_schema_name(document: &Value) -> Option<String> {
    operations(document).find_map(|(_, op, _, _)| {
        op.get("responses")?
            .as_object()?
            .iter()
            .filter(|(status, _)| is_error_status(status))
            .find_map(|(_, response)| json_schema_ref(response).map(str::to_string))
    })
}

// ---------------------------------------------------------------------------------------------
// The passes
// ---------------------------------------------------------------------------------------------

/// Relabels an `openapi: 3.1.x` document as 3.0.3.
///
/// Why: progenitor (through `openapiv3`) refuses 3.1 documents ("invalid version"), yet
/// 360dialog's pages label 3.1.0 a document written entirely in 3.0 idioms (`nullable`). The
/// relabel is only sound while that holds, so 3.1-only schema idioms (type arrays, `type: null`,
/// `const`) are refused here instead of being silently misread.
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
        let idiom = match schema.get("type") {
            Some(Value::Array(_)) => Some("a type array"),
            Some(Value::String(t)) if t == "null" => Some("`type: null`"),
            _ if schema.contains_key("const") => Some("`const`"),
            _ => None,
        };
        match idiom {
            Some(idiom) => Err(refuse(
                pointer,
                format!(
                    "{idiom} is an OpenAPI 3.1 idiom the 3.0 generator would misread; express it with `nullable`/`enum` or extend this pass"
                ),
            )),
            None => Ok(()),
        }
    })?;
    document["openapi"] = json!("3.0.3");
    Ok(())
}

/// Derives readable method names from upstream operation ids.
///
/// Why: upstream ids are generated from documentation handlers, e.g.
/// `get_partner_management_docs_api_get_partner`; the part after the last `_docs_api_` is the
/// name users want (`get_partner`). Ids without that marker are kept (in snake case); a missing
/// id is derived from method and path. Two operations with one name would make the generator emit
/// clashing methods, so that fails here, naming both.
pub fn name_operations(document: &mut Value) -> PassResult {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for (pointer, operation, path, method) in operations_mut(document) {
        let name = match operation.get("operationId").and_then(Value::as_str) {
            Some(id) => snake_case(id.rsplit("_docs_api_").next().unwrap_or(id)),
            None => snake_case(&format!("{method}_{}", path.trim_start_matches("/api/v2"))),
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(refuse(
                &format!("{pointer}/operationId"),
                format!("cannot derive a method name from `{name}`"),
            ));
        }
        if let Some(first) = taken.insert(name.clone(), pointer.clone()) {
            return Err(refuse(
                &format!("{pointer}/operationId"),
                format!(
                    "derives method name `{name}`, which {first} already has; give one of them a distinct operationId"
                ),
            ));
        }
        operation.insert("operationId".into(), json!(name));
    }
    Ok(())
}

/// Makes every error response of the API use one schema: the one whose fields include all others'.
///
/// Why: progenitor supports one error type per operation and panics
/// (`response_types.len() <= 1`) when two error statuses use different schemas, as upstream's
/// 400 (`DefaultValidationError`, meta with `details`) and 404 (`DefaultHttpError`) do. Choosing
/// the superset loses nothing: it decodes every body either schema allows. One schema for the
/// whole API gives users one error type. A `default` response is folded in too and removed,
/// because progenitor counts `default` as a success response as well and then panics.
/// Schemas where neither includes the other are refused, naming both.
pub fn unify_error_schema(document: &mut Value) -> PassResult {
    let mut used: BTreeMap<String, String> = BTreeMap::new(); // schema name → first pointer
    for (pointer, operation, _, _) in operations_mut(document) {
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (status, response) in responses
            .iter()
            .filter(|(s, _)| is_error_status(s) || *s == "default")
        {
            let here = format!("{pointer}/responses/{status}");
            if response_has_body(response) {
                let name = json_schema_ref(response).ok_or_else(|| {
                    refuse(&here, "an error response's JSON schema must be a `$ref` to a component schema, so all operations can share one error type".into())
                })?;
                used.entry(name.to_string()).or_insert(here);
            }
        }
    }
    let Some(chosen) = choose_superset(document, &used)? else {
        return Ok(());
    };
    let content =
        json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{chosen}")}}});
    for (_, operation, _, _) in operations_mut(document) {
        let Some(Value::Object(responses)) = operation.get_mut("responses") else {
            continue;
        };
        if let Some(default) = responses.remove("default") {
            for range in ["4XX", "5XX"] {
                responses.entry(range).or_insert_with(|| default.clone());
            }
        }
        for (_, response) in responses.iter_mut().filter(|(s, _)| is_error_status(s)) {
            if let Value::Object(response) = response {
                response.insert("content".into(), content.clone());
            }
        }
    }
    Ok(())
}

/// Answers every error status, listed by the spec or not, with `4XX`/`5XX` ranges of the API's
/// error schema; the listed codes are folded into the ranges' descriptions.
///
/// Why: the hub answers 401, 403, 429 and 5xx with its `meta` error body, but the spec only lists
/// 400 and 404. For an unlisted status, generated code hands back an undecoded response; with the
/// ranges declared, every error status decodes into the one error type. After
/// [`unify_error_schema`] a listed code and its range decode alike, and keeping both would
/// generate unreachable match arms, so the codes are folded in.
pub fn answer_undeclared_error_statuses(document: &mut Value) -> PassResult {
    let Some(name) = api_error_schema_name(document) else {
        return Ok(());
    };
    let content =
        json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}});
    for (_, operation, _, _) in operations_mut(document) {
        let responses = operation.entry("responses").or_insert_with(|| json!({}));
        let Value::Object(responses) = responses else {
            continue;
        };
        for (range, what) in [("4XX", "Client error"), ("5XX", "Server error")] {
            let class = &range[..1];
            let listed: Vec<String> = responses
                .keys()
                .filter(|s| s.starts_with(class) && *s != range)
                .cloned()
                .collect();
            let mut description: Vec<String> = listed
                .iter()
                .filter_map(|code| responses.remove(code))
                .zip(&listed)
                .map(|(response, code)| {
                    format!(
                        "{code}: {}",
                        response
                            .get("description")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                    )
                })
                .collect();
            let existing = responses.remove(range);
            let existing_description = existing
                .as_ref()
                .and_then(|r| r.get("description"))
                .and_then(Value::as_str);
            description.push(
                existing_description.map_or(format!("{what} (the hub's error body)"), String::from),
            );
            responses.insert(
                range.into(),
                json!({"description": description.join("; "), "content": content}),
            );
        }
    }
    Ok(())
}

/// Drops `additionalProperties: false` from every schema.
///
/// Why: the generator turns it into `#[serde(deny_unknown_fields)]`, so one field the hub adds to
/// a response would break decoding of every response carrying it. A client must accept what the
/// server adds; requests are unaffected because the generated structs only serialize known
/// fields.
pub fn allow_unknown_fields(document: &mut Value) -> PassResult {
    for_each_schema(document, &mut |schema, _| {
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            schema.remove("additionalProperties");
        }
        Ok(())
    })
}

/// Rewrites `anyOf: [{$ref: X}, {type: object, ...}]` (a free-form object) into an optional `X`,
/// and lets `X` decode from an object missing its required fields.
///
/// Why: the generator renders such an `anyOf` as an awkward struct of optional parts, and
/// upstream uses it to say "an `X`, or some object, or null". Prism's dynamic responses (and the
/// hub) send `{}` there (`"partner_change_request": {}`). An optional `X` is what users expect;
/// since the alternative admits any object, `X`'s required fields are not guaranteed, so they
/// become optional fields rather than decode errors.
pub fn optional_ref_for_anyof_with_free_object(document: &mut Value) -> PassResult {
    let mut relaxed = BTreeSet::new();
    for_each_schema(document, &mut |schema, _| {
        let Some(Value::Array(any_of)) = schema.get("anyOf") else {
            return Ok(());
        };
        let [first, second] = any_of.as_slice() else {
            return Ok(());
        };
        let (reference, other) = match (first.get("$ref"), second.get("$ref")) {
            (Some(r), None) => (r.clone(), second),
            (None, Some(r)) => (r.clone(), first),
            _ => return Ok(()),
        };
        if !other.as_object().is_some_and(is_free_form_object) {
            return Ok(());
        }
        if let Some(name) = reference.as_str().and_then(component_name) {
            relaxed.insert(name.to_string());
        }
        schema.remove("anyOf");
        schema.insert("allOf".into(), json!([{"$ref": reference}]));
        schema.insert("nullable".into(), json!(true));
        Ok(())
    })?;
    for name in relaxed {
        if let Some(Value::Object(target)) =
            document.pointer_mut(&format!("/components/schemas/{}", escape(&name)))
        {
            target.remove("required");
        }
    }
    Ok(())
}

/// Marks free-form objects (`type: object` with no declared properties) `nullable`.
///
/// Why: the generator maps a free-form object to a map that defaults to empty, which fails on a
/// JSON `null`; upstream's deprecated `payment_plan` and error `details` are such objects and the
/// hub sends `null` for them. Nullable, they decode `null` as `None`. Runs after
/// [`optional_ref_for_anyof_with_free_object`], which consumes the free-form halves of `anyOf`s.
pub fn accept_null_for_free_form_objects(document: &mut Value) -> PassResult {
    for_each_schema(document, &mut |schema, _| {
        if is_free_form_object(schema) {
            schema.insert("nullable".into(), json!(true));
        }
        Ok(())
    })
}

/// Refuses what progenitor cannot generate, naming the JSON pointer.
///
/// Why: progenitor reports these by panicking deep in its code or by emitting code that does not
/// compile; a build that fails should instead say which part of the spec to look at. Checked:
/// every `{param}` of a path is declared as a path parameter; no cookie parameters; one request
/// body media type of a supported kind; at most one success response schema per operation; at
/// most one error schema per operation (guaranteed by [`unify_error_schema`]).
pub fn reject_what_the_generator_cannot_handle(document: &mut Value) -> PassResult {
    const BODY_TYPES: [&str; 4] = [
        "application/json",
        "application/x-www-form-urlencoded",
        "application/octet-stream",
        "text/plain",
    ];
    for (pointer, operation, path, _) in operations(document) {
        let path_item = document.pointer(&format!("/paths/{}", escape(&path)));
        let parameters: Vec<&Value> = [
            path_item.and_then(|i| i.get("parameters")),
            operation.get("parameters"),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| resolve(document, p))
        .collect();
        for placeholder in path_placeholders(&path) {
            let declared = parameters.iter().any(|p| {
                p.get("in") == Some(&json!("path")) && p.get("name") == Some(&json!(placeholder))
            });
            if !declared {
                return Err(refuse(
                    &pointer,
                    format!("path placeholder `{{{placeholder}}}` has no `in: path` parameter"),
                ));
            }
        }
        if let Some(cookie) = parameters
            .iter()
            .find(|p| p.get("in") == Some(&json!("cookie")))
        {
            let name = cookie.get("name").and_then(Value::as_str).unwrap_or("?");
            return Err(refuse(
                &format!("{pointer}/parameters"),
                format!("cookie parameter `{name}` is not supported by the generator"),
            ));
        }
        if let Some(Value::Object(content)) = operation
            .get("requestBody")
            .map(|b| resolve(document, b))
            .and_then(|b| b.get("content"))
        {
            let unsupported: Vec<&String> = content
                .keys()
                .filter(|k| !BODY_TYPES.contains(&k.as_str()))
                .collect();
            if content.len() > 1 || !unsupported.is_empty() {
                let kinds: Vec<&String> = content.keys().collect();
                return Err(refuse(
                    &format!("{pointer}/requestBody/content"),
                    format!(
                        "request body media types {kinds:?}: the generator takes exactly one of {BODY_TYPES:?}"
                    ),
                ));
            }
        }
        let responses = operation.get("responses").and_then(Value::as_object);
        for (kind, matches) in [
            ("success", is_success_status as fn(&str) -> bool),
            ("error", is_error_status),
        ] {
            let schemas: BTreeSet<String> = responses
                .into_iter()
                .flatten()
                .filter(|(status, _)| matches(status))
                .map(|(_, r)| {
                    resolve(document, r)
                        .pointer("/content/application~1json/schema")
                        .map(Value::to_string)
                        .unwrap_or_default()
                })
                .collect();
            if schemas.len() > 1 {
                return Err(refuse(
                    &format!("{pointer}/responses"),
                    format!(
                        "{} different {kind} response schemas; the generator supports one per operation",
                        schemas.len()
                    ),
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Walking the document
// ---------------------------------------------------------------------------------------------

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation as (pointer, operation, path, method), in document order.
pub fn operations(
    document: &Value,
) -> impl Iterator<Item = (String, &Map<String, Value>, String, &'static str)> {
    document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                let operation = item.get(*method)?.as_object()?;
                Some((
                    format!("/paths/{}/{method}", escape(path)),
                    operation,
                    path.clone(),
                    *method,
                ))
            })
        })
}

/// Like [`operations`], with each operation mutable.
fn operations_mut(
    document: &mut Value,
) -> Vec<(String, &mut Map<String, Value>, String, &'static str)> {
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (method, operation) in item.iter_mut() {
            let Some(method) = METHODS.iter().find(|m| **m == method) else {
                continue;
            };
            if let Value::Object(operation) = operation {
                found.push((
                    format!("/paths/{}/{method}", escape(path)),
                    operation,
                    path.clone(),
                    *method,
                ));
            }
        }
    }
    found
}

/// Calls `visit` on every schema object of the document with its JSON pointer, outer schemas
/// before the schemas inside them (so a visit may rewrite what is then walked).
fn for_each_schema(
    document: &mut Value,
    visit: &mut dyn FnMut(&mut Map<String, Value>, &str) -> PassResult,
) -> PassResult {
    /// Outside schemas: every `schema` value and every `components/schemas` entry is a root.
    fn find_roots(
        node: &mut Value,
        pointer: &str,
        visit: &mut dyn FnMut(&mut Map<String, Value>, &str) -> PassResult,
    ) -> PassResult {
        match node {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let here = format!("{pointer}/{}", escape(key));
                    match key.as_str() {
                        "example" | "examples" => {}
                        "schema" => walk_schema(child, &here, visit)?,
                        "schemas" if pointer == "/components" => {
                            if let Value::Object(schemas) = child {
                                for (name, schema) in schemas.iter_mut() {
                                    walk_schema(
                                        schema,
                                        &format!("{here}/{}", escape(name)),
                                        visit,
                                    )?;
                                }
                            }
                        }
                        _ => find_roots(child, &here, visit)?,
                    }
                }
                Ok(())
            }
            Value::Array(items) => items
                .iter_mut()
                .enumerate()
                .try_for_each(|(i, child)| find_roots(child, &format!("{pointer}/{i}"), visit)),
            _ => Ok(()),
        }
    }
    fn walk_schema(
        node: &mut Value,
        pointer: &str,
        visit: &mut dyn FnMut(&mut Map<String, Value>, &str) -> PassResult,
    ) -> PassResult {
        let Value::Object(schema) = node else {
            return Ok(());
        };
        visit(schema, pointer)?;
        for (key, child) in schema.iter_mut() {
            let here = format!("{pointer}/{}", escape(key));
            match key.as_str() {
                "items" | "additionalProperties" | "not" => walk_schema(child, &here, visit)?,
                "properties" | "patternProperties" => {
                    if let Value::Object(properties) = child {
                        for (name, property) in properties.iter_mut() {
                            walk_schema(property, &format!("{here}/{}", escape(name)), visit)?;
                        }
                    }
                }
                "allOf" | "anyOf" | "oneOf" => {
                    if let Value::Array(parts) = child {
                        for (i, part) in parts.iter_mut().enumerate() {
                            walk_schema(part, &format!("{here}/{i}"), visit)?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
    find_roots(document, "", visit)
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn refuse(pointer: &str, message: String) -> PassError {
    PassError {
        pass: "",
        pointer: pointer.to_string(),
        message,
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A 4xx/5xx status or range (`4XX`), which the client decodes into its one error type.
pub fn is_error_status(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

/// A 2xx status or range, whose schema becomes `send()`'s return type.
pub fn is_success_status(status: &str) -> bool {
    status.starts_with('2')
}

fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// Follows a local `$ref` (to any component), or returns the value itself.
pub fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

fn response_has_body(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

/// The component name a response's `application/json` schema refers to.
fn json_schema_ref(response: &Value) -> Option<&str> {
    response
        .pointer("/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
}

/// An object schema that declares no properties: any object fits.
pub fn is_free_form_object(schema: &Map<String, Value>) -> bool {
    let declares_nothing = |key: &str| match schema.get(key) {
        None => true,
        Some(Value::Object(map)) => map.is_empty(),
        Some(value) => key == "additionalProperties" && value.is_boolean(),
    };
    schema.get("type") == Some(&json!("object"))
        && declares_nothing("properties")
        && declares_nothing("additionalProperties")
        && ["allOf", "anyOf", "oneOf", "$ref"]
            .iter()
            .all(|k| !schema.contains_key(*k))
}

fn path_placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Picks the schema, among `used`, that covers every other (see [`covers`]).
fn choose_superset(
    document: &Value,
    used: &BTreeMap<String, String>,
) -> Result<Option<String>, PassError> {
    let mut schemas: Vec<(&String, &Value)> = Vec::with_capacity(used.len());
    for (name, pointer) in used {
        match document.pointer(&format!("/components/schemas/{}", escape(name))) {
            Some(schema) => schemas.push((name, schema)),
            None => {
                return Err(refuse(
                    pointer,
                    format!("refers to missing component schema `{name}`"),
                ));
            }
        }
    }
    let chosen = schemas.iter().find(|(_, candidate)| {
        schemas
            .iter()
            .all(|(_, other)| covers(document, candidate, other, 0))
    });
    match chosen {
        Some((name, _)) => Ok(Some(name.to_string())),
        None if used.is_empty() => Ok(None),
        None => {
            let listing: Vec<String> = used
                .iter()
                .map(|(n, p)| format!("`{n}` (at {p})"))
                .collect();
            Err(refuse(
                used.values().next().map(String::as_str).unwrap_or_default(),
                format!(
                    "no error schema includes the fields of all others: {}; one error type cannot decode them all",
                    listing.join(", ")
                ),
            ))
        }
    }
}

/// Whether every JSON value that fits `narrow` decodes as `wide` without losing a field: `wide`
/// has every property of `narrow` (recursively covering it) and requires nothing `narrow` does
/// not.
fn covers(document: &Value, wide: &Value, narrow: &Value, depth: usize) -> bool {
    fn unwrap<'a>(document: &'a Value, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            schema = resolve(document, schema);
            match schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                Some([only]) if schema.get("properties").is_none() => schema = only,
                _ => break,
            }
        }
        schema
    }
    if depth > 16 {
        return false;
    }
    let (wide, narrow) = (unwrap(document, wide), unwrap(document, narrow));
    fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    }
    let required = |s: &Value| -> BTreeSet<String> {
        s.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    if narrow.get("properties").is_some() || wide.get("properties").is_some() {
        let wide_properties = wide.get("properties");
        return required(wide).is_subset(&required(narrow))
            && properties(narrow).all(|(name, narrow_property)| {
                wide_properties
                    .and_then(|p| p.get(name))
                    .is_some_and(|w| covers(document, w, narrow_property, depth + 1))
            });
    }
    wide.get("type") == narrow.get("type")
        && match (wide.get("items"), narrow.get("items")) {
            (Some(w), Some(n)) => covers(document, w, n, depth + 1),
            (w, n) => w == n,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document with one operation per `(method, path, operation)`.
    fn spec(operations: &[(&str, &str, Value)], schemas: Value) -> Value {
        let mut paths = Map::new();
        for (method, path, operation) in operations {
            let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
            item[*method] = operation.clone();
        }
        json!({"openapi": "3.1.0", "info": {"title": "T", "version": "2.0.0"}, "paths": paths, "components": {"schemas": schemas}})
    }

    fn json_ref(name: &str) -> Value {
        json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}, "description": "d"})
    }

    fn error_schemas() -> Value {
        json!({
            "Narrow": {"type": "object", "properties": {"meta": {"allOf": [{"$ref": "#/components/schemas/NarrowMeta"}]}}, "required": ["meta"]},
            "NarrowMeta": {"type": "object", "properties": {"developer_message": {"type": "string"}}, "required": ["developer_message"]},
            "Wide": {"type": "object", "properties": {"meta": {"allOf": [{"$ref": "#/components/schemas/WideMeta"}]}}, "required": ["meta"]},
            "WideMeta": {"type": "object", "properties": {"developer_message": {"type": "string"}, "details": {"type": "object"}}, "required": ["developer_message"]},
            "Other": {"type": "object", "properties": {"error": {"type": "string"}}},
            "Thing": {"type": "object", "properties": {"id": {"type": "string"}}}
        })
    }

    #[test]
    fn relabels_3_1_as_3_0() {
        let mut doc = spec(&[], json!({}));
        label_as_openapi_3_0(&mut doc).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
    }

    #[test]
    fn refuses_3_1_type_arrays_naming_the_pointer() {
        let mut doc = spec(
            &[],
            json!({"A": {"type": "object", "properties": {"x": {"type": ["string", "null"]}}}}),
        );
        let err = label_as_openapi_3_0(&mut doc).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/A/properties/x");
        assert!(err.to_string().contains("type array"), "{err}");
        assert_eq!(
            doc["openapi"], "3.1.0",
            "a refused document is not relabelled"
        );
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
    fn names_operations_by_the_part_after_docs_api() {
        let mut doc = spec(
            &[
                (
                    "get",
                    "/api/v2/partners/{partner_id}",
                    json!({"operationId": "get_partner_management_docs_api_get_partner"}),
                ),
                (
                    "get",
                    "/api/v2/partners/{partner_id}/clients",
                    json!({"operationId": "listClients"}),
                ),
                (
                    "delete",
                    "/api/v2/partners/{partner_id}/clients/{client_id}",
                    json!({}),
                ),
            ],
            json!({}),
        );
        name_operations(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/api/v2/partners/{partner_id}"]["get"]["operationId"],
            "get_partner"
        );
        assert_eq!(
            doc["paths"]["/api/v2/partners/{partner_id}/clients"]["get"]["operationId"],
            "list_clients"
        );
        assert_eq!(
            doc["paths"]["/api/v2/partners/{partner_id}/clients/{client_id}"]["delete"]["operationId"],
            "delete_partners_partner_id_clients_client_id"
        );
    }

    #[test]
    fn a_name_collision_fails_naming_both_operations() {
        let mut doc = spec(
            &[
                ("get", "/a", json!({"operationId": "x_docs_api_get_thing"})),
                ("get", "/b", json!({"operationId": "y_docs_api_get_thing"})),
            ],
            json!({}),
        );
        let err = name_operations(&mut doc).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1b/get/operationId");
        assert!(
            err.message.contains("`get_thing`") && err.message.contains("/paths/~1a/get"),
            "{err}"
        );
    }

    #[test]
    fn error_responses_share_the_superset_schema_and_default_is_folded_into_ranges() {
        let mut doc = spec(
            &[
                (
                    "get",
                    "/a",
                    json!({"responses": {"200": json_ref("Thing"), "400": json_ref("Wide"), "404": json_ref("Narrow")}}),
                ),
                (
                    "post",
                    "/a",
                    json!({"responses": {"200": json_ref("Thing"), "default": json_ref("Narrow")}}),
                ),
            ],
            error_schemas(),
        );
        unify_error_schema(&mut doc).unwrap();
        assert_eq!(api_error_schema_name(&doc).as_deref(), Some("Wide"));
        let get = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(json_schema_ref(&get["404"]), Some("Wide"));
        assert_eq!(get["404"]["description"], "d", "descriptions are kept");
        assert_eq!(
            json_schema_ref(&get["200"]),
            Some("Thing"),
            "success responses are untouched"
        );
        let post = doc["paths"]["/a"]["post"]["responses"].as_object().unwrap();
        assert!(!post.contains_key("default"));
        assert_eq!(json_schema_ref(&post["4XX"]), Some("Wide"));
        assert_eq!(json_schema_ref(&post["5XX"]), Some("Wide"));
    }

    #[test]
    fn unrelated_error_schemas_are_refused_naming_both() {
        let mut doc = spec(
            &[(
                "get",
                "/a",
                json!({"responses": {"400": json_ref("Wide"), "404": json_ref("Other")}}),
            )],
            error_schemas(),
        );
        let err = unify_error_schema(&mut doc).unwrap_err();
        assert!(
            err.message.contains("`Wide`") && err.message.contains("`Other`"),
            "{err}"
        );
        assert_eq!(err.pointer, "/paths/~1a/get/responses/404");
    }

    #[test]
    fn inline_error_schemas_are_refused() {
        let inline = json!({"content": {"application/json": {"schema": {"type": "object"}}}});
        let mut doc = spec(
            &[("get", "/a", json!({"responses": {"400": inline}}))],
            json!({}),
        );
        assert_eq!(
            unify_error_schema(&mut doc).unwrap_err().pointer,
            "/paths/~1a/get/responses/400"
        );
    }

    #[test]
    fn a_required_field_the_other_schema_lacks_prevents_covering() {
        let doc = json!({});
        let wide = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["b"]});
        let narrow = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        assert!(!covers(&doc, &wide, &narrow, 0));
        assert!(covers(
            &doc,
            &wide,
            &json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a", "b"]}),
            0
        ));
        assert!(
            !covers(
                &doc,
                &json!({"type": "object", "properties": {"a": {"type": "integer"}}}),
                &narrow,
                0
            ),
            "type changes do not cover"
        );
    }

    #[test]
    fn every_error_status_is_answered_by_ranges_with_the_error_schema() {
        let mut doc = spec(
            &[
                (
                    "get",
                    "/a",
                    json!({"responses": {"200": json_ref("Thing"), "404": json_ref("Wide")}}),
                ),
                (
                    "patch",
                    "/b",
                    json!({"responses": {"200": json_ref("Thing")}}),
                ),
            ],
            error_schemas(),
        );
        answer_undeclared_error_statuses(&mut doc).unwrap();
        for pointer in ["/paths/~1a/get/responses", "/paths/~1b/patch/responses"] {
            let responses = doc.pointer(pointer).unwrap();
            let statuses: Vec<&String> = responses.as_object().unwrap().keys().collect();
            assert_eq!(statuses, ["200", "4XX", "5XX"], "{pointer}");
            assert_eq!(
                json_schema_ref(&responses["4XX"]),
                Some("Wide"),
                "{pointer}"
            );
            assert_eq!(
                json_schema_ref(&responses["5XX"]),
                Some("Wide"),
                "{pointer}"
            );
        }
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["4XX"]["description"],
            "404: d; Client error (the hub's error body)"
        );
    }

    #[test]
    fn without_any_error_schema_no_ranges_are_invented() {
        let mut doc = spec(
            &[(
                "get",
                "/a",
                json!({"responses": {"200": json_ref("Thing")}}),
            )],
            error_schemas(),
        );
        answer_undeclared_error_statuses(&mut doc).unwrap();
        assert!(doc["paths"]["/a"]["get"]["responses"].get("4XX").is_none());
    }

    #[test]
    fn drops_additional_properties_false_everywhere_but_keeps_typed_maps() {
        let mut doc = spec(
            &[(
                "get",
                "/a",
                json!({"parameters": [{"in": "query", "name": "f", "schema": {"type": "object", "additionalProperties": false}}]}),
            )],
            json!({
                "A": {"type": "object", "additionalProperties": false, "properties": {"b": {"type": "array", "items": {"type": "object", "additionalProperties": false}}}},
                "Map": {"type": "object", "additionalProperties": {"type": "string"}}
            }),
        );
        allow_unknown_fields(&mut doc).unwrap();
        let text = doc.to_string();
        assert!(!text.contains("\"additionalProperties\":false"), "{text}");
        assert_eq!(
            doc["components"]["schemas"]["Map"]["additionalProperties"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn examples_are_not_mistaken_for_schemas() {
        let example = json!({"schema": {"additionalProperties": false}});
        let mut doc = spec(
            &[(
                "get",
                "/a",
                json!({"responses": {"200": {"description": "d", "content": {"application/json": {"example": example}}}}}),
            )],
            json!({}),
        );
        allow_unknown_fields(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["example"],
            example
        );
    }

    #[test]
    fn free_form_objects_become_nullable_typed_ones_do_not() {
        let mut doc = spec(
            &[],
            json!({"A": {"type": "object", "properties": {
                "plan": {"type": "object", "additionalProperties": {}},
                "bare": {"type": "object"},
                "typed": {"type": "object", "properties": {"x": {"type": "string"}}},
                "map": {"type": "object", "additionalProperties": {"type": "integer"}}
            }}}),
        );
        accept_null_for_free_form_objects(&mut doc).unwrap();
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["plan"]["nullable"], true);
        assert_eq!(props["bare"]["nullable"], true);
        assert!(props["typed"].get("nullable").is_none());
        assert!(props["map"].get("nullable").is_none());
    }

    #[test]
    fn anyof_ref_or_free_object_becomes_optional_ref_and_relaxes_its_required() {
        let mut doc = spec(
            &[],
            json!({
                "Outer": {"type": "object", "properties": {"s": {"description": "keep me", "anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "object", "nullable": true}]}}},
                "Inner": {"type": "object", "properties": {"flag": {"type": "boolean"}}, "required": ["flag"]},
                "Choice": {"anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "string"}]}
            }),
        );
        optional_ref_for_anyof_with_free_object(&mut doc).unwrap();
        let s = &doc["components"]["schemas"]["Outer"]["properties"]["s"];
        assert_eq!(
            *s,
            json!({"description": "keep me", "allOf": [{"$ref": "#/components/schemas/Inner"}], "nullable": true})
        );
        assert!(
            doc["components"]["schemas"]["Inner"]
                .get("required")
                .is_none()
        );
        assert!(
            doc["components"]["schemas"]["Choice"]
                .get("anyOf")
                .is_some(),
            "other anyOfs are left to the generator"
        );
    }

    #[test]
    fn undeclared_path_placeholders_are_refused() {
        let mut doc = spec(&[("get", "/p/{id}", json!({"responses": {}}))], json!({}));
        let err = reject_what_the_generator_cannot_handle(&mut doc).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1p~1{id}/get");
        assert!(err.message.contains("`{id}`"), "{err}");
    }

    #[test]
    fn path_level_parameters_count_as_declared() {
        let mut doc = spec(&[("get", "/p/{id}", json!({"responses": {}}))], json!({}));
        doc["paths"]["/p/{id}"]["parameters"] =
            json!([{"in": "path", "name": "id", "required": true, "schema": {"type": "string"}}]);
        reject_what_the_generator_cannot_handle(&mut doc).unwrap();
    }

    #[test]
    fn two_success_schemas_or_two_body_types_are_refused() {
        let mut doc = spec(
            &[(
                "post",
                "/a",
                json!({"responses": {"200": json_ref("Thing"), "201": json_ref("Wide")}}),
            )],
            error_schemas(),
        );
        assert_eq!(
            reject_what_the_generator_cannot_handle(&mut doc)
                .unwrap_err()
                .pointer,
            "/paths/~1a/post/responses"
        );
        let body = json!({"content": {"application/json": {"schema": {}}, "application/xml": {"schema": {}}}});
        let mut doc = spec(
            &[("post", "/a", json!({"requestBody": body, "responses": {}}))],
            json!({}),
        );
        assert_eq!(
            reject_what_the_generator_cannot_handle(&mut doc)
                .unwrap_err()
                .pointer,
            "/paths/~1a/post/requestBody/content"
        );
    }

    #[test]
    fn the_full_pipeline_runs_on_a_list_endpoint_shape() {
        let mut doc = spec(
            &[(
                "get",
                "/api/v2/partners/{partner_id}/channels",
                json!({
                    "operationId": "get_channels_docs_api_list_channels",
                    "parameters": [
                        {"in": "path", "name": "partner_id", "required": true, "schema": {"type": "string"}},
                        {"in": "query", "name": "limit", "schema": {"type": "integer"}},
                        {"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["created_at", "-created_at"]}},
                        {"in": "query", "name": "filters", "schema": {"type": "string"}}
                    ],
                    "responses": {"200": json_ref("Thing"), "400": json_ref("Wide"), "404": json_ref("Narrow")}
                }),
            )],
            error_schemas(),
        );
        normalize(&mut doc).unwrap();
        let op = &doc["paths"]["/api/v2/partners/{partner_id}/channels"]["get"];
        assert_eq!(op["operationId"], "list_channels");
        assert_eq!(json_schema_ref(&op["responses"]["5XX"]), Some("Wide"));
    }
}
