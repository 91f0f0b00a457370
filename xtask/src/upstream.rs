//! From 360dialog's API reference pages to one OpenAPI document.
//!
//! Each reference page (Markdown, as `docs.360dialog.com` serves it with `.md`) carries one
//! ```` ```json ```` block per operation (or per set of webhooks), and every such block is a
//! complete OpenAPI document holding it and the components it uses; other ```` ```json ````
//! blocks (example payloads) are skipped with a [`Notice`]. The vendored
//! `openapi/partners-v2.json` is the merge of all OpenAPI blocks of all pages, untouched otherwise. This module is shared by `build.rs`'s tests and
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

/// Something the reader skipped and says so, so that nothing on a page is dropped unseen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The page and block, e.g. `partner-management.md block 3 (line 120)`.
    pub location: String,
    /// What was done with it.
    pub message: String,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// One OpenAPI block of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Where it stands, e.g. `partner-management.md block 2 (line 19)`: merge conflicts name it.
    pub origin: String,
    pub document: Value,
}

/// What a page yields: its OpenAPI blocks in page order and the ```` ```json ```` blocks skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageBlocks {
    pub blocks: Vec<Block>,
    pub notices: Vec<Notice>,
}

/// Reads the ```` ```json ```` blocks of a Markdown page, numbered from 1 in page order. A block
/// whose top level has `openapi` is an OpenAPI document (with `paths`, `webhooks` or both); any
/// other block (an example payload) is skipped with a notice; a block that mentions `"openapi"`
/// but does not parse is an error, since it probably is a broken document. Nothing else on the
/// page matters: the "> For the complete documentation index" header line may be missing.
pub fn read_page(page_name: &str, markdown: &str) -> Result<PageBlocks, UpstreamError> {
    let mut page = PageBlocks::default();
    let mut lines = markdown.lines().enumerate();
    let mut number = 0;
    while let Some((start, line)) = lines.next() {
        if line.trim() != "```json" {
            continue;
        }
        number += 1;
        let origin = format!("{page_name} block {number} (line {})", start + 1);
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|(_, l)| l.trim() != "```")
            .map(|(_, l)| l)
            .collect();
        let text = body.join("\n");
        let skipped = match serde_json::from_str::<Value>(&text) {
            Ok(document) if document.get("openapi").is_some() => {
                page.blocks.push(Block { origin, document });
                continue;
            }
            Ok(_) => "not an OpenAPI document, skipped".to_string(),
            Err(e) if text.contains("\"openapi\"") => {
                return Err(UpstreamError {
                    location: origin,
                    message: format!("the ```json block does not parse: {e}"),
                });
            }
            Err(e) => format!("not an OpenAPI document (not JSON: {e}), skipped"),
        };
        page.notices.push(Notice {
            location: origin,
            message: skipped,
        });
    }
    Ok(page)
}

/// The OpenAPI documents of a page, parsed, in page order (see [`read_page`], which also says
/// what it skipped).
pub fn openapi_blocks(page_name: &str, markdown: &str) -> Result<Vec<Value>, UpstreamError> {
    let page = read_page(page_name, markdown)?;
    Ok(page.blocks.into_iter().map(|b| b.document).collect())
}

/// Merges OpenAPI fragments into one document: paths and webhooks merged per key, then per
/// method; components unioned per name; tags unioned per name. Anything present in two
/// fragments must be equal in both; otherwise the merge fails naming the JSON pointer of the
/// conflict and the two fragments (`fragment N`, from 1).
pub fn merge_fragments(fragments: &[Value]) -> Result<Value, UpstreamError> {
    let blocks: Vec<Block> = fragments
        .iter()
        .enumerate()
        .map(|(i, document)| Block {
            origin: format!("fragment {}", i + 1),
            document: document.clone(),
        })
        .collect();
    merge_blocks(&blocks)
}

/// [`merge_fragments`] on blocks that know where they come from: a conflict names both blocks.
pub fn merge_blocks(blocks: &[Block]) -> Result<Value, UpstreamError> {
    let mut merged = Map::new();
    let mut origins = Origins::default();
    for block in blocks {
        let Value::Object(fragment) = &block.document else {
            return Err(conflict(
                "",
                &format!("{} is not a JSON object", block.origin),
            ));
        };
        let mut at = Merging {
            origins: &mut origins,
            origin: &block.origin,
        };
        for (key, value) in fragment {
            match key.as_str() {
                // Path items: each path (or webhook name), then each method.
                "paths" | "webhooks" => at.nested(&mut merged, key, value, 2)?,
                "components" => at.nested(&mut merged, key, value, 2)?,
                "tags" => at.tags(&mut merged, value)?,
                _ => at.equal(&mut merged, key, value, &format!("/{}", escape(key)))?,
            }
        }
    }
    Ok(Value::Object(merged))
}

/// A merged document and what was skipped on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub document: Value,
    pub notices: Vec<Notice>,
}

/// Reads every page, extracts its blocks and merges them all, pages in the order given; also
/// returns the notices of every page. A page without any OpenAPI block is an error.
pub fn merge_pages_with_notices<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Merged, UpstreamError> {
    let mut blocks = Vec::new();
    let mut notices = Vec::new();
    for (name, markdown) in pages {
        let page = read_page(name, markdown)?;
        if page.blocks.is_empty() {
            let skipped = match page.notices.len() {
                0 => String::new(),
                n => format!(" ({n} other ```json block(s) skipped)"),
            };
            return Err(UpstreamError {
                location: name.to_string(),
                message: format!("the page has no ```json OpenAPI block{skipped}"),
            });
        }
        blocks.extend(page.blocks);
        notices.extend(page.notices);
    }
    Ok(Merged {
        document: merge_blocks(&blocks)?,
        notices,
    })
}

/// [`merge_pages_with_notices`] without the notices, for callers that only need the document
/// (the spec tool uses the other and prints them).
pub fn merge_pages<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Value, UpstreamError> {
    merge_pages_with_notices(pages).map(|merged| merged.document)
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

/// Which block first put each value into the merged document, by JSON pointer; a value
/// inserted as a whole also stands for everything below it.
#[derive(Default)]
struct Origins(std::collections::BTreeMap<String, String>);

impl Origins {
    fn of(&self, pointer: &str) -> &str {
        let mut at = pointer;
        loop {
            if let Some(origin) = self.0.get(at) {
                return origin;
            }
            match at.rfind('/') {
                Some(i) => at = &at[..i],
                None => return "an earlier block",
            }
        }
    }
}

/// The merge of one block into the document.
struct Merging<'m> {
    origins: &'m mut Origins,
    origin: &'m str,
}

impl Merging<'_> {
    /// Unions `target[key]` with `value` down to `depth` levels of object keys; below that,
    /// values present on both sides must be equal. `paths` and `webhooks` use depth 2 (path or
    /// webhook name, then method) and `components` depth 2 (section, then name).
    fn nested(
        &mut self,
        target: &mut Map<String, Value>,
        key: &str,
        value: &Value,
        depth: usize,
    ) -> Result<(), UpstreamError> {
        let Value::Object(source) = value else {
            return Err(conflict(&format!("/{key}"), "expected an object"));
        };
        let entry = target
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(entry) = entry else {
            return Err(conflict(&format!("/{key}"), "expected an object"));
        };
        self.level(entry, source, &format!("/{key}"), depth - 1)
    }

    fn level(
        &mut self,
        target: &mut Map<String, Value>,
        source: &Map<String, Value>,
        pointer: &str,
        depth: usize,
    ) -> Result<(), UpstreamError> {
        for (key, value) in source {
            let here = format!("{pointer}/{}", escape(key));
            match (depth, target.get_mut(key), value) {
                (1.., Some(Value::Object(existing)), Value::Object(incoming)) => {
                    self.level(existing, incoming, &here, depth - 1)?
                }
                _ => self.equal(target, key, value, &here)?,
            }
        }
        Ok(())
    }

    fn equal(
        &mut self,
        target: &mut Map<String, Value>,
        key: &str,
        value: &Value,
        pointer: &str,
    ) -> Result<(), UpstreamError> {
        match target.get(key) {
            None => {
                target.insert(key.to_string(), value.clone());
                self.origins.0.insert(pointer.into(), self.origin.into());
                Ok(())
            }
            Some(existing) if existing == value => Ok(()),
            Some(_) => Err(self.disagreement(pointer)),
        }
    }

    fn tags(&mut self, target: &mut Map<String, Value>, tags: &Value) -> Result<(), UpstreamError> {
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
                None => {
                    let pointer = format!("/tags/{}", existing.len());
                    existing.push(tag.clone());
                    self.origins.0.insert(pointer, self.origin.into());
                }
                Some(i) if existing[i] == *tag => {}
                Some(i) => return Err(self.disagreement(&format!("/tags/{i}"))),
            }
        }
        Ok(())
    }

    /// The conflict at `pointer`, naming the block that defined it first and this one.
    fn disagreement(&self, pointer: &str) -> UpstreamError {
        conflict(
            pointer,
            &format!(
                "{} and {} define this differently",
                self.origins.of(pointer),
                self.origin
            ),
        )
    }
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
    fn blocks_are_extracted_in_page_order_and_other_json_blocks_are_noted() {
        let page = "# T\n```json\n{\"openapi\":\"3.1.0\",\"n\":1}\n```\ntext\n```json\n{\"example\":true}\n```\n```json\n{\"openapi\":\"3.1.0\",\"n\":2}\n```\n```json\n{\"id\": 1, ...}\n```\n";
        let page = read_page("page.md", page).unwrap();
        let origins: Vec<&str> = page.blocks.iter().map(|b| b.origin.as_str()).collect();
        assert_eq!(
            origins,
            ["page.md block 1 (line 2)", "page.md block 3 (line 9)"]
        );
        assert_eq!(
            openapi_blocks("page.md", "```json\n{\"openapi\":\"3.1.0\",\"n\":2}\n```\n").unwrap(),
            vec![json!({"openapi":"3.1.0","n":2})]
        );
        let notices: Vec<String> = page.notices.iter().map(Notice::to_string).collect();
        assert_eq!(
            notices,
            [
                "page.md block 2 (line 6): not an OpenAPI document, skipped",
                "page.md block 4 (line 12): not an OpenAPI document (not JSON: key must be a string at line 1 column 11), skipped",
            ]
        );
    }

    #[test]
    fn a_page_without_the_index_header_line_merges() {
        let block = fragment("/p", "get", "A", json!({"type": "string"}));
        let with_header = format!(
            "> For the complete documentation index, see [llms.txt](https://docs.example/llms.txt).\n\n# P\n\n```json\n{block}\n```\n"
        );
        let without = format!("# P\n\n```json\n{block}\n```\n");
        let a = merge_pages([("a.md", with_header.as_str())]).unwrap();
        let b = merge_pages([("b.md", without.as_str())]).unwrap();
        assert_eq!((a, b), (block.clone(), block));
    }

    #[test]
    fn a_broken_openapi_block_names_page_block_and_line() {
        let err = openapi_blocks("p.md", "x\n```json\n{\"openapi\": \n```\n").unwrap_err();
        assert_eq!(err.location, "p.md block 1 (line 2)");
        assert!(err.message.contains("does not parse"), "{err}");
    }

    #[test]
    fn a_page_of_example_payloads_only_is_an_error_that_counts_them() {
        let err =
            merge_pages_with_notices([("x.md", "```json\n{\"event\": 1}\n```\n")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.md: the page has no ```json OpenAPI block (1 other ```json block(s) skipped)"
        );
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
    fn a_component_defined_differently_is_a_conflict_naming_it_and_both_fragments() {
        let a = fragment("/p", "get", "Shared", json!({"type": "string"}));
        let b = fragment("/q", "get", "Shared", json!({"type": "integer"}));
        let err = merge_fragments(&[a, b]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/components/schemas/Shared: fragment 1 and fragment 2 define this differently"
        );
    }

    #[test]
    fn two_pages_defining_a_component_differently_name_both_pages() {
        let page = |schema: Value| {
            let block = fragment("/p", "get", "Shared", schema);
            format!("# P\n\n```json\n{{\"example\": 1}}\n```\n\n```json\n{block}\n```\n")
        };
        let (a, b) = (
            page(json!({"type": "string"})),
            page(json!({"type": "integer"})),
        );
        let err = merge_pages([("a.md", a.as_str()), ("b.md", b.as_str())]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/components/schemas/Shared: a.md block 2 (line 7) and b.md block 2 (line 7) define this differently"
        );
    }

    #[test]
    fn webhooks_merge_per_name_and_method_with_or_without_paths() {
        let hook = |name: &str, schema: &str| json!({"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}, "responses": {"200": {"description": "ok"}}}, "x-name": name});
        let only_webhooks = json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "webhooks": {"channelCreated": hook("a", "Channel")},
            "components": {"schemas": {"Channel": {"type": "object"}}}
        });
        let mut both = fragment("/p", "get", "A", json!({}));
        both["webhooks"] = json!({"templateStatusChanged": hook("b", "Template"), "channelCreated": hook("a", "Channel")});
        let merged = merge_fragments(&[only_webhooks.clone(), both]).unwrap();
        let names: Vec<&String> = merged["webhooks"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["channelCreated", "templateStatusChanged"]);
        assert!(merged["paths"]["/p"]["get"].is_object());

        let mut other = only_webhooks.clone();
        other["webhooks"]["channelCreated"]["post"]["summary"] = json!("changed");
        let err = merge_fragments(&[only_webhooks, other]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/webhooks/channelCreated/post: fragment 1 and fragment 2 define this differently"
        );
    }

    #[test]
    fn a_conflict_below_a_value_inserted_whole_names_the_block_that_inserted_it() {
        let a = fragment("/p", "get", "A", json!({}));
        let b = fragment("/q", "get", "B", json!({}));
        let mut c = fragment("/p", "get", "C", json!({}));
        c["paths"]["/p"]["get"]["summary"] = json!("changed");
        let err = merge_fragments(&[a, b, c]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/paths/~1p/get: fragment 1 and fragment 3 define this differently"
        );
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
