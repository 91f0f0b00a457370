//! The public API the generator produces, as a reviewed snapshot: every `Client` operation with
//! its builder setters and return type, every `types::` struct and enum with its derives and
//! fields. A spec change that changes the API shows up as a diff of
//! `tests/snapshots/api_surface__api_surface.snap`; bless it with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test --test api_surface`). With `CI=true` insta never writes and a
//! difference fails the test.

use quote::ToTokens;
use syn::{Fields, FnArg, ImplItem, Item, ItemImpl, Meta, ReturnType, Type, Visibility};

/// The code `build.rs` generated for this build (the same file `src/lib.rs` includes).
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/partners_v2.rs"));

#[test]
fn api_surface() {
    let file = syn::parse_file(GENERATED).expect("the generated code parses");
    insta::assert_snapshot!("api_surface", render(&file));
}

/// The listing: operations first, then types, each in the generator's (alphabetical) order.
fn render(file: &syn::File) -> String {
    let builders = module(&file.items, "builder");
    let mut out = String::from("# Client operations\n");
    for method in inherent_methods(&file.items, "Client") {
        let name = method.sig.ident.to_string();
        let Some(builder) = returned_builder(&method.sig.output) else {
            continue; // constructors (`new`, `new_with_client`) are the facade's business
        };
        out += &format!("\nclient.{name}()\n");
        for setter in inherent_methods(builders, &builder) {
            let setter_name = setter.sig.ident.to_string();
            if setter_name == "new" {
                continue;
            }
            out += &format!("  .{}\n", signature(setter));
        }
    }
    out += "\n# Types\n";
    for item in module(module(&file.items, "types"), "") {
        match item {
            Item::Struct(item) if is_pub(&item.vis) => {
                out += &format!("\n{}struct {}\n", derives(&item.attrs), item.ident);
                for (i, field) in item.fields.iter().enumerate() {
                    let name = field
                        .ident
                        .as_ref()
                        .map_or_else(|| i.to_string(), ToString::to_string);
                    out += &format!("  {name}: {}{}\n", tidy(&field.ty), wire_name(&field.attrs));
                }
                if matches!(item.fields, Fields::Unit) {
                    out += "  (unit)\n";
                }
            }
            Item::Enum(item) if is_pub(&item.vis) => {
                out += &format!("\n{}enum {}\n", derives(&item.attrs), item.ident);
                for variant in &item.variants {
                    let fields = match &variant.fields {
                        Fields::Unit => String::new(),
                        fields => format!(
                            "({})",
                            fields
                                .iter()
                                .map(|f| tidy(&f.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    out += &format!("  {}{fields}{}\n", variant.ident, wire_name(&variant.attrs));
                }
            }
            _ => {}
        }
    }
    out
}

/// The items of the top-level module `name` (or `items` itself for `""`).
fn module<'a>(items: &'a [Item], name: &str) -> &'a [Item] {
    if name.is_empty() {
        return items;
    }
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| &items[..]),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the generated code has a `mod {name}`"))
}

/// The `pub fn`s of the inherent `impl` blocks of type `name`.
fn inherent_methods<'a>(items: &'a [Item], name: &str) -> Vec<&'a syn::ImplItemFn> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(ItemImpl {
                trait_: None,
                self_ty,
                items,
                ..
            }) if type_name(self_ty).as_deref() == Some(name) => Some(items),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            ImplItem::Fn(method) if is_pub(&method.vis) => Some(method),
            _ => None,
        })
        .collect()
}

fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `builder::GetPartner<'_>` → `GetPartner`.
fn returned_builder(output: &ReturnType) -> Option<String> {
    match output {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(path) if path.path.segments.first()?.ident == "builder" => type_name(ty),
            _ => None,
        },
        ReturnType::Default => None,
    }
}

/// A setter as `name(value: T)`, where T is what the setter converts into (its `TryInto` or
/// `FnOnce` bound), or `send() -> R` for the request itself.
fn signature(method: &syn::ImplItemFn) -> String {
    let name = method.sig.ident.to_string();
    let output = match &method.sig.output {
        ReturnType::Type(_, ty) if name == "send" => format!(" -> {}", tidy(ty)),
        _ => String::new(),
    };
    let bounds: Vec<String> = method
        .sig
        .generics
        .where_clause
        .iter()
        .flat_map(|w| &w.predicates)
        .filter_map(|p| match p {
            syn::WherePredicate::Type(p) => Some(
                p.bounds
                    .iter()
                    .map(|b| tidy_tokens(b.to_token_stream().to_string()))
                    .collect::<Vec<_>>()
                    .join(" + "),
            ),
            _ => None,
        })
        .collect();
    let arguments: Vec<String> = method
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(arg) => Some(format!(
                "{}: {}",
                arg.pat.to_token_stream(),
                bounds
                    .first()
                    .map(|bound| format!("impl {bound}"))
                    .unwrap_or_else(|| tidy(&arg.ty))
            )),
            FnArg::Receiver(_) => None,
        })
        .collect();
    format!("{name}({}){output}", arguments.join(", "))
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// `#[derive(..)]` of an item as `derive(A, B) `; empty without one.
fn derives(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .map(|a| match &a.meta {
            Meta::List(list) => format!("derive({}) ", tidy_tokens(list.tokens.to_string())),
            _ => String::new(),
        })
        .collect()
}

/// ` (json "name")` when serde renames the field or variant on the wire.
fn wire_name(attrs: &[syn::Attribute]) -> String {
    let mut renamed = String::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                renamed = format!(" (json {:?})", value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    renamed
}

fn tidy(ty: &Type) -> String {
    tidy_tokens(ty.to_token_stream().to_string())
}

/// Token spacing made readable, and the common std paths shortened.
fn tidy_tokens(tokens: String) -> String {
    let mut text = tokens;
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& '", "&'"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::", "std::"),
        ("::serde::", "serde::"),
        ("::serde_json::", "serde_json::"),
    ] {
        text = text.replace(from, to);
    }
    // prettyplease's trailing commas dropped, one space after every comma.
    text.replace(",>", ">")
        .replace(",)", ")")
        .replace(", ", ",")
        .replace(',', ", ")
}
