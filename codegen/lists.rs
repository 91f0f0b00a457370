//! The list rule: which operations page through a collection by `limit` and `offset`, and where
//! their answers keep the items and the counts. No list is named anywhere: every operation the
//! rule finds gets `page_size`, `pages()` and `items()` on its builder, and a new list in the spec
//! gets them with no code change.
//!
//! An operation is a list when it takes integer `limit` and `offset` query parameters and its
//! success body is a component object with an integer `total` or `count` and exactly one
//! property that is an array of objects: the items (`sort` and other arrays of strings are
//! not). Runs on the normalized document.

use crate::codegen::kinds::{Kind, kind};
use crate::codegen::normalize::{
    component_name, json_schema, parameters, resolve, success_response,
};
use serde_json::{Map, Value};

/// What the pages of a list operation are made of, by the names on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    /// The `limit` and `offset` query parameters, as indices into the operation's parameters
    /// (in the order `normalize::parameters` gives them).
    pub limit: usize,
    pub offset: usize,
    /// The success body's component (its Rust type name).
    pub page_type: String,
    /// The property holding the items.
    pub items: String,
    /// The integer properties a page reports about itself, when the body has them.
    pub total: Option<String>,
    pub count: Option<String>,
    pub offset_field: Option<String>,
    pub limit_field: Option<String>,
}

/// The operation's list, if the rule finds one.
pub fn list_of(
    document: &Value,
    path: &str,
    pointer: &str,
    operation: &Map<String, Value>,
) -> Option<List> {
    let parameters = parameters(document, path, pointer, operation);
    let query_integer = |wanted: &str| {
        parameters.iter().position(|(_, parameter)| {
            parameter.get("name").and_then(Value::as_str) == Some(wanted)
                && parameter.get("in").and_then(Value::as_str) == Some("query")
                && parameter
                    .get("schema")
                    .is_some_and(|schema| is_integer(document, schema))
        })
    };
    let (limit, offset) = (query_integer("limit")?, query_integer("offset")?);
    let (_, response) = success_response(operation)?;
    let reference = json_schema(resolve(document, response))?
        .get("$ref")?
        .as_str()?;
    let page_type = component_name(reference)?.to_string();
    let properties = document
        .pointer(reference.strip_prefix('#')?)?
        .get("properties")?
        .as_object()?;
    let integer_property = |name: &str| {
        properties
            .get(name)
            .filter(|schema| is_integer(document, schema))
            .map(|_| name.to_string())
    };
    let (total, count) = (integer_property("total"), integer_property("count"));
    if total.is_none() && count.is_none() {
        return None;
    }
    let mut arrays_of_objects = properties
        .iter()
        .filter(|(_, schema)| is_array_of_objects(document, schema));
    let (items, _) = arrays_of_objects.next()?;
    if arrays_of_objects.next().is_some() {
        return None;
    }
    Some(List {
        limit,
        offset,
        page_type,
        items: items.clone(),
        total,
        count,
        offset_field: integer_property("offset"),
        limit_field: integer_property("limit"),
    })
}

/// How the generated code reaches the parts of a list's page: the Rust fields holding the
/// items and the counts, and the items' type (read off the generated structs by `types.rs`).
pub struct ListFields {
    pub items: String,
    pub item_type: String,
    pub total: Option<String>,
    pub count: Option<String>,
    pub offset: Option<String>,
}

fn is_integer(document: &Value, schema: &Value) -> bool {
    kind(document, schema) == Kind::Integer
}

fn is_array_of_objects(document: &Value, schema: &Value) -> bool {
    matches!(kind(document, schema), Kind::Array(Kind::Object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document with one `GET /things` taking `parameters` and answering the component `Page`.
    fn spec(parameters: Value, page: Value) -> Value {
        json!({
            "paths": {"/things": {"get": {
                "operationId": "get_things",
                "parameters": parameters,
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}
            }}},
            "components": {"schemas": {
                "Page": page,
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}}}
            }}
        })
    }

    fn paging() -> Value {
        json!([
            {"in": "path", "name": "partner_id", "schema": {"type": "string"}, "required": true},
            {"in": "query", "name": "sort", "schema": {"type": "string"}},
            {"in": "query", "name": "offset", "schema": {"type": "integer"}},
            {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 0}}
        ])
    }

    fn found(document: &Value) -> Option<List> {
        let operation = document["paths"]["/things"]["get"].as_object().unwrap();
        list_of(document, "/things", "/paths/~1things/get", operation)
    }

    #[test]
    fn a_page_with_counts_and_one_array_of_objects_is_a_list() {
        let document = spec(
            paging(),
            json!({"type": "object", "properties": {
                "limit": {"type": "integer"}, "offset": {"type": "integer"},
                "sort": {"type": "array", "items": {"type": "string"}},
                "filters": {"type": "object", "additionalProperties": {}},
                "total": {"type": "integer"}, "count": {"type": "integer"},
                "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
            }}),
        );
        assert_eq!(
            found(&document),
            Some(List {
                limit: 3,
                offset: 2,
                page_type: "Page".into(),
                items: "things".into(),
                total: Some("total".into()),
                count: Some("count".into()),
                offset_field: Some("offset".into()),
                limit_field: Some("limit".into()),
            })
        );
    }

    #[test]
    fn a_count_alone_is_enough_and_inline_item_objects_count() {
        let document = spec(
            paging(),
            json!({"type": "object", "properties": {
                "count": {"type": "integer"},
                "things": {"type": "array", "items": {"properties": {"id": {"type": "string"}}}}
            }}),
        );
        let list = found(&document).unwrap();
        assert_eq!((list.total, list.count), (None, Some("count".into())));
        assert_eq!(list.offset_field, None);
    }

    #[test]
    fn without_the_parts_of_the_rule_there_is_no_list() {
        let things = json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}});
        let page = json!({"type": "object", "properties": {"total": {"type": "integer"}, "things": things}});
        assert!(found(&spec(paging(), page.clone())).is_some());
        // No integer `offset` query parameter.
        let mut parameters = paging();
        parameters[2]["schema"] = json!({"type": "string"});
        assert_eq!(found(&spec(parameters, page.clone())), None);
        let mut parameters = paging();
        parameters[3]["in"] = json!("header");
        assert_eq!(
            found(&spec(parameters, page.clone())),
            None,
            "limit in a header"
        );
        // No integer `total` or `count`.
        let mut no_counts = page.clone();
        no_counts["properties"]["total"] = json!({"type": "string"});
        assert_eq!(found(&spec(paging(), no_counts)), None);
        // Two arrays of objects: which holds the items is not clear.
        let mut two = page.clone();
        two["properties"]["others"] = things.clone();
        assert_eq!(found(&spec(paging(), two)), None);
        // Arrays of strings are no items.
        let mut strings = page.clone();
        strings["properties"]["things"] = json!({"type": "array", "items": {"type": "string"}});
        assert_eq!(found(&spec(paging(), strings)), None);
    }
}
