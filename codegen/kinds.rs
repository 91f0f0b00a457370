//! What a schema's values are, read through `$ref`s and a single `allOf`: one classifier for the
//! operation table's [`Kind`]s (the command line's flags) and for the list rule (integer `limit`,
//! `offset` and `total`; the array of objects that holds the items).
//!
//! [`Kind`] is the runtime's own type (`src/vocabulary.rs`), so the table is written in the words
//! the runtime reads. Its lists are `'static`, as the generated statics hold them: the
//! classifier leaks them, which costs nothing in a build script or a tool that runs once.

use crate::codegen::normalize::{is_string_enum, resolve};
pub use crate::codegen::vocabulary::Kind;
use serde_json::Value;

/// The kind of `schema`'s values: `Object` for `type: object` or no `type` with `properties`,
/// `Any` for no type or a union.
pub fn kind(document: &Value, schema: &Value) -> Kind {
    let Value::Object(map) = resolve(document, schema) else {
        return Kind::Any;
    };
    if let Some(Value::Array(parts)) = map.get("allOf")
        && let [only] = parts.as_slice()
    {
        return kind(document, only);
    }
    if is_string_enum(map) {
        let values: Vec<&'static str> = map["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|value| &*Box::leak(value.to_string().into_boxed_str()))
            .collect();
        return Kind::Enum(Box::leak(values.into_boxed_slice()));
    }
    match map.get("type").and_then(Value::as_str) {
        Some("string") => Kind::String,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        Some("array") => {
            let item = map
                .get("items")
                .map_or(Kind::Any, |items| kind(document, items));
            Kind::Array(Box::leak(Box::new(item)))
        }
        Some("object") => Kind::Object,
        None if map.contains_key("properties") => Kind::Object,
        _ => Kind::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_are_read_through_references_and_a_single_all_of() {
        let document = json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["running", "pending"]},
            "Thing": {"properties": {"id": {"type": "string"}}}
        }}});
        let of = |schema: Value| kind(&document, &schema);
        assert_eq!(
            of(json!({"$ref": "#/components/schemas/Status"})),
            Kind::Enum(&["running", "pending"])
        );
        assert_eq!(
            of(json!({"allOf": [{"$ref": "#/components/schemas/Thing"}]})),
            Kind::Object
        );
        assert_eq!(
            of(json!({"type": "array", "items": {"type": "integer"}})),
            Kind::Array(&Kind::Integer)
        );
        assert_eq!(
            of(json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})),
            Kind::Any
        );
        assert_eq!(of(json!({"type": "boolean"})), Kind::Boolean);
    }
}
