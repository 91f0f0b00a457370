//! The normalized document → formatted Rust source, through progenitor and prettyplease.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

/// The facade's type that carries the client's configuration (auth, retries) into the hooks.
const CLIENT_STATE_TYPE: &str = "crate::client::ClientState";
/// The facade's error body type, used in place of the spec's API-wide error schema.
const ERROR_BODY_TYPE: &str = "crate::error::ApiErrorBody";

/// Generates the client for a normalized document and formats it.
///
/// The builder interface is used so that upstream adding an optional parameter or field never
/// breaks a caller's code; hooks are `Expected` so the facade's `ClientHooks` implementation (auth,
/// retries, tracing) cannot silently fall out of use.
pub fn generate(document: &Value, error_schema: Option<&str>) -> Result<String, String> {
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
    let tokens = std::panic::catch_unwind(move || Generator::new(&settings).generate_tokens(&spec))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("progenitor panicked ({message}); no normalization pass recognized the cause, add a check to `reject_what_the_generator_cannot_handle`")
        })?
        .map_err(|e| format!("progenitor refused the normalized document: {e}"))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor emitted unparsable code: {e}"))?;
    let checks = success_body_checks(&file)?;
    file.items.extend(checks);
    Ok(untest_usage_sketches(&prettyplease::unparse(&file)))
}

/// The table `check_success_body(operation_id, body)`: decodes a success body as the operation's
/// type with `crate::body::check`, which names the failing field's path. The generated `send()`
/// decodes without a path and without the status, so the hooks check each body first.
///
/// The operations and their types are read off the generated `send()` methods (their
/// `OperationInfo` literal and their `ResponseValue<T>` return type), so the table cannot drift
/// from the code it guards.
fn success_body_checks(file: &syn::File) -> Result<Vec<syn::Item>, String> {
    let mut arms = String::new();
    let mut operations = String::new();
    for (operation_id, body_type) in json_success_types(&file.items) {
        arms.push_str(&format!(
            "{operation_id:?} => Some(crate::body::check::<{body_type}>(body)),\n"
        ));
        operations.push_str(&format!("{operation_id:?}, "));
    }
    let source = format!(
        "/// The operations whose success body is JSON: the keys of `check_success_body`.
        #[allow(dead_code)] // read by the property tests
        pub(crate) const JSON_SUCCESS_OPERATIONS: &[&str] = &[{operations}];

        /// Checks a success body of `operation_id`; `None` for operations whose success has no
        /// JSON body.
        pub(crate) fn check_success_body(
            operation_id: &str,
            body: &[u8],
        ) -> Option<Result<(), crate::body::PathError>> {{
            match operation_id {{ {arms} _ => None }}
        }}"
    );
    syn::parse_str::<syn::File>(&source)
        .map(|table| table.items)
        .map_err(|e| format!("the success-body table does not parse: {e}"))
}

/// `(operation id, T)` for every generated `send()` returning `ResponseValue<T>` with a JSON `T`.
fn json_success_types(items: &[syn::Item]) -> Vec<(String, String)> {
    use quote::ToTokens;
    let mut found = Vec::new();
    for item in items {
        match item {
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    found.extend(json_success_types(items));
                }
            }
            syn::Item::Impl(implementation) => {
                for member in &implementation.items {
                    let syn::ImplItem::Fn(method) = member else {
                        continue;
                    };
                    if method.sig.ident != "send" {
                        continue;
                    }
                    let body_type = success_type(&method.sig.output);
                    let operation_id = operation_id(method.block.to_token_stream());
                    if let (Some(body_type), Some(operation_id)) = (body_type, operation_id) {
                        found.push((operation_id, body_type));
                    }
                }
            }
            _ => {}
        }
    }
    found
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

/// The string literal after `operation_id:` in a method body (progenitor's `OperationInfo`).
fn operation_id(body: proc_macro2::TokenStream) -> Option<String> {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    tokens
        .iter()
        .enumerate()
        .find_map(|(i, token)| match token {
            TokenTree::Group(group) => operation_id(group.stream()),
            TokenTree::Ident(ident) if ident == "operation_id" => {
                match (tokens.get(i + 1), tokens.get(i + 2)) {
                    (Some(TokenTree::Punct(colon)), Some(TokenTree::Literal(literal)))
                        if colon.as_char() == ':' =>
                    {
                        syn::parse_str::<syn::LitStr>(&literal.to_string())
                            .ok()
                            .map(|lit| lit.value())
                    }
                    _ => None,
                }
            }
            _ => None,
        })
}

fn tokens(source: &str) -> Result<proc_macro2::TokenStream, String> {
    source
        .parse()
        .map_err(|e| format!("`{source}` is not a Rust path: {e}"))
}

/// Marks progenitor's usage sketches in method docs (```` ```ignore ````, they use undefined
/// variables) as text, so they are documentation and not doctests reported as ignored.
fn untest_usage_sketches(code: &str) -> String {
    code.replace("```ignore\n", "```text\n")
}
