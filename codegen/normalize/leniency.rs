//! Forward compatibility: generated types that decode whatever the hub sends within the spirit
//! of the spec (new fields, `null`s, new enum values, numbers out of the documented range,
//! strings not in the documented format), so new server data never fails a whole call.

use super::{PassResult, component_name, escape, for_each_schema, is_free_form_object};
use serde_json::{Value, json};
use std::collections::BTreeSet;

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

/// Drops `enum` from integer, number and boolean schemas (string enums become open Rust enums).
///
/// Why: the generator closes a numeric enum into a type that refuses any other value, so one
/// value the hub adds would fail every response carrying it. The values stay in the spec and in
/// the field's documentation; the field decodes any number.
pub fn drop_non_string_enums(document: &mut Value) -> PassResult {
    for_each_schema(document, &mut |schema, _| {
        let closed_non_string = schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|v| !v.is_string() && !v.is_null()));
        if closed_non_string {
            schema.remove("enum");
        }
        Ok(())
    })
}

/// Drops `minimum`, `maximum` and their exclusive forms from integer schemas.
///
/// Why: the generator reads bounds into the Rust type: `minimum: 0` gives `u64`, `minimum: 1`
/// `NonZeroU64`. A response then fails on a `-1` the hub starts to send, and one concept gets
/// different types on different pages (`limit` is `minimum: 0` on one page and plain on
/// another). Without bounds every integer is `i64` (`i32` for `format: int32`); the bounds stay
/// in the vendored spec, which the server and the contract tests validate requests against.
pub fn integers_as_i64(document: &mut Value) -> PassResult {
    for_each_schema(document, &mut |schema, _| {
        if schema.get("type") == Some(&json!("integer")) {
            for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                schema.remove(bound);
            }
        }
        Ok(())
    })
}

/// Drops the constraints the generator turns into validating types: a string's `format`,
/// `pattern`, `minLength` and `maxLength`, and an array's `uniqueItems`.
///
/// Why: the generator maps `date-time`, `date` and `uuid` to types of crates this client does
/// not depend on (chrono, uuid), `ipv4`/`ipv6` to strict parsers, a pattern or length to a
/// newtype that refuses other strings, and `uniqueItems` to a set, which loses the order (of sort
/// keys, say). One timestamp in another notation would fail the whole response. Strings stay
/// `String` and arrays `Vec`; the spec keeps the constraints, which the server and the contract
/// tests validate requests against.
pub fn plain_strings_and_arrays(document: &mut Value) -> PassResult {
    for_each_schema(document, &mut |schema, _| {
        let constraints: &[&str] = match schema.get("type").and_then(Value::as_str) {
            Some("string") => &["format", "pattern", "minLength", "maxLength"],
            Some("array") => &["uniqueItems"],
            _ => &[],
        };
        for constraint in constraints {
            schema.remove(*constraint);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn components(schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}})
    }

    #[test]
    fn drops_additional_properties_false_everywhere_but_keeps_typed_maps() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"parameters": [{"in": "query", "name": "f", "schema": {"type": "object", "additionalProperties": false}}]}}},
            "components": {"schemas": {
                "A": {"type": "object", "additionalProperties": false, "properties": {"b": {"type": "array", "items": {"type": "object", "additionalProperties": false}}}},
                "Map": {"type": "object", "additionalProperties": {"type": "string"}}
            }}
        });
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
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "d", "content": {"application/json": {"example": example}}}}}}}});
        allow_unknown_fields(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["example"],
            example
        );
    }

    #[test]
    fn free_form_objects_become_nullable_typed_ones_do_not() {
        let mut doc = components(json!({"A": {"type": "object", "properties": {
            "plan": {"type": "object", "additionalProperties": {}},
            "bare": {"type": "object"},
            "typed": {"type": "object", "properties": {"x": {"type": "string"}}},
            "map": {"type": "object", "additionalProperties": {"type": "integer"}}
        }}}));
        accept_null_for_free_form_objects(&mut doc).unwrap();
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["plan"]["nullable"], true);
        assert_eq!(props["bare"]["nullable"], true);
        assert!(props["typed"].get("nullable").is_none());
        assert!(props["map"].get("nullable").is_none());
    }

    #[test]
    fn anyof_ref_or_free_object_becomes_optional_ref_and_relaxes_its_required() {
        let mut doc = components(json!({
            "Outer": {"type": "object", "properties": {"s": {"description": "keep me", "anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "object", "nullable": true}]}}},
            "Inner": {"type": "object", "properties": {"flag": {"type": "boolean"}}, "required": ["flag"]},
            "Choice": {"anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "string"}]}
        }));
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
    fn numeric_enums_open_up_string_enums_stay() {
        let mut doc = components(json!({"A": {"type": "object", "properties": {
            "code": {"type": "integer", "enum": [1, 2]},
            "flag": {"type": "boolean", "enum": [true]},
            "state": {"type": "string", "enum": ["on", null]}
        }}}));
        drop_non_string_enums(&mut doc).unwrap();
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["code"], json!({"type": "integer"}));
        assert_eq!(props["flag"], json!({"type": "boolean"}));
        assert_eq!(props["state"]["enum"], json!(["on", null]));
    }

    #[test]
    fn integers_lose_their_bounds_strings_and_arrays_their_validation() {
        let mut doc = components(json!({"A": {"type": "object", "properties": {
            "limit": {"type": "integer", "minimum": 0, "maximum": 100},
            "count": {"type": "integer", "format": "int32", "exclusiveMinimum": true, "minimum": 1},
            "money": {"type": "number", "minimum": 0},
            "at": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid", "pattern": "^x", "minLength": 1, "maxLength": 9},
            "sort": {"type": "array", "uniqueItems": true, "minItems": 1, "items": {"type": "string"}}
        }}}));
        integers_as_i64(&mut doc).unwrap();
        plain_strings_and_arrays(&mut doc).unwrap();
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["limit"], json!({"type": "integer"}));
        assert_eq!(
            props["count"],
            json!({"type": "integer", "format": "int32"})
        );
        assert_eq!(
            props["money"],
            json!({"type": "number", "minimum": 0}),
            "numbers are f64 whatever their bounds"
        );
        assert_eq!(props["at"], json!({"type": "string"}));
        assert_eq!(props["id"], json!({"type": "string"}));
        assert_eq!(
            props["sort"],
            json!({"type": "array", "minItems": 1, "items": {"type": "string"}})
        );
    }
}
