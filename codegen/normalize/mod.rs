//! Normalization passes: the vendored spec as upstream publishes it → a document the code
//! generator turns into a correct, lenient, readable client.
//!
//! Every pass is a named function over the JSON document, general over the whole Partners V2 API
//! (never special-cased to a page, operation or field), with a doc comment saying why it exists
//! and unit tests on small inputs next to it. A document a pass cannot handle is refused with a
//! [`PassError`] naming the JSON pointer, so the build fails with a readable message instead of a
//! panic deep inside the generator. The README's table of passes lists [`PASSES`] in this order.
//!
//! The passes live by concern: what the OpenAPI version and the generator can take
//! (`limits.rs`), names (`names.rs`, spelled by `naming.rs`), forward compatibility with what
//! the hub sends (`leniency.rs`), error answers (`errors.rs`) and documentation text
//! (`docs.rs`). This file holds the list and the walkers they share.

mod docs;
mod errors;
mod leniency;
mod limits;
mod names;
pub mod naming;

pub use docs::{plain_text, rustdoc_safe_descriptions};
pub use errors::drop_error_only_schemas;
pub use leniency::{
    accept_null_for_free_form_objects, allow_unknown_fields, drop_non_string_enums,
    integers_as_i64, optional_ref_for_anyof_with_free_object, plain_strings_and_arrays,
};
pub use limits::{label_as_openapi_3_0, reject_what_the_generator_cannot_handle};
pub use names::{
    is_string_enum, name_inline_schemas, name_operations, name_types, name_webhook_payloads,
};

use serde_json::{Map, Value};
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

pub type PassResult = Result<(), PassError>;

/// A named normalization pass.
pub struct Pass {
    pub name: &'static str,
    pub run: fn(&mut Value) -> PassResult,
}

macro_rules! passes {
    ($($pass:ident),* $(,)?) => {
        &[$(Pass { name: stringify!($pass), run: $pass }),*]
    };
}

/// All passes, in the order they run. Order matters where noted on a pass.
pub const PASSES: &[Pass] = passes![
    label_as_openapi_3_0,
    name_operations,
    name_webhook_payloads,
    drop_error_only_schemas,
    name_inline_schemas,
    name_types,
    allow_unknown_fields,
    optional_ref_for_anyof_with_free_object,
    accept_null_for_free_form_objects,
    drop_non_string_enums,
    integers_as_i64,
    plain_strings_and_arrays,
    rustdoc_safe_descriptions,
    reject_what_the_generator_cannot_handle,
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

// ---------------------------------------------------------------------------------------------
// Walking the document
// ---------------------------------------------------------------------------------------------

pub const METHODS: [&str; 8] = [
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
pub fn operations_mut(
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

/// The schema visitor of [`for_each_schema`]: a schema object and its JSON pointer.
pub type Visit<'v> = dyn FnMut(&mut Map<String, Value>, &str) -> PassResult + 'v;

/// Calls `visit` on every schema object of the document (in paths, components and webhooks)
/// with its JSON pointer, outer schemas before the schemas inside them (so a visit may rewrite
/// what is then walked). Examples are not schemas and are skipped.
pub fn for_each_schema(document: &mut Value, visit: &mut Visit<'_>) -> PassResult {
    fn find_roots(node: &mut Value, pointer: &mut Pointer, visit: &mut Visit<'_>) -> PassResult {
        match node {
            Value::Object(map) => {
                let in_components = pointer.0 == "/components";
                for (key, child) in map.iter_mut() {
                    if matches!(key.as_str(), "example" | "examples") || child.is_string() {
                        continue;
                    }
                    let at = pointer.push(key);
                    match key.as_str() {
                        "schema" => walk(child, pointer, visit)?,
                        "schemas" if in_components => {
                            if let Value::Object(schemas) = child {
                                for (name, schema) in schemas.iter_mut() {
                                    let at = pointer.push(name);
                                    walk(schema, pointer, visit)?;
                                    pointer.pop(at);
                                }
                            }
                        }
                        _ => find_roots(child, pointer, visit)?,
                    }
                    pointer.pop(at);
                }
                Ok(())
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let at = pointer.push_index(i);
                    find_roots(child, pointer, visit)?;
                    pointer.pop(at);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    find_roots(document, &mut Pointer(String::new()), visit)
}

/// Calls `visit` on `node` and every schema inside it, outer first.
fn walk(node: &mut Value, pointer: &mut Pointer, visit: &mut Visit<'_>) -> PassResult {
    let Value::Object(schema) = node else {
        return Ok(());
    };
    visit(schema, &pointer.0)?;
    for (key, child) in schema.iter_mut() {
        match key.as_str() {
            "items" | "additionalProperties" | "not" => {
                let at = pointer.push(key);
                walk(child, pointer, visit)?;
                pointer.pop(at);
            }
            "properties" | "patternProperties" | "allOf" | "anyOf" | "oneOf" => {
                let at = pointer.push(key);
                match child {
                    Value::Object(properties) => {
                        for (name, property) in properties.iter_mut() {
                            let inner = pointer.push(name);
                            walk(property, pointer, visit)?;
                            pointer.pop(inner);
                        }
                    }
                    Value::Array(parts) => {
                        for (i, part) in parts.iter_mut().enumerate() {
                            let inner = pointer.push_index(i);
                            walk(part, pointer, visit)?;
                            pointer.pop(inner);
                        }
                    }
                    _ => {}
                }
                pointer.pop(at);
            }
            _ => {}
        }
    }
    Ok(())
}

/// A JSON pointer built segment by segment in one buffer, so walking a document of thousands of
/// schemas does not allocate a string per node.
struct Pointer(String);

impl Pointer {
    /// Appends `/segment` (escaped); returns the length to [`pop`](Self::pop) back to.
    fn push(&mut self, segment: &str) -> usize {
        let at = self.0.len();
        self.0.push('/');
        if segment.contains(['~', '/']) {
            self.0.push_str(&escape(segment));
        } else {
            self.0.push_str(segment);
        }
        at
    }

    fn push_index(&mut self, index: usize) -> usize {
        let at = self.0.len();
        self.0.push('/');
        self.0.push_str(&index.to_string());
        at
    }

    fn pop(&mut self, at: usize) {
        self.0.truncate(at);
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

pub fn refuse(pointer: &str, message: String) -> PassError {
    PassError {
        pass: "",
        pointer: pointer.to_string(),
        message,
    }
}

/// One JSON pointer segment (RFC 6901): `~` and `/` escaped.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A 2xx status or range, whose schema becomes `send()`'s return type.
pub fn is_success_status(status: &str) -> bool {
    status.starts_with('2')
}

/// `X` of `#/components/schemas/X`.
pub fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// `#/components/schemas/X`.
pub fn component_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
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

/// An object schema that declares no properties: any object fits.
pub fn is_free_form_object(schema: &Map<String, Value>) -> bool {
    let declares_nothing = |key: &str| match schema.get(key) {
        None => true,
        Some(Value::Object(map)) => map.is_empty(),
        Some(value) => key == "additionalProperties" && value.is_boolean(),
    };
    schema.get("type") == Some(&Value::from("object"))
        && declares_nothing("properties")
        && declares_nothing("additionalProperties")
        && ["allOf", "anyOf", "oneOf", "$ref"]
            .iter()
            .all(|k| !schema.contains_key(*k))
}

/// The `{name}` placeholders of a path template, in order.
pub fn path_placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// The success response of an operation: the first 2xx (status or range) in document order.
pub fn success_response(operation: &Map<String, Value>) -> Option<(&String, &Value)> {
    operation
        .get("responses")?
        .as_object()?
        .iter()
        .find(|(status, _)| is_success_status(status))
}

/// An operation's parameters with their JSON pointers, resolved: the path item's first, unless
/// the operation overrides one (same name and location), then the operation's own.
pub fn parameters<'a>(
    document: &'a Value,
    path: &str,
    operation_pointer: &str,
    operation: &'a Map<String, Value>,
) -> Vec<(String, &'a Value)> {
    let item_pointer = format!("/paths/{}", escape(path));
    let listed = |parameters: Option<&'a Value>, pointer: &str| -> Vec<(String, &'a Value)> {
        parameters
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| (format!("{pointer}/parameters/{i}"), resolve(document, p)))
            .collect()
    };
    let own = listed(operation.get("parameters"), operation_pointer);
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    let path_level = document
        .pointer(&item_pointer)
        .and_then(|item| item.get("parameters"));
    let mut all: Vec<(String, &Value)> = listed(path_level, &item_pointer)
        .into_iter()
        .filter(|(_, p)| !own.iter().any(|(_, o)| key(o) == key(p)))
        .collect();
    all.extend(own);
    all
}

/// A request's or response's `application/json` schema.
pub fn json_schema(body: &Value) -> Option<&Value> {
    body.pointer("/content/application~1json/schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_walk_reaches_schemas_in_paths_components_and_webhooks_but_not_examples() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"parameters": [{"schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"p": {"type": "integer"}}},
                    "example": {"schema": {"type": "boolean"}}}}}}}}},
            "components": {"schemas": {"C": {"type": "array", "items": {"anyOf": [{"type": "number"}]}}}},
            "webhooks": {"hook": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "null"}}}}}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |schema, pointer| {
            let kind = schema.get("type").cloned().unwrap_or_default();
            seen.push(format!("{pointer} {kind}"));
            Ok(())
        })
        .unwrap();
        // Sorted, as key order depends on serde_json's `preserve_order`; a pointer sorts before
        // the pointers inside it, as the walk visits them.
        seen.sort();
        assert_eq!(
            seen,
            [
                "/components/schemas/C \"array\"",
                "/components/schemas/C/items null",
                "/components/schemas/C/items/anyOf/0 \"number\"",
                "/paths/~1a/get/parameters/0/schema \"string\"",
                "/paths/~1a/get/responses/200/content/application~1json/schema \"object\"",
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/p \"integer\"",
                "/webhooks/hook/post/requestBody/content/application~1json/schema \"null\"",
            ]
        );
    }

    #[test]
    fn every_pass_is_listed_once() {
        let mut names: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PASSES.len());
    }
}
