//! `src/` modules form a DAG: no module reaches, through the `crate::` paths its library code
//! uses, a module that reaches it back. `error` is a leaf. A module split into a directory
//! (`mock/`) is one node. The generated modules (`types`,
//! `operations`, `webhooks`, read from `$OUT_DIR`) count as one node, `generated`. Unit tests
//! (`#[cfg(test)]` modules) are not part of the structure and may use any module.

use std::collections::{BTreeMap, BTreeSet};
use syn::visit::Visit;

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const GENERATED: [&str; 3] = ["types", "operations", "webhooks"];

/// The `crate::<first segment>` names a file's code (not its docs) uses.
#[derive(Default)]
struct CratePaths(BTreeSet<String>);

impl<'a> Visit<'a> for CratePaths {
    fn visit_item_mod(&mut self, module: &'a syn::ItemMod) {
        let is_test = module.attrs.iter().any(|attr| {
            attr.path().is_ident("cfg")
                && quote::ToTokens::to_token_stream(attr)
                    .to_string()
                    .contains("test")
        });
        if !is_test {
            syn::visit::visit_item_mod(self, module);
        }
    }

    fn visit_path(&mut self, path: &'a syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next())
            && first.ident == "crate"
        {
            self.0.insert(second.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, used: &'a syn::ItemUse) {
        if let syn::UseTree::Path(path) = &used.tree
            && path.ident == "crate"
        {
            collect_use(&path.tree, &mut self.0);
        }
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        // `crate::open_enum::impl_open_enum!(..)` and paths inside macro calls.
        let tokens = mac.to_token_stream_string();
        for part in tokens.split("crate ::").skip(1) {
            let name: String = part
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                self.0.insert(name);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

trait TokenText {
    fn to_token_stream_string(&self) -> String;
}

impl TokenText for syn::Macro {
    fn to_token_stream_string(&self) -> String {
        use quote::ToTokens;
        self.to_token_stream().to_string()
    }
}

fn collect_use(tree: &syn::UseTree, into: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(path) => {
            into.insert(path.ident.to_string());
        }
        syn::UseTree::Name(name) => {
            into.insert(name.ident.to_string());
        }
        syn::UseTree::Rename(rename) => {
            into.insert(rename.ident.to_string());
        }
        syn::UseTree::Group(group) => group.items.iter().for_each(|t| collect_use(t, into)),
        syn::UseTree::Glob(_) => {}
    }
}

fn crate_paths(text: &str) -> BTreeSet<String> {
    let file = syn::parse_file(text).unwrap();
    let mut paths = CratePaths::default();
    paths.visit_file(&file);
    paths.0
}

/// Which module each root-level re-export (`pub use x::{A, B}` in `lib.rs`) comes from.
fn reexports(lib: &syn::File) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for item in &lib.items {
        if let syn::Item::Use(used) = item
            && let syn::UseTree::Path(path) = &used.tree
        {
            let mut names = BTreeSet::new();
            collect_use(&path.tree, &mut names);
            for name in names {
                found.insert(name, path.ident.to_string());
            }
        }
    }
    found
}

#[test]
fn src_modules_form_a_dag_with_error_a_leaf() {
    let lib_text = std::fs::read_to_string(format!("{SRC}/lib.rs")).unwrap();
    let lib = syn::parse_file(&lib_text).unwrap();
    let reexported = reexports(&lib);
    let node = |name: &str| -> String {
        if GENERATED.contains(&name) {
            "generated".into()
        } else {
            reexported
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_string())
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(SRC).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_string_lossy().to_string();
        if module == "lib" {
            continue;
        }
        // A module split into a directory (`mock/`) is one node: what all its files use.
        let mut uses = BTreeSet::new();
        for file in rust_files(&path) {
            uses.extend(crate_paths(&std::fs::read_to_string(&file).unwrap()));
        }
        graph.insert(
            module.clone(),
            uses.iter()
                .map(|u| node(u))
                .filter(|n| *n != module)
                .collect(),
        );
    }
    let mut generated = BTreeSet::new();
    for file in GENERATED {
        let text = std::fs::read_to_string(format!("{}/{file}.rs", env!("OUT_DIR"))).unwrap();
        generated.extend(crate_paths(&text).iter().map(|u| node(u)));
    }
    // The generated modules' own glue in lib.rs (`pub use crate::operation::..`).
    for item in &lib.items {
        if let syn::Item::Mod(module) = item
            && GENERATED.contains(&module.ident.to_string().as_str())
        {
            let mut glue = CratePaths::default();
            glue.visit_item_mod(module);
            generated.extend(glue.0.iter().map(|u| node(u)));
        }
    }
    generated.remove("generated");
    graph.insert("generated".into(), generated);

    assert_eq!(
        graph["error"],
        BTreeSet::new(),
        "error.rs depends on nothing of the crate"
    );
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        if let Some(cycle) = find_cycle(&graph, start, &mut path) {
            panic!("a dependency circle: {}\n{graph:#?}", cycle.join(" → "));
        }
    }
}

/// `path` itself when it is a file, else every `.rs` file under it.
fn rust_files(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let entry = entry.unwrap().path();
        if entry.is_dir() || entry.extension().is_some_and(|e| e == "rs") {
            files.extend(rust_files(&entry));
        }
    }
    files
}

fn find_cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    let current = path.last().unwrap().clone();
    for next in graph.get(&current).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(next.clone());
            return Some(cycle);
        }
        if !path.contains(next) && graph.contains_key(next) {
            path.push(next.clone());
            if let Some(cycle) = find_cycle(graph, start, path) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}
