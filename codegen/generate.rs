//! The normalized document → Rust source, through progenitor (and prettyplease when asked).

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

/// The facade's type that carries the client's configuration (auth, retries) into the hooks.
const CLIENT_STATE_TYPE: &str = "crate::client::ClientState";
/// The facade's error body type, used in place of the spec's API-wide error schema.
const ERROR_BODY_TYPE: &str = "crate::error::ApiErrorBody";

/// Generates the client for a normalized document, as tokens; [`parse`] and [`format`] make them
/// source. Three steps so `build.rs` can time each (`D360_PARTNER_CODEGEN_TIMINGS`).
///
/// The builder interface is used so that upstream adding an optional parameter or field never
/// breaks a caller's code; hooks are `Expected` so the facade's `ClientHooks` implementation (auth,
/// retries, tracing) cannot silently fall out of use.
pub fn generate(
    document: &Value,
    error_schema: Option<&str>,
) -> Result<proc_macro2::TokenStream, String> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(document.clone())
        .map_err(|e| format!("the normalized document is not valid OpenAPI 3.0: {e}"))?;
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(tokens(CLIENT_STATE_TYPE)?)
        .with_derive("PartialEq");
    if let Some(name) = error_schema {
        settings.with_replacement(name, ERROR_BODY_TYPE, std::iter::empty());
    }
    std::panic::catch_unwind(move || Generator::new(&settings).generate_tokens(&spec))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("progenitor panicked ({message}); no normalization pass recognized the cause, add a check to `reject_what_the_generator_cannot_handle`")
        })?
        .map_err(|e| format!("progenitor refused the normalized document: {e}"))
}

/// The generated tokens as a syntax tree, which [`format`] prints.
pub fn parse(tokens: proc_macro2::TokenStream) -> Result<syn::File, String> {
    syn::parse2(tokens).map_err(|e| format!("progenitor emitted unparsable code: {e}"))
}

/// The generated syntax tree as formatted source: readable, for people debugging the generator.
pub fn format(file: &syn::File) -> String {
    untest_usage_sketches(&prettyplease::unparse(file))
}

/// The generated tokens as source without formatting (long lines, doc comments as `#[doc]`
/// attributes). Compiles and documents the same as [`format`]'s output, in a fraction of the
/// time: parsing and formatting are most of an unoptimized build script's work on a large spec.
pub fn unformatted(tokens: &proc_macro2::TokenStream) -> String {
    untest_usage_sketches(&tokens.to_string())
}

fn tokens(source: &str) -> Result<proc_macro2::TokenStream, String> {
    source
        .parse()
        .map_err(|e| format!("`{source}` is not a Rust path: {e}"))
}

/// Marks progenitor's usage sketches in method docs (```` ```ignore ````, they use undefined
/// variables) as text, so they are documentation and not doctests reported as ignored. In
/// formatted source they are `///` lines; unformatted, string literals with escaped newlines.
fn untest_usage_sketches(code: &str) -> String {
    code.replace("```ignore\n", "```text\n")
        .replace("```ignore\\n", "```text\\n")
}
