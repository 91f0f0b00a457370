//! From 360dialog's API reference pages to one OpenAPI document.
//!
//! Each reference page (Markdown, as `docs.360dialog.com` serves it with `.md`) carries one
//! ```` ```json ```` block per operation, and every block is a complete OpenAPI document holding
//! that operation and the components it uses. The vendored `openapi/partners-v2.json` is the merge
//! of all blocks of all pages, untouched otherwise. This module is shared by `build.rs`'s tests and
//! the spec tooling, so "what upstream says" is computed in exactly one place.

use serde_json::{Map, Value};
use std::fmt;

/// A merge conflict or an unreadable page, naming where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError {
    /// Where: a page and block, or a JSON pointer into the merged document.
    pub location: String,
    /// What went wrong there.
    pub message: String,
}

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for UpstreamError {}

/// The ```` ```json ```` blocks of a Markdown page that hold an OpenAPI document, parsed, in page
/// order. Other JSON blocks (examples, payloads) are skipped; a block that claims to be OpenAPI
/// but does not parse is an error.
pub fn openapi_blocks(page_name: &str, markdown: &str) -> Result<Vec<Value>, UpstreamError> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((start, line)) = lines.next() {
        if line.trim() != "```json" {
            continue;
        }
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|(_, l)| l.trim() != "```")
            .map(|(_, l)| l)
            .collect();
        let text = body.join("\n");
        if !text.contains("\"openapi\"") {
            continue;
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| UpstreamError {
            location: format!("{page_name}:{}", start + 1),
            message: format!("the ```json block does not parse: {e}"),
        })?;
        if value.get("openapi").is_some() {
            blocks.push(value);
        }
    }
    Ok(blocks)
}

/// Merges OpenAPI fragments into one document: paths merged per method, components unioned per
/// name, tags unioned per name. Anything present in two fragments must be equal in both;
/// otherwise the merge fails naming the JSON pointer of the conflict.
pub fn merge_fragments(fragments: &[Value]) -> Result<Value, UpstreamError> {
    let mut merged = Map::new();
    for fragment in fragments {
        let Value::Object(fragment) = fragment else {
            return Err(conflict("", "a fragment is not a JSON object"));
        };
        for (key, value) in fragment {
            match key.as_str() {
                "paths" => merge_nested(&mut merged, key, value, 2)?,
                "components" => merge_nested(&mut merged, key, value, 2)?,
                "tags" => merge_tags(&mut merged, value)?,
                _ => merge_equal(&mut merged, key, value, &format!("/{}", escape(key)))?,
            }
        }
    }
    Ok(Value::Object(merged))
}

/// Reads every page, extracts its blocks and merges them all, pages in the order given.
pub fn merge_pages<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Value, UpstreamError> {
    let mut fragments = Vec::new();
    for (name, markdown) in pages {
        let blocks = openapi_blocks(name, markdown)?;
        if blocks.is_empty() {
            return Err(UpstreamError {
                location: name.to_string(),
                message: "the page has no ```json OpenAPI block".into(),
            });
        }
        fragments.extend(blocks);
    }
    merge_fragments(&fragments)
}

/// The document as the vendored file stores it: two-space indented, key order kept, one final
/// newline.
pub fn to_vendored_text(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn conflict(pointer: &str, message: &str) -> UpstreamError {
    UpstreamError {
        location: if pointer.is_empty() {
            "/".into()
        } else {
            pointer.into()
        },
        message: message.into(),
    }
}

/// Unions `target[key]` with `value` down to `depth` levels of object keys; below that, values
/// present on both sides must be equal. `paths` use depth 2 (path, then method) and
/// `components` depth 2 (section, then name).
fn merge_nested(
    target: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    depth: usize,
) -> Result<(), UpstreamError> {
    fn merge_level(
        target: &mut Map<String, Value>,
        source: &Map<String, Value>,
        pointer: &str,
        depth: usize,
    ) -> Result<(), UpstreamError> {
        for (key, value) in source {
            let here = format!("{pointer}/{}", escape(key));
            match (depth, target.get_mut(key), value) {
                (1.., Some(Value::Object(existing)), Value::Object(incoming)) => {
                    merge_level(existing, incoming, &here, depth - 1)?
                }
                _ => merge_equal(target, key, value, &here)?,
            }
        }
        Ok(())
    }
    let Value::Object(source) = value else {
        return Err(conflict(&format!("/{key}"), "expected an object"));
    };
    let entry = target
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(entry) = entry else {
        return Err(conflict(&format!("/{key}"), "expected an object"));
    };
    merge_level(entry, source, &format!("/{key}"), depth - 1)
}

fn merge_equal(
    target: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    pointer: &str,
) -> Result<(), UpstreamError> {
    match target.get(key) {
        None => {
            target.insert(key.to_string(), value.clone());
            Ok(())
        }
        Some(existing) if existing == value => Ok(()),
        Some(_) => Err(conflict(
            pointer,
            "two fragments define this differently; upstream pages disagree",
        )),
    }
}

fn merge_tags(target: &mut Map<String, Value>, tags: &Value) -> Result<(), UpstreamError> {
    let Value::Array(incoming) = tags else {
        return Err(conflict("/tags", "expected an array"));
    };
    let existing = target
        .entry("tags")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(existing) = existing else {
        return Err(conflict("/tags", "expected an array"));
    };
    for tag in incoming {
        let name = tag.get("name");
        match existing.iter().position(|t| t.get("name") == name) {
            None => existing.push(tag.clone()),
            Some(i) if existing[i] == *tag => {}
            Some(i) => {
                return Err(conflict(
                    &format!("/tags/{i}"),
                    "two fragments define this tag differently",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fragment(path: &str, method: &str, schema: &str, body: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "tags": [{"name": "A"}],
            "paths": {path: {method: {"operationId": format!("{method}_op"), "responses": {}}}},
            "components": {"schemas": {schema: body}}
        })
    }

    #[test]
    fn blocks_are_extracted_in_page_order_and_non_openapi_blocks_are_skipped() {
        let page = "# T\n```json\n{\"openapi\":\"3.1.0\",\"n\":1}\n```\ntext\n```json\n{\"example\":true}\n```\n```json\n{\"openapi\":\"3.1.0\",\"n\":2}\n```\n";
        let blocks = openapi_blocks("page.md", page).unwrap();
        assert_eq!(
            blocks,
            vec![
                json!({"openapi":"3.1.0","n":1}),
                json!({"openapi":"3.1.0","n":2})
            ]
        );
    }

    #[test]
    fn a_broken_openapi_block_names_page_and_line() {
        let err = openapi_blocks("p.md", "x\n```json\n{\"openapi\": \n```\n").unwrap_err();
        assert_eq!(err.location, "p.md:2");
        assert!(err.message.contains("does not parse"), "{err}");
    }

    #[test]
    fn paths_merge_per_method_and_components_union() {
        let a = fragment("/p", "get", "A", json!({"type": "string"}));
        let b = fragment("/p", "patch", "B", json!({"type": "integer"}));
        let merged = merge_fragments(&[a, b]).unwrap();
        let methods: Vec<_> = merged["paths"]["/p"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(methods, ["get", "patch"]);
        let schemas: Vec<_> = merged["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(schemas, ["A", "B"]);
        assert_eq!(merged["tags"], json!([{"name": "A"}]));
    }

    #[test]
    fn a_component_defined_differently_is_a_conflict_naming_it() {
        let a = fragment("/p", "get", "Shared", json!({"type": "string"}));
        let b = fragment("/q", "get", "Shared", json!({"type": "integer"}));
        let err = merge_fragments(&[a, b]).unwrap_err();
        assert_eq!(err.location, "/components/schemas/Shared");
    }

    #[test]
    fn the_same_method_twice_must_be_identical() {
        let a = fragment("/p/{id}", "get", "A", json!({}));
        let mut b = a.clone();
        b["paths"]["/p/{id}"]["get"]["summary"] = json!("changed");
        let err = merge_fragments(&[a, b]).unwrap_err();
        assert_eq!(err.location, "/paths/~1p~1{id}/get");
    }

    #[test]
    fn top_level_fields_must_agree() {
        let a = fragment("/p", "get", "A", json!({}));
        let mut b = fragment("/q", "get", "B", json!({}));
        b["info"]["version"] = json!("2");
        assert_eq!(merge_fragments(&[a, b]).unwrap_err().location, "/info");
    }

    #[test]
    fn a_page_without_blocks_is_an_error() {
        let err = merge_pages([("empty.md", "# nothing here\n")]).unwrap_err();
        assert_eq!(err.location, "empty.md");
    }
}
