//! Structural differences between two JSON documents as JSON pointers, ignoring key order.
//!
//! The semantic diff uses them for what its rules do not model: documentation changes, and as a
//! last resort so that no difference goes unreported.

use crate::upstream::escape;
use serde_json::Value;

/// Keywords whose values only become doc comments in the generated code.
const DOCUMENTATION: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
];

/// Keywords whose object keys are names chosen by the document's author (a property called
/// `description` is not documentation).
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "paths",
    "$defs",
];

/// The JSON pointers (RFC 6901) where `old` and `new` differ, in a stable order. A key present
/// on one side only is reported once, at the key, not at every leaf below it. Arrays of scalars
/// (`required`, `enum`, `tags`) are compared as sets; other arrays element by element when their
/// lengths agree, else as a whole.
pub fn differences(old: &Value, new: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(old, new, String::new(), &mut found);
    found
}

fn walk(old: &Value, new: &Value, pointer: String, found: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a
                .keys()
                .chain(b.keys().filter(|k| !a.contains_key(*k)))
                .collect();
            keys.sort();
            for key in keys {
                let here = format!("{pointer}/{}", escape(key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => walk(x, y, here, found),
                    _ => found.push(here),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if all_scalars(a) && all_scalars(b) => {
            // Order carries no meaning in these arrays.
            found.extend((sorted(a) != sorted(b)).then_some(pointer));
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(x, y, format!("{pointer}/{i}"), found);
            }
        }
        _ if old != new => found.push(pointer),
        _ => {}
    }
}

fn all_scalars(values: &[Value]) -> bool {
    values.iter().all(|v| !v.is_object() && !v.is_array())
}

fn sorted(values: &[Value]) -> Vec<String> {
    let mut texts: Vec<String> = values.iter().map(Value::to_string).collect();
    texts.sort();
    texts
}

/// Whether a pointer lies under a documentation keyword (not under a name that happens to be
/// spelled like one).
pub fn is_documentation(pointer: &str) -> bool {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    segments.iter().enumerate().any(|(i, segment)| {
        DOCUMENTATION.contains(segment) && (i == 0 || !NAME_MAPS.contains(&segments[i - 1]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_scalar_array_order_do_not_count() {
        let old = json!({"a": 1, "b": {"required": ["x", "y"]}});
        let new = json!({"b": {"required": ["y", "x"]}, "a": 1});
        assert!(differences(&old, &new).is_empty());
    }

    #[test]
    fn an_added_key_is_reported_once_at_the_key() {
        let old = json!({"properties": {"a/b": {"type": "string"}}});
        let new = json!({"properties": {}});
        assert_eq!(differences(&old, &new), ["/properties/a~1b"]);
    }

    #[test]
    fn a_property_named_like_a_keyword_is_not_documentation() {
        assert!(is_documentation("/components/schemas/X/description"));
        assert!(is_documentation(
            "/components/schemas/X/properties/summary/description"
        ));
        assert!(!is_documentation(
            "/components/schemas/X/properties/summary"
        ));
        assert!(!is_documentation("/components/schemas/description/type"));
    }
}
