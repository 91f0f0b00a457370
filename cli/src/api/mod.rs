//! The commands that call the hub: one per operation of the library's table (`operation.rs`,
//! with its flags in `flags.rs`) and `api` for any other call (`raw.rs`). Both send through the
//! library (credentials, retries, errors, redaction), take a body as `body.rs` reads it, and
//! say what the library refuses in the command line's words (`words.rs`).

mod body;
mod flags;
pub mod operation;
pub mod raw;
mod words;

use crate::exit;
use crate::output::Out;
use d360_partner::DryRun;
use serde_json::{Map, Value};
use std::process::ExitCode;

/// The environment variable `--partner-id` (and `api`'s `{partner_id}`) defaults to.
pub const PARTNER_ID: &str = "D360_PARTNER_ID";

/// Prints a call's answer, or its error with its exit code.
fn answered(result: d360_partner::Result<Value>) -> ExitCode {
    match result {
        Ok(answer) => {
            Out::new().value(&answer);
            ExitCode::SUCCESS
        }
        Err(error) => exit::fail(&error),
    }
}

/// `--dry-run`: the request as JSON (method, URL, headers with the credential redacted, body).
/// Without credentials, the header the API key would travel in says so:
/// `"x-api-key": "[absent: set D360_PARTNER_API_KEY]"`.
fn print_dry_run(request: DryRun) -> ExitCode {
    let absent = !request
        .headers
        .iter()
        .any(|(name, _)| name == "x-api-key" || name == "authorization");
    let mut headers: Map<String, Value> = request
        .headers
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect();
    if absent {
        let marker = format!("[absent: set {}]", d360_partner::env::API_KEY);
        headers.insert("x-api-key".into(), Value::String(marker));
    }
    let body = request
        .body
        .map(|text| serde_json::from_str(&text).unwrap_or(Value::String(text)));
    let shown = serde_json::json!({
        "method": request.method,
        "url": request.url,
        "headers": headers,
        "body": body,
    });
    Out::new().value(&shown);
    ExitCode::SUCCESS
}
