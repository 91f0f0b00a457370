//! The crate's whole public API as a reviewed snapshot: every public module, every item a user
//! can name there (re-exports followed to their definitions), with full signatures: functions
//! and methods with their generics and bounds, struct fields, enum variants, constants, and the
//! traits each type implements. Hand-written items and generated ones alike (the generated
//! files are read from `$OUT_DIR`, the same files `src/lib.rs` includes).
//!
//! A change of the public API shows up as a diff of
//! `tests/snapshots/integration__api_surface__api_surface.snap`; bless it with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test --test integration api_surface`).
//! With `CI=true` insta never writes and a difference fails the test.

use quote::ToTokens;
use std::collections::BTreeMap;
use std::path::Path;
use syn::{Attribute, Fields, ImplItem, Item, Type, Visibility};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const OUT_DIR: &str = env!("OUT_DIR");

#[test]
fn api_surface() {
    let crate_items = load(&Path::new(SRC).join("lib.rs"), Path::new(SRC));
    let listing = render(&crate_items);
    for generator in [
        "progenitor",
        "typify",
        "ResponseValue",
        "ClientHooks",
        "ClientInfo",
    ] {
        assert!(
            !listing.contains(generator),
            "the public API names the generator's `{generator}`:\n{listing}"
        );
    }
    insta::assert_snapshot!("api_surface", listing);
}

/// A module's items, with file modules and `include!`d generated files read in (in a module's
/// own file too: `operations/mod.rs`, `types.rs`).
#[derive(Default)]
struct Module {
    items: Vec<Item>,
    children: BTreeMap<String, (bool, Module)>,
}

/// The module in the file `path`, whose file submodules live in `dir`.
fn load(path: &Path, dir: &Path) -> Module {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    module_of(expand_includes(file.items), dir)
}

/// The file module `name` declared in a module whose submodules live in `dir`: `name.rs`, or
/// `name/mod.rs`.
fn load_child(dir: &Path, name: &str) -> Module {
    let file = dir.join(format!("{name}.rs"));
    match file.exists() {
        true => load(&file, &dir.join(name)),
        false => load(&dir.join(name).join("mod.rs"), &dir.join(name)),
    }
}

fn module_of(items: Vec<Item>, dir: &Path) -> Module {
    let mut module = Module::default();
    for item in items {
        match item {
            // Unit tests are no part of the API (and may define what they like).
            Item::Mod(m) if is_test_only(&m.attrs) => {}
            Item::Mod(m) => {
                // A hidden module (`__private`, the generated code's view of the runtime) is
                // outside the API: listed as a name, not rendered.
                let public = matches!(m.vis, Visibility::Public(_)) && hidden(&m.attrs).is_empty();
                let child = match m.content {
                    Some((_, inner)) => module_of(expand_includes(inner), dir),
                    None => load_child(dir, &m.ident.to_string()),
                };
                let mut child = child;
                child.items.splice(0..0, cfg_marker(&m.attrs));
                module.children.insert(m.ident.to_string(), (public, child));
            }
            other => module.items.push(other),
        }
    }
    module
}

/// Whether `attrs` hold `#[cfg(test)]`.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && attr.meta.to_token_stream().to_string() == "cfg (test)"
    })
}

/// `include!(concat!(env!("OUT_DIR"), "/x.rs"))` replaced by the generated file's items.
fn expand_includes(items: Vec<Item>) -> Vec<Item> {
    let mut expanded = Vec::new();
    for item in items {
        if let Item::Macro(call) = &item
            && call.mac.path.is_ident("include")
        {
            let tokens = call.mac.tokens.to_string();
            let file = tokens
                .split('"')
                .find(|part| part.ends_with(".rs"))
                .expect("an include! of a generated file");
            let path = Path::new(OUT_DIR).join(file.trim_start_matches('/'));
            let text = std::fs::read_to_string(&path).unwrap();
            expanded.extend(syn::parse_file(&text).unwrap().items);
        } else {
            expanded.push(item);
        }
    }
    expanded
}

/// A module declared with `#[cfg(feature = ..)]` keeps the marker as a pseudo-item.
fn cfg_marker(attrs: &[Attribute]) -> Vec<Item> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| syn::parse_quote!(#[doc = "cfg"] #a const _: () = ();))
        .collect()
}

/// Everything the crate defines, by the last segment of the name (for following `pub use` and
/// finding impls).
struct Index<'a> {
    definitions: BTreeMap<String, &'a Item>,
    modules: BTreeMap<String, &'a Module>,
    impls: BTreeMap<String, Vec<&'a syn::ItemImpl>>,
    macro_impls: BTreeMap<String, Vec<String>>,
}

fn index<'a>(module: &'a Module, into: &mut Index<'a>) {
    for item in &module.items {
        match item {
            Item::Impl(implementation) => {
                if let Some(name) = type_name(&implementation.self_ty) {
                    into.impls.entry(name).or_default().push(implementation);
                }
            }
            Item::Macro(call) => {
                // `crate::open_enum::impl_open_enum!(Name);`: the open enum's trait impls.
                let path = call.mac.path.to_token_stream().to_string();
                if path.ends_with("impl_open_enum") {
                    let name = call.mac.tokens.to_string();
                    into.macro_impls.entry(name).or_default().push(
                        "impl From<&str>, From<String>, FromStr<Err = Infallible>, Display, AsRef<str>, Serialize, Deserialize (impl_open_enum!)".into(),
                    );
                }
            }
            other => {
                // Types are found by name: two of one name (a private one included) would show
                // one in place of the other, so their names must differ. (Functions of one name
                // are found through their module's items, not by name.)
                let is_type = |item: &Item| {
                    matches!(
                        item,
                        Item::Struct(_) | Item::Enum(_) | Item::Trait(_) | Item::Type(_)
                    )
                };
                if let Some(name) = item_name(other)
                    && let Some(first) = into.definitions.insert(name.clone(), other)
                    && is_type(first)
                    && is_type(other)
                {
                    panic!(
                        "two types named `{name}`: rename one, or the snapshot shows the wrong one"
                    );
                }
            }
        }
    }
    for (name, (_, child)) in &module.children {
        into.modules.entry(name.clone()).or_insert(child);
        index(child, into);
    }
}

fn render(root: &Module) -> String {
    let mut index_ = Index {
        definitions: BTreeMap::new(),
        modules: BTreeMap::new(),
        impls: BTreeMap::new(),
        macro_impls: BTreeMap::new(),
    };
    index(root, &mut index_);
    let mut out = String::new();
    render_module(root, "d360_partner", &index_, &mut out);
    out
}

fn render_module(module: &Module, path: &str, index: &Index<'_>, out: &mut String) {
    let cfg: Vec<String> = module
        .items
        .iter()
        .filter(|item| is_cfg_marker(item))
        .filter_map(|item| match item {
            Item::Const(c) => c
                .attrs
                .iter()
                .find(|a| a.path().is_ident("cfg"))
                .map(tidy_attr),
            _ => None,
        })
        .collect();
    out.push_str(&format!(
        "\n## mod {path}{}\n",
        cfg.iter().map(|c| format!(" {c}")).collect::<String>()
    ));
    let mut reexported_modules = Vec::new();
    for item in &module.items {
        if is_cfg_marker(item) {
            continue;
        }
        match item {
            // Another crate's item, re-exported so users need not depend on it (`Method`).
            Item::Use(used) if is_pub(&used.vis) && is_external(&used.tree) => {
                out.push_str(&format!(
                    "\npub use {}\n",
                    tidy(&used.tree.to_token_stream())
                ));
            }
            Item::Use(used) if is_pub(&used.vis) => {
                for (name, alias) in used_names(&used.tree) {
                    match index.definitions.get(&name) {
                        Some(definition) => {
                            out.push_str(&format!(
                                "\npub use {name}{}\n",
                                alias
                                    .as_ref()
                                    .map(|a| format!(" as {a}"))
                                    .unwrap_or_default()
                            ));
                            render_item(definition, index, out);
                        }
                        // A module re-exported whole (`env`), listed after this one's items.
                        None => match index.modules.get(&name) {
                            Some(reexported) => reexported_modules.push((name, *reexported)),
                            None => panic!("`pub use {name}` names nothing the crate defines"),
                        },
                    }
                }
            }
            item if item_is_pub(item) => render_item(item, index, out),
            _ => {}
        }
    }
    for (name, reexported) in reexported_modules {
        render_module(reexported, &format!("{path}::{name}"), index, out);
    }
    for (name, (public, child)) in &module.children {
        if *public {
            render_module(child, &format!("{path}::{name}"), index, out);
        }
    }
}

fn is_cfg_marker(item: &Item) -> bool {
    matches!(item, Item::Const(c) if c.ident == "_" && c.attrs.iter().any(|a| a.path().is_ident("doc")))
}

fn render_item(item: &Item, index: &Index<'_>, out: &mut String) {
    let cfg = cfg_of(item_attrs(item));
    match item {
        Item::Struct(s) => {
            out.push_str(&format!(
                "\n{}{cfg}pub struct {}{}\n",
                derives(&s.attrs),
                s.ident,
                tidy(&s.generics.to_token_stream())
            ));
            let (mut private, mut public) = (false, false);
            for (i, field) in s.fields.iter().enumerate() {
                if !is_pub(&field.vis) {
                    private = true;
                    continue;
                }
                public = true;
                let name = field
                    .ident
                    .as_ref()
                    .map_or_else(|| i.to_string(), ToString::to_string);
                out.push_str(&format!(
                    "  {name}: {}{}{}\n",
                    tidy(&field.ty.to_token_stream()),
                    wire_name(&field.attrs),
                    cfg_of(&field.attrs)
                ));
            }
            match (public, private) {
                (true, true) => out.push_str("  (and private fields)\n"),
                (false, _) => out.push_str("  (no public fields)\n"),
                (true, false) => {}
            }
            render_impls(&s.ident.to_string(), index, out);
        }
        Item::Enum(e) => {
            out.push_str(&format!(
                "\n{}{}{cfg}pub enum {}\n",
                derives(&e.attrs),
                non_exhaustive(&e.attrs),
                e.ident
            ));
            for variant in &e.variants {
                let fields = match &variant.fields {
                    Fields::Unit => String::new(),
                    Fields::Unnamed(fields) => format!(
                        "({})",
                        fields
                            .unnamed
                            .iter()
                            .map(|f| tidy(&f.ty.to_token_stream()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Fields::Named(fields) => format!(
                        " {{ {} }}",
                        fields
                            .named
                            .iter()
                            .map(|f| format!(
                                "{}: {}",
                                f.ident.as_ref().unwrap(),
                                tidy(&f.ty.to_token_stream())
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.push_str(&format!(
                    "  {}{fields}{}\n",
                    variant.ident,
                    wire_name(&variant.attrs)
                ));
            }
            render_impls(&e.ident.to_string(), index, out);
        }
        Item::Fn(f) => out.push_str(&format!("\n{cfg}pub {}\n", tidy(&f.sig.to_token_stream()))),
        Item::Const(c) => out.push_str(&format!(
            "\n{cfg}pub const {}: {}\n",
            c.ident,
            tidy(&c.ty.to_token_stream())
        )),
        Item::Static(s) => out.push_str(&format!(
            "\n{cfg}pub static {}: {}\n",
            s.ident,
            tidy(&s.ty.to_token_stream())
        )),
        Item::Type(t) => {
            out.push_str(&format!(
                "\n{cfg}pub type {}{} = {}\n",
                t.ident,
                tidy(&t.generics.to_token_stream()),
                tidy(&t.ty.to_token_stream())
            ));
            render_impls(&t.ident.to_string(), index, out);
        }
        Item::Trait(t) => {
            let supertraits = if t.supertraits.is_empty() {
                String::new()
            } else {
                format!(": {}", tidy(&t.supertraits.to_token_stream()))
            };
            out.push_str(&format!("\n{cfg}pub trait {}{supertraits}\n", t.ident));
            for member in &t.items {
                let line = match member {
                    syn::TraitItem::Const(c) => {
                        format!("const {}: {}", c.ident, tidy(&c.ty.to_token_stream()))
                    }
                    syn::TraitItem::Fn(f) => tidy(&f.sig.to_token_stream()),
                    syn::TraitItem::Type(t) => {
                        let bounds = tidy(&t.bounds.to_token_stream());
                        match bounds.is_empty() {
                            true => format!("type {}", t.ident),
                            false => format!("type {}: {bounds}", t.ident),
                        }
                    }
                    other => tidy(&other.to_token_stream()),
                };
                out.push_str(&format!("  {line}\n"));
            }
        }
        Item::Mod(_) | Item::Use(_) | Item::Impl(_) | Item::Macro(_) => {}
        other => panic!(
            "the API listing does not render {}",
            other.to_token_stream()
        ),
    }
}

/// A type's public inherent methods with full signatures, then its trait impls, one per line.
fn render_impls(name: &str, index: &Index<'_>, out: &mut String) {
    let mut traits = Vec::new();
    for implementation in index.impls.get(name).into_iter().flatten() {
        match &implementation.trait_ {
            None => {
                for member in &implementation.items {
                    if let ImplItem::Fn(method) = member
                        && is_pub(&method.vis)
                    {
                        out.push_str(&format!(
                            "  {}{}pub {}\n",
                            cfg_of(&method.attrs),
                            hidden(&method.attrs),
                            tidy(&method.sig.to_token_stream())
                        ));
                    }
                    if let ImplItem::Const(constant) = member
                        && is_pub(&constant.vis)
                    {
                        out.push_str(&format!(
                            "  pub const {}: {}\n",
                            constant.ident,
                            tidy(&constant.ty.to_token_stream())
                        ));
                    }
                }
            }
            Some((_, trait_path, _)) => {
                let associated: Vec<String> = implementation
                    .items
                    .iter()
                    .filter_map(|member| match member {
                        ImplItem::Type(t) => {
                            Some(format!("{} = {}", t.ident, tidy(&t.ty.to_token_stream())))
                        }
                        ImplItem::Const(c) => {
                            Some(format!("{} = {}", c.ident, tidy(&c.expr.to_token_stream())))
                        }
                        _ => None,
                    })
                    .collect();
                let associated = if associated.is_empty() {
                    String::new()
                } else {
                    format!(" {{ {} }}", associated.join(", "))
                };
                traits.push(format!(
                    "  {}impl{} {}{associated}",
                    cfg_of(&implementation.attrs),
                    tidy(&implementation.generics.to_token_stream()),
                    tidy(&trait_path.to_token_stream())
                ));
            }
        }
    }
    traits.extend(
        index
            .macro_impls
            .get(name)
            .into_iter()
            .flatten()
            .map(|line| format!("  {line}")),
    );
    traits.sort();
    for line in traits {
        out.push_str(&line);
        out.push('\n');
    }
}

/// Whether a `use` tree starts at a dependency, not at a module of this crate.
fn is_external(tree: &syn::UseTree) -> bool {
    let first = match tree {
        syn::UseTree::Path(path) => &path.ident,
        // A whole crate (`pub use reqwest;`).
        syn::UseTree::Name(name) => &name.ident,
        _ => return false,
    };
    ["reqwest", "futures_core"].contains(&first.to_string().as_str())
}

/// The names a `pub use` brings in, with their aliases.
fn used_names(tree: &syn::UseTree) -> Vec<(String, Option<String>)> {
    match tree {
        syn::UseTree::Path(path) => used_names(&path.tree),
        syn::UseTree::Name(name) => vec![(name.ident.to_string(), None)],
        syn::UseTree::Rename(rename) => {
            vec![(rename.ident.to_string(), Some(rename.rename.to_string()))]
        }
        syn::UseTree::Group(group) => group.items.iter().flat_map(used_names).collect(),
        syn::UseTree::Glob(_) => panic!("a glob re-export hides what the API is"),
    }
}

fn item_name(item: &Item) -> Option<String> {
    Some(match item {
        Item::Struct(s) => s.ident.to_string(),
        Item::Enum(e) => e.ident.to_string(),
        Item::Fn(f) => f.sig.ident.to_string(),
        Item::Const(c) if c.ident != "_" => c.ident.to_string(),
        Item::Static(s) => s.ident.to_string(),
        Item::Type(t) => t.ident.to_string(),
        Item::Trait(t) => t.ident.to_string(),
        _ => return None,
    })
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Struct(s) => &s.attrs,
        Item::Enum(e) => &e.attrs,
        Item::Fn(f) => &f.attrs,
        Item::Const(c) => &c.attrs,
        Item::Static(s) => &s.attrs,
        Item::Type(t) => &t.attrs,
        Item::Trait(t) => &t.attrs,
        _ => &[],
    }
}

fn item_is_pub(item: &Item) -> bool {
    match item {
        Item::Struct(s) => is_pub(&s.vis),
        Item::Enum(e) => is_pub(&e.vis),
        Item::Fn(f) => is_pub(&f.vis),
        Item::Const(c) => is_pub(&c.vis),
        Item::Static(s) => is_pub(&s.vis),
        Item::Type(t) => is_pub(&t.vis),
        Item::Trait(t) => is_pub(&t.vis),
        _ => false,
    }
}

fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn cfg_of(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| format!("{} ", tidy_attr(a)))
        .collect()
}

/// `#[doc(hidden)] ` for an item outside the documented API (and semver), so the listing shows
/// it is there and that it is hidden.
fn hidden(attrs: &[Attribute]) -> &'static str {
    let is_hidden = |a: &&Attribute| {
        a.path().is_ident("doc") && tidy_attr(a).replace(' ', "") == "#[doc(hidden)]"
    };
    match attrs.iter().any(|a| is_hidden(&a)) {
        true => "#[doc(hidden)] ",
        false => "",
    }
}

fn tidy_attr(attr: &Attribute) -> String {
    tidy(&attr.to_token_stream())
}

/// `#[derive(..)]` of an item as `derive(A, B) `; empty without one.
fn derives(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .map(|a| match &a.meta {
            syn::Meta::List(list) => format!("derive({}) ", tidy(&list.tokens)),
            _ => String::new(),
        })
        .collect()
}

fn non_exhaustive(attrs: &[Attribute]) -> &'static str {
    if attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
        "#[non_exhaustive] "
    } else {
        ""
    }
}

/// ` (json "name")` when serde renames the field or variant on the wire.
fn wire_name(attrs: &[Attribute]) -> String {
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

/// Token spacing made readable, and the common std paths shortened.
fn tidy(tokens: &dyn ToTokens) -> String {
    let mut text = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (" : ", ": "),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& '", "&'"),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" ;", ";"),
        ("# [", "#["),
        ("! (", "!("),
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
