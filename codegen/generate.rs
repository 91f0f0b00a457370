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

/// The generated tokens as a syntax tree, with the list of success types the facade uses to
/// explain decoding failures added.
pub fn parse(tokens: proc_macro2::TokenStream) -> Result<syn::File, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor emitted unparsable code: {e}"))?;
    let visitor = success_types_visitor(&file)?;
    file.items.extend(visitor);
    Ok(file)
}

/// The syntax tree as formatted source, readable where people meet it: an IDE's
/// go-to-definition, a compiler error inside generated code.
pub fn format(file: &syn::File) -> String {
    untest_usage_sketches(&prettyplease::unparse(file))
}

/// `success_types(visitor)`: calls `visitor.visit::<T>()` for each JSON success type `T` of the
/// generated `send()` methods. When the generated code fails to decode a success body it keeps
/// only the body and serde's message; the facade re-decodes the body as these types, with path
/// tracking, to name the failing field. No success body is decoded twice on the way to a caller.
///
/// The types are read off the `send()` return types (`ResponseValue<T>`), so the list cannot
/// drift from the code it explains.
fn success_types_visitor(file: &syn::File) -> Result<Vec<syn::Item>, String> {
    let mut types = std::collections::BTreeSet::new();
    collect_success_types(&file.items, &mut types);
    let visits: String = types
        .iter()
        .map(|ty| format!("visitor.visit::<{ty}>();\n"))
        .collect();
    let source = format!(
        "/// Visits each JSON success type of the operations (see `crate::body::SuccessTypes`).
        pub(crate) fn success_types<V: crate::body::SuccessTypes>(visitor: &mut V) {{
            {visits}
        }}"
    );
    syn::parse_str::<syn::File>(&source)
        .map(|table| table.items)
        .map_err(|e| format!("the success-type list does not parse: {e}"))
}

/// The `T` of every generated `send()` returning `ResponseValue<T>` with a JSON `T`.
fn collect_success_types(items: &[syn::Item], types: &mut std::collections::BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    collect_success_types(items, types);
                }
            }
            syn::Item::Impl(implementation) => {
                let sends = implementation
                    .items
                    .iter()
                    .filter_map(|member| match member {
                        syn::ImplItem::Fn(method) if method.sig.ident == "send" => Some(method),
                        _ => None,
                    });
                types.extend(sends.filter_map(|method| success_type(&method.sig.output)));
            }
            _ => {}
        }
    }
}

/// `T` of `Result<ResponseValue<T>, _>`, unless `T` is `()` or a byte stream (no JSON body).
fn success_type(output: &syn::ReturnType) -> Option<String> {
    use quote::ToTokens;
    let syn::ReturnType::Type(_, result) = output else {
        return None;
    };
    let value = first_type_argument(result, "Result")?;
    let body = first_type_argument(value, "ResponseValue")?;
    let text = body.to_token_stream().to_string().replace(' ', "");
    let streamed = text.ends_with("ByteStream") || text.ends_with("Upgraded");
    (!streamed && text != "()").then_some(text)
}

fn first_type_argument<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
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
