//! The model types: the normalized document's component schemas → Rust structs, through
//! progenitor (which hands them to typify).
//!
//! Only the types come from the generator: the call surface (builders, `send()`, the operation
//! table) is this crate's own (`emit/`), so the generator never sees `paths` or `webhooks`, and
//! nothing of its runtime crate reaches the public API. String enums are replaced by this
//! crate's open enums, which `emit/enums.rs` writes.

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TypeImpl};
use serde_json::{Value, json};

/// The types of every component schema except `open_enums`, as the generator's tokens; [`items`]
/// reads them back.
///
/// Per-type builders (`types::builder::*`) are not generated: bodies are built with struct
/// literals and `..Default::default()`, and the builders were most of the generated code.
pub fn generate(document: &Value, open_enums: &[&str]) -> Result<proc_macro2::TokenStream, String> {
    let mut components_only = json!({
        "openapi": document["openapi"],
        "info": document["info"],
        "paths": {},
    });
    if let Some(components) = document.get("components") {
        components_only["components"] =
            json!({"schemas": components.get("schemas").cloned().unwrap_or(json!({}))});
    }
    let spec: openapiv3::OpenAPI = serde_json::from_value(components_only)
        .map_err(|e| format!("the normalized components are not valid OpenAPI 3.0: {e}"))?;
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_derive("PartialEq");
    for name in open_enums {
        let impls = [
            TypeImpl::Display,
            TypeImpl::FromStr,
            TypeImpl::FromStringIrrefutable,
        ];
        settings.with_replacement(name, name, impls.into_iter());
    }
    let tokens = std::panic::catch_unwind(move || Generator::new(&settings).generate_tokens(&spec))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("the type generator panicked ({message}); add a check for the cause to `reject_what_the_generator_cannot_handle`")
        })?
        .map_err(|e| format!("the type generator refused the normalized components: {e}"))?;
    Ok(tokens)
}

/// The items of the `types` module in the generator's tokens, checked to name every component.
pub fn items(
    tokens: proc_macro2::TokenStream,
    document: &Value,
    open_enums: &[&str],
) -> Result<Vec<syn::Item>, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("the type generator emitted unparsable code: {e}"))?;
    let items = types_module(file)?;
    check_names(document, open_enums, &items)?;
    Ok(items)
}

/// The items of the generated `mod types`, without its conversion-error module when nothing
/// uses it (it only serves the per-type builders and closed enums, which are not generated).
fn types_module(file: syn::File) -> Result<Vec<syn::Item>, String> {
    use quote::ToTokens;
    let items = file
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                module.content.map(|(_, items)| items)
            }
            _ => None,
        })
        .ok_or("the type generator emitted no `mod types`")?;
    let is_error_module =
        |item: &syn::Item| matches!(item, syn::Item::Mod(m) if m.ident == "error");
    let uses_error_module = items
        .iter()
        .filter(|item| !is_error_module(item))
        .any(|item| {
            item.to_token_stream()
                .to_string()
                .contains("error :: ConversionError")
        });
    Ok(items
        .into_iter()
        .filter(|item| uses_error_module || !is_error_module(item))
        .collect())
}

/// Every component key names a generated type (or an open enum): the emitter spells types by
/// key, so a mismatch would otherwise surface as a compile error in generated code.
fn check_names(document: &Value, open_enums: &[&str], items: &[syn::Item]) -> Result<(), String> {
    let defined: std::collections::BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let keys = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys());
    for key in keys {
        if !defined.contains(key) && !open_enums.contains(&key.as_str()) {
            return Err(format!(
                "/components/schemas/{key}: the type generator named its type differently; the `name_types` pass must spell names as the generator does"
            ));
        }
    }
    Ok(())
}

/// The [`ListFields`] of every list operation of `api`, by operation id, read off the generated
/// structs (so a field the generator renamed is found by its `#[serde(rename)]`).
pub fn list_fields(
    items: &[syn::Item],
    api: &crate::codegen::model::Api,
) -> Result<std::collections::BTreeMap<String, crate::codegen::lists::ListFields>, String> {
    let mut found = std::collections::BTreeMap::new();
    for operation in &api.operations {
        let Some(list) = &operation.list else {
            continue;
        };
        let page = items
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == list.page_type => Some(s),
                _ => None,
            })
            .ok_or_else(|| {
                format!(
                    "/components/schemas/{}: the list page of `{}` is not a generated struct",
                    list.page_type, operation.id
                )
            })?;
        let field = |wire: &str| -> Result<&syn::Field, String> {
            page.fields
                .iter()
                .find(|field| wire_name(field).as_deref() == Some(wire))
                .ok_or_else(|| {
                    format!(
                        "/components/schemas/{}: the generated struct has no field for `{wire}`",
                        list.page_type
                    )
                })
        };
        let name = |field: &syn::Field| {
            field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        };
        let optional = |wire: &Option<String>| -> Result<Option<String>, String> {
            wire.as_deref().map(|w| field(w).map(name)).transpose()
        };
        let items_field = field(&list.items)?;
        let item_type = vec_item(&items_field.ty).ok_or_else(|| {
            format!(
                "/components/schemas/{}/properties/{}: the items are not generated as a `Vec`",
                list.page_type, list.items
            )
        })?;
        found.insert(
            operation.id.clone(),
            crate::codegen::lists::ListFields {
                items: name(items_field),
                item_type,
                total: optional(&list.total)?,
                count: optional(&list.count)?,
                offset: optional(&list.offset_field)?,
            },
        );
    }
    Ok(found)
}

/// The JSON name of a generated field: its `#[serde(rename = "..")]`, else its identifier.
fn wire_name(field: &syn::Field) -> Option<String> {
    let mut renamed = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                if meta.path.is_ident("rename") {
                    renamed = Some(value.value());
                }
            }
            Ok(())
        });
    }
    renamed.or_else(|| {
        field
            .ident
            .as_ref()
            .map(|ident| ident.to_string().trim_start_matches("r#").to_string())
    })
}

/// `T` of a `Vec<T>` or `Option<Vec<T>>` field type, spelled for the generated call surface: a
/// model type as `crate::types::T`.
fn vec_item(ty: &syn::Type) -> Option<String> {
    use quote::ToTokens;
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(inner)) = arguments.args.first() else {
        return None;
    };
    match last.ident.to_string().as_str() {
        "Option" => vec_item(inner),
        "Vec" => Some(match inner {
            syn::Type::Path(named) if named.qself.is_none() && named.path.segments.len() == 1 => {
                format!(
                    "{}::{}",
                    crate::codegen::model::TYPES,
                    named.path.segments[0].ident
                )
            }
            other => other.to_token_stream().to_string(),
        }),
        _ => None,
    }
}
