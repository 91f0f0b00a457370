//! The webhook types: each webhook of the spec as a type of `webhooks`, named after its key
//! (an alias of its payload component), and each payload type marked as a webhook payload.

use super::{RUNTIME, doc, paragraphs};
use crate::codegen::model::{Api, TYPES, Webhook};
use std::fmt::Write;

pub(super) fn all(api: &Api) -> String {
    let mut out = String::new();
    for webhook in &api.webhooks {
        webhook_type(&mut out, webhook);
    }
    // Two webhooks may share a payload type: it implements the marker once.
    let mut payloads: Vec<&str> = api.webhooks.iter().map(|w| w.payload.as_str()).collect();
    payloads.sort();
    payloads.dedup();
    for payload in payloads {
        let _ = writeln!(out, "impl {RUNTIME}::Webhook for {TYPES}::{payload} {{}}\n");
    }
    out
}

fn webhook_type(out: &mut String, webhook: &Webhook) {
    let text = paragraphs(&[
        webhook.summary.as_deref(),
        webhook.description.as_deref(),
        Some(&format!(
            "The payload of the `{}` webhook, which the hub POSTs to your webhook URL: decode the request body with `serde_json::from_slice`.",
            webhook.key
        )),
    ]);
    doc(out, 0, &text);
    let alias = if webhook.name == webhook.payload {
        String::new()
    } else {
        format!(" as {}", webhook.name)
    };
    let _ = writeln!(out, "pub use {TYPES}::{}{alias};\n", webhook.payload);
}
