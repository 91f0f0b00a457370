//! The emitter's output for a small spec: every runtime name through the one module, the table in
//! the runtime's vocabulary, what only tools read behind `metadata`, the lists' streams, and no
//! allowance for what a spec may lack.

use super::*;
use crate::codegen::model::Api;
use serde_json::{Value, json};

/// A spec with a list operation (path, query and header parameters, one array), an update with a
/// body, an operation without a success body, an open enum, and a webhook.
fn spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/api/v2/partners/{partner_id}/things": {"get": {
                "operationId": "get_things",
                "summary": "List things",
                "tags": ["Things"],
                "parameters": [
                    {"in": "path", "name": "partner_id", "required": true, "schema": {"type": "string"}},
                    {"in": "query", "name": "limit", "schema": {"type": "integer"}},
                    {"in": "query", "name": "offset", "schema": {"type": "integer"}},
                    {"in": "query", "name": "ids", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"in": "header", "name": "x-trace", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingPage"}}}}}
            }},
            "/api/v2/partners/{partner_id}/things/{thing_id}": {
                "patch": {
                    "operationId": "patch_thing",
                    "parameters": [
                        {"in": "path", "name": "partner_id", "required": true, "schema": {"type": "string"}},
                        {"in": "path", "name": "thing_id", "required": true, "schema": {"type": "string"}}
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingIn"}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
                },
                "delete": {
                    "operationId": "delete_thing",
                    "parameters": [
                        {"in": "path", "name": "partner_id", "required": true, "schema": {"type": "string"}},
                        {"in": "path", "name": "thing_id", "required": true, "schema": {"type": "string"}}
                    ],
                    "responses": {"204": {"description": "gone"}}
                }
            }
        },
        "webhooks": {"thingCreated": {"post": {
            "summary": "A thing was made",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"schemas": {
            "Status": {"type": "string", "enum": ["running", "pending"]},
            "Thing": {"type": "object", "properties": {
                "id": {"type": "string"},
                "status": {"$ref": "#/components/schemas/Status"}
            }},
            "ThingIn": {"type": "object", "properties": {
                "name": {"type": "string", "description": "The name"},
                "on": {"type": "boolean"}
            }},
            "ThingPage": {"type": "object", "properties": {
                "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                "total": {"type": "integer"},
                "count": {"type": "integer"}
            }}
        }}
    })
}

fn api() -> Api {
    let mut document = spec();
    crate::codegen::normalize::normalize(&mut document).expect("the test spec normalizes");
    Api::read(&document).expect("the test spec reads")
}

fn fields() -> BTreeMap<String, ListFields> {
    BTreeMap::from([(
        "get_things".to_string(),
        ListFields {
            items: "things".into(),
            item_type: "crate::types::Thing".into(),
            total: Some("total".into()),
            count: Some("count".into()),
            offset: None,
        },
    )])
}

/// The lines that are code, not documentation.
fn code(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("///"))
        .collect()
}

#[test]
fn the_generated_code_names_the_runtime_through_one_module_only() {
    let api = api();
    for text in [operations(&api, &fields()), enums(&api), webhooks(&api)] {
        for line in code(&text) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                assert!(
                    rest.starts_with("__private::") || rest.starts_with("types::"),
                    "a runtime name outside `{RUNTIME}`: {line}"
                );
            }
        }
        assert!(!text.contains("allow(dead_code)"), "{text}");
    }
}

#[test]
fn the_table_is_written_in_the_runtimes_vocabulary() {
    let text = operations(&api(), &fields());
    let ids = text
        .split("name: \"ids\",")
        .nth(1)
        .and_then(|rest| rest.split("},").next())
        .expect("the `ids` parameter is in the table");
    for expected in [
        "location: crate::__private::Location::Query",
        "required: false",
        "style: crate::__private::Style::Form",
        "explode: true",
        "kind: crate::__private::Kind::Array(&crate::__private::Kind::String)",
    ] {
        assert!(ids.contains(expected), "{expected} in {ids}");
    }
    assert!(text.contains("location: crate::__private::Location::Header"));
    assert!(text.contains("body: crate::__private::BodyKind::Required"));
    assert!(text.contains("success_status: 204"));
    // A body's top-level properties, for the command line's flags.
    assert!(text.contains("name: \"on\",\n                kind: crate::__private::Kind::Boolean"));
}

#[test]
fn what_only_tools_read_is_behind_the_metadata_feature() {
    let text = operations(&api(), &fields());
    let lines: Vec<&str> = text.lines().collect();
    let mut gated = 0;
    for (n, line) in lines.iter().enumerate() {
        // A parameter's kind and description, and an operation's metadata (the properties'
        // kinds are inside it).
        let metadata_only = [
            ("            kind: ", 12),
            ("            description: ", 12),
            ("    metadata: ", 4),
        ]
        .iter()
        .any(|(start, indent)| {
            line.starts_with(start) && !line[..*indent].contains(|c: char| c != ' ')
        });
        if metadata_only {
            assert_eq!(
                lines[n - 1].trim(),
                "#[cfg(feature = \"metadata\")]",
                "{line}"
            );
            gated += 1;
        }
    }
    // 5 + 2 + 2 parameters with a kind and a description, 3 operations.
    assert_eq!(gated, 9 * 2 + 3);
    assert!(text.contains("#[cfg(feature = \"mock\")]\npub(crate) static CONTRACT_HOOKS"));
}

#[test]
fn a_list_gets_its_streams_its_paging_metadata_and_its_page_reader() {
    let text = operations(&api(), &fields());
    assert!(text.contains("pub fn page_size(mut self, size: u32) -> Self"));
    assert!(
        text.contains("pub fn pages(self) -> crate::__private::Pages<crate::types::ThingPage>")
    );
    assert!(text.contains("static GET_THINGS_LIST: crate::__private::ListInfo"));
    assert!(text.contains("list: Some(&GET_THINGS_LIST),"));
    assert!(text.contains(
        "pub static LISTS: &[&crate::__private::ListInfo] = &[\n    &GET_THINGS_LIST,\n];"
    ));
    assert!(text.contains("impl crate::__private::Page for crate::types::ThingPage"));
    assert!(text.contains("total: crate::__private::integer(&self.total),"));
    assert_eq!(
        text.matches("pub fn pages(").count(),
        1,
        "only the list has streams"
    );
}

#[test]
fn enums_are_open_and_webhooks_are_named_after_their_key() {
    let api = api();
    let enums = enums(&api);
    assert!(enums.contains("pub enum Status {"));
    assert!(enums.contains("Unknown(crate::__private::UnknownValue),"));
    assert!(enums.contains("crate::__private::impl_open_enum!(Status);"));
    let webhooks = webhooks(&api);
    assert!(webhooks.contains("pub use crate::types::Thing as ThingCreated;"));
    assert!(webhooks.contains("impl crate::__private::Webhook for crate::types::Thing {}"));
}
