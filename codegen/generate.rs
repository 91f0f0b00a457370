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

/// The generated tokens as a syntax tree, with the success-body table the hooks use added.
pub fn parse(tokens: proc_macro2::TokenStream) -> Result<syn::File, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor emitted unparsable code: {e}"))?;
    let checks = success_body_checks(&file)?;
    file.items.extend(checks);
    Ok(file)
}

/// The syntax tree as formatted source, readable where people meet it: an IDE's
/// go-to-definition, a compiler error inside generated code.
pub fn format(file: &syn::File) -> String {
    untest_usage_sketches(&prettyplease::unparse(file))
}

/// The table `check_success_body(operation_id, status, body)`: decodes a success body as the
/// operation's type with `crate::body::check`, which names the failing field's path. The
/// generated `send()` decodes without a path and without the status, so the hooks check each body
/// first.
///
/// The operations, their success statuses and their types are read off the generated `send()`
/// methods (their `OperationInfo` literal, the match arms that decode a `ResponseValue`, and
/// their `ResponseValue<T>` return type), so the table cannot drift from the code it guards.
fn success_body_checks(file: &syn::File) -> Result<Vec<syn::Item>, String> {
    let mut checks = String::new();
    let mut plain_decodes = String::new();
    let mut samples = String::new();
    for success in json_successes(&file.items)? {
        let JsonSuccess {
            operation_id,
            status_pattern,
            sample_status,
            body_type,
        } = success;
        let arm = format!("({operation_id:?}, {status_pattern}) =>");
        checks.push_str(&format!(
            "{arm} Some(crate::body::check::<{body_type}>(body)),\n"
        ));
        plain_decodes.push_str(&format!(
            "{arm} Some(serde_json::from_slice::<{body_type}>(body).is_ok()),\n"
        ));
        samples.push_str(&format!("({operation_id:?}, {sample_status}), "));
    }
    let source = format!(
        "/// Checks the body of a success `status` of `operation_id`; `None` where the generated
        /// code does not decode a JSON body.
        pub(crate) fn check_success_body(
            operation_id: &str,
            status: u16,
            body: &[u8],
        ) -> Option<Result<(), crate::body::PathError>> {{
            match (operation_id, status) {{ {checks} _ => None }}
        }}

        /// One `(operation, status)` per success the table checks, for the property tests.
        #[cfg(test)]
        pub(crate) const JSON_SUCCESSES: &[(&str, u16)] = &[{samples}];

        /// Whether the generated code's own decoding accepts the body, for the property tests.
        #[cfg(test)]
        pub(crate) fn decodes_as_generated(operation_id: &str, status: u16, body: &[u8]) -> Option<bool> {{
            match (operation_id, status) {{ {plain_decodes} _ => None }}
        }}"
    );
    syn::parse_str::<syn::File>(&source)
        .map(|table| table.items)
        .map_err(|e| format!("the success-body table does not parse: {e}"))
}

/// A success answer whose JSON body the generated code decodes.
struct JsonSuccess {
    operation_id: String,
    /// The match pattern of the status, e.g. `200u16` or `200u16..=299u16`.
    status_pattern: String,
    /// A status the pattern matches.
    sample_status: u16,
    /// The Rust type of the body, e.g. `types::PartnerOut`.
    body_type: String,
}

/// Every success answer of every generated `send()` returning `ResponseValue<T>` with a JSON `T`.
fn json_successes(items: &[syn::Item]) -> Result<Vec<JsonSuccess>, String> {
    use quote::ToTokens;
    let mut found = Vec::new();
    for item in items {
        match item {
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    found.extend(json_successes(items)?);
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
                    let body = method.block.to_token_stream();
                    let (Some(body_type), Some(operation_id)) =
                        (success_type(&method.sig.output), operation_id(body.clone()))
                    else {
                        continue;
                    };
                    let patterns = decoded_status_patterns(body);
                    // A progenitor that shapes `send()` differently must not silently leave an
                    // operation's bodies unchecked.
                    if patterns.is_empty() {
                        return Err(format!(
                            "no success arm found in the generated `send()` of `{operation_id}`; \
                             update `decoded_status_patterns` for this progenitor"
                        ));
                    }
                    for (status_pattern, sample_status) in patterns {
                        found.push(JsonSuccess {
                            operation_id: operation_id.clone(),
                            status_pattern,
                            sample_status,
                            body_type: body_type.clone(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    Ok(found)
}

/// Whether `tokens` start with `ResponseValue::from_response`.
fn is_success_decode(tokens: &[proc_macro2::TokenTree]) -> bool {
    let words: Vec<String> = tokens.iter().take(4).map(ToString::to_string).collect();
    words == ["ResponseValue", ":", ":", "from_response"]
}

/// The patterns of the match arms `<pattern> => ResponseValue::from_response(..)`: the statuses
/// whose body the generated code decodes as the success type (error arms decode inside
/// `Error::ErrorResponse(..)`, not right after `=>`).
fn decoded_status_patterns(body: proc_macro2::TokenStream) -> Vec<(String, u16)> {
    use proc_macro2::{Delimiter, TokenTree};
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if let TokenTree::Group(group) = token {
            found.extend(decoded_status_patterns(group.stream()));
        }
        let is_arrow = matches!((token, tokens.get(i + 1)), (TokenTree::Punct(eq), Some(TokenTree::Punct(gt))) if eq.as_char() == '=' && gt.as_char() == '>');
        // The arm's body: `ResponseValue::from_response(..)`, bare or in braces.
        let decodes = match tokens.get(i + 2) {
            Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {
                is_success_decode(&body.stream().into_iter().collect::<Vec<_>>())
            }
            _ => is_success_decode(&tokens[(i + 2).min(tokens.len())..]),
        };
        if !(is_arrow && decodes) {
            continue;
        }
        // The pattern runs back to the previous arm: a `,` or a braced arm body.
        let start = tokens[..i]
            .iter()
            .rposition(|t| match t {
                TokenTree::Punct(p) => p.as_char() == ',',
                TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
                _ => false,
            })
            .map_or(0, |p| p + 1);
        let pattern: proc_macro2::TokenStream = tokens[start..i].iter().cloned().collect();
        let sample = tokens[start..i].iter().find_map(|t| match t {
            TokenTree::Literal(literal) => literal.to_string().trim_end_matches("u16").parse().ok(),
            _ => None,
        });
        if let Some(sample) = sample {
            found.push((pattern.to_string(), sample));
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
/// variables) as text, so they are documentation and not doctests reported as ignored. In
/// formatted source they are `///` lines; unformatted, string literals with escaped newlines.
fn untest_usage_sketches(code: &str) -> String {
    code.replace("```ignore\n", "```text\n")
        .replace("```ignore\\n", "```text\\n")
}
