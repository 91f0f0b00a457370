//! The model → this crate's own call surface, as formatted Rust source: one builder per
//! operation (`builders.rs`: setters, `send()`, `IntoFuture`, and the `Client` methods that
//! start them), the operation table (`table.rs`: handles, metadata, the list streams' reading of
//! pages), the open enums (`enums.rs`) and the webhook types (`webhooks.rs`).
//!
//! Written as text, not through a syntax tree: the output is formatted as it is written, so the
//! build does not pay to parse and pretty-print it. Every name of the hand-written runtime is
//! written as [`RUNTIME`]`::Name`: the generated code reaches the runtime through that one
//! module, whose list of re-exports is the whole contract between the two.

mod builders;
mod enums;
mod table;
mod webhooks;

use crate::codegen::lists::ListFields;
use crate::codegen::model::{Api, TYPES};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The module the generated code names the runtime through (`src/__private.rs`).
pub const RUNTIME: &str = "crate::__private";

/// `operations.rs`: the builders, `Client`'s methods, the operation table and, for the list
/// operations (`lists.rs`), their paging metadata and how their pages are read.
pub fn operations(api: &Api, lists: &BTreeMap<String, ListFields>) -> String {
    let mut out = String::new();
    builders::client_methods(&mut out, api);
    for operation in &api.operations {
        builders::builder(&mut out, operation);
        table::entry(&mut out, operation);
    }
    table::indexes(&mut out, api);
    table::pages(&mut out, api, lists);
    table::contract_hooks(&mut out, api);
    out
}

/// The open enums, to follow the generated types in `types.rs`.
pub fn enums(api: &Api) -> String {
    let mut out = String::new();
    for one in &api.enums {
        enums::open_enum(&mut out, one);
    }
    out
}

/// `webhooks.rs`: one type per webhook, named after its key, each payload type marked as one.
pub fn webhooks(api: &Api) -> String {
    webhooks::all(api)
}

/// A text of the spec as the table holds it: as the spec wrote it (not rustdoc-safe), as a Rust
/// literal.
fn plain(text: &Option<String>) -> String {
    match text {
        Some(text) => format!("Some({:?})", crate::codegen::normalize::plain_text(text)),
        None => "None".into(),
    }
}

/// `ty` as an intra-doc link when it is one of the model types.
fn link(ty: &str) -> String {
    match ty.strip_prefix(&format!("{TYPES}::")) {
        Some(name) if !name.contains('<') => format!("[`{name}`]({ty})"),
        _ => format!("`{}`", ty.replace(&format!("{TYPES}::"), "")),
    }
}

/// The non-empty parts, as paragraphs ending in a blank line.
fn paragraphs(parts: &[Option<&str>]) -> String {
    let mut text = String::new();
    for part in parts.iter().flatten().filter(|p| !p.trim().is_empty()) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(part.trim());
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text
}

/// `text` as `///` lines at `indent` levels of four spaces.
fn doc(out: &mut String, indent: usize, text: &str) {
    let pad = "    ".repeat(indent);
    for line in text.trim_end().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            let _ = writeln!(out, "{pad}///");
        } else {
            let _ = writeln!(out, "{pad}/// {line}");
        }
    }
}

#[cfg(test)]
mod tests;
