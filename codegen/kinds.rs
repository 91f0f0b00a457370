//! What a schema's values are, read through `$ref`s and a single `allOf`: one classifier for the
//! operation table's `Kind`s (the command line's flags) and for the list rule (integer `limit`,
//! `offset` and `total`; the array of objects that holds the items).

use crate::normalize::{is_string_enum, resolve};
use serde_json::Value;

/// A schema's kind of value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// An object: `type: object`, or no `type` with `properties`.
    Object,
    Array(Box<Kind>),
    /// A string enum (a component since the passes), with its values.
    Enum(Vec<String>),
    /// Anything else (no type, a union).
    Any,
}

/// The kind of `schema`'s values.
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
        let values = map["enum"].as_array().into_iter().flatten();
        return Kind::Enum(values.filter_map(Value::as_str).map(String::from).collect());
    }
    match map.get("type").and_then(Value::as_str) {
        Some("string") => Kind::String,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        Some("array") => Kind::Array(Box::new(
            map.get("items")
                .map_or(Kind::Any, |items| kind(document, items)),
        )),
        Some("object") => Kind::Object,
        None if map.contains_key("properties") => Kind::Object,
        _ => Kind::Any,
    }
}

impl Kind {
    /// The kind as the generated operation table spells it (`crate::operation::Kind::..`).
    pub fn spelled(&self) -> String {
        const KIND: &str = "crate::operation::Kind";
        match self {
            Kind::String => format!("{KIND}::String"),
            Kind::Integer => format!("{KIND}::Integer"),
            Kind::Number => format!("{KIND}::Number"),
            Kind::Boolean => format!("{KIND}::Boolean"),
            Kind::Object => format!("{KIND}::Object"),
            Kind::Array(item) => format!("{KIND}::Array(&{})", item.spelled()),
            Kind::Enum(values) => {
                let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                format!("{KIND}::Enum(&[{}])", values.join(", "))
            }
            Kind::Any => format!("{KIND}::Any"),
        }
    }
}
