//! `src/` modules (and `cli/src/`'s, the command line's) form a DAG at every level: the top-level modules (a folder is one node) have no
//! import circle, and neither have the files of any folder (`src/mock/`, `src/mock/sandbox/`,
//! ...). A folder's `mod.rs` is its interface: its children may use what it defines, which is no
//! circle. The generated code (`types.rs`, `operations.rs`, `webhooks.rs` in `$OUT_DIR`) counts as
//! part of the module that includes it. `error` depends only on leaves. Unit tests (`tests.rs`
//! files and `#[cfg(test)]` modules) are not part of the structure and may use any module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const CLI_SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/cli/src");

/// A module's path from the crate root: `["mock", "sandbox", "partner"]`.
type ModulePath = Vec<String>;

/// The paths a file's code (not its docs, not its unit tests) names: `crate::a::b` and
/// `super::..::x`, each as its segments.
#[derive(Default)]
struct Paths(BTreeSet<Vec<String>>);

impl<'a> Visit<'a> for Paths {
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
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if matches!(
            segments.first().map(String::as_str),
            Some("crate" | "super")
        ) {
            self.0.insert(segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, used: &'a syn::ItemUse) {
        let mut prefix = Vec::new();
        collect_use(&used.tree, &mut prefix, &mut self.0);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        // Paths inside macro calls (`crate::__private::impl_open_enum!(..)`, `format!` args).
        let tokens = quote::ToTokens::to_token_stream(mac).to_string();
        for start in ["crate ::", "super ::"] {
            for part in tokens.split(start).skip(1) {
                let mut segments = vec![start.trim_end_matches(" ::").to_string()];
                for piece in part.split("::") {
                    let name: String = piece
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if name.is_empty() {
                        break;
                    }
                    segments.push(name);
                    if !piece
                        .trim_end()
                        .ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    {
                        break;
                    }
                }
                self.0.insert(segments);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn collect_use(tree: &syn::UseTree, prefix: &mut Vec<String>, into: &mut BTreeSet<Vec<String>>) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            collect_use(&path.tree, prefix, into);
            prefix.pop();
        }
        syn::UseTree::Name(name) => push_use(prefix, &name.ident.to_string(), into),
        syn::UseTree::Rename(rename) => push_use(prefix, &rename.ident.to_string(), into),
        syn::UseTree::Group(group) => group
            .items
            .iter()
            .for_each(|t| collect_use(t, prefix, into)),
        syn::UseTree::Glob(_) => push_use(prefix, "*", into),
    }
}

fn push_use(prefix: &[String], last: &str, into: &mut BTreeSet<Vec<String>>) {
    if matches!(prefix.first().map(String::as_str), Some("crate" | "super")) {
        let mut path = prefix.to_vec();
        if last != "self" && last != "*" {
            path.push(last.to_string());
        }
        into.insert(path);
    }
}

fn paths_of(text: &str) -> BTreeSet<Vec<String>> {
    let file = syn::parse_file(text).unwrap();
    let mut paths = Paths::default();
    paths.visit_file(&file);
    paths.0
}

/// Every `.rs` file under `root` that is structure (not `lib.rs` or `main.rs`, not a unit test
/// file), by its module path; a `mod.rs` is its folder's module.
fn files(root: &str) -> BTreeMap<ModulePath, PathBuf> {
    fn walk(dir: &Path, module: &ModulePath, into: &mut BTreeMap<ModulePath, PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            let mut child = module.clone();
            if path.is_dir() {
                child.push(name);
                walk(&path, &child, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                match name.as_str() {
                    "lib" | "main" | "tests" => {}
                    "mod" => {
                        into.insert(module.clone(), path);
                    }
                    _ => {
                        child.push(name);
                        into.insert(child, path);
                    }
                }
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(Path::new(root), &Vec::new(), &mut found);
    found
}

/// What the names of a facade re-export: a root name (`crate::Client`, from `lib.rs`) or one of
/// `crate::__private` (the generated code's view of the runtime), by the module it comes from
/// (`["client"]`). Through a facade, a module depends on the re-exported module itself.
fn reexports(root: &str, file: &str) -> BTreeMap<String, ModulePath> {
    let Ok(text) = std::fs::read_to_string(format!("{root}/{file}")) else {
        return BTreeMap::new();
    };
    let lib = syn::parse_file(&text).unwrap();
    let mut found = BTreeMap::new();
    for item in &lib.items {
        if let syn::Item::Use(used) = item {
            let mut names = BTreeSet::new();
            collect_use(&used.tree, &mut vec!["crate".into()], &mut names);
            for path in names {
                if let Some((name, module)) = path.split_last() {
                    found.insert(name.clone(), module[1..].to_vec());
                }
            }
        }
    }
    found
}

/// The module a path names, as the longest prefix that is a module of `src/`.
fn module_named(
    path: &[String],
    referrer: &ModulePath,
    modules: &BTreeMap<ModulePath, PathBuf>,
    reexports: &BTreeMap<String, ModulePath>,
    facade: &BTreeMap<String, ModulePath>,
) -> Option<ModulePath> {
    if let [first, second, name, ..] = path
        && first == "crate"
        && second == "__private"
    {
        return facade
            .get(name)
            .cloned()
            .filter(|module| !module.is_empty());
    }
    let (mut base, rest): (ModulePath, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("super") => {
            let supers = path.iter().take_while(|s| *s == "super").count();
            // From a file, `super` is its folder's module; from a `mod.rs`, the folder's parent.
            let is_folder = modules
                .get(referrer)
                .is_some_and(|file| file.ends_with("mod.rs"));
            let up = supers + usize::from(is_folder);
            (
                referrer[..referrer.len().saturating_sub(up)].to_vec(),
                &path[supers..],
            )
        }
        _ => return None,
    };
    if base.is_empty()
        && let Some(first) = rest.first()
        && !modules.contains_key(&vec![first.clone()])
    {
        return reexports.get(first).cloned();
    }
    for segment in rest {
        let mut next = base.clone();
        next.push(segment.clone());
        if !modules.contains_key(&next) {
            break;
        }
        base = next;
    }
    Some(base)
}

/// The import graphs of the modules under `root` whose crate root is `root_file`, by folder
/// (each folder's children and their edges); panics naming the first import circle found.
fn graphs(root: &str, root_file: &str) -> BTreeMap<ModulePath, BTreeMap<String, BTreeSet<String>>> {
    let modules = files(root);
    let facade = reexports(root, "__private.rs");
    let reexports = reexports(root, root_file);
    // Edges by the folder they are in: (from, to) between children of that folder.
    let mut graphs: BTreeMap<ModulePath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (module, file) in &modules {
        let mut text = std::fs::read_to_string(file).unwrap();
        // The generated code is part of the module that includes it.
        for generated in ["types.rs", "operations.rs", "webhooks.rs"] {
            if text.contains(&format!("/{generated}\"))")) {
                text +=
                    &std::fs::read_to_string(format!("{}/{generated}", env!("OUT_DIR"))).unwrap();
            }
        }
        for path in paths_of(&text) {
            let Some(target) = module_named(&path, module, &modules, &reexports, &facade) else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            // A module and its own folder's module (parent and child): no circle.
            if common == module.len() || common == target.len() {
                continue;
            }
            let graph = graphs.entry(module[..common].to_vec()).or_default();
            graph
                .entry(module[common].clone())
                .or_default()
                .insert(target[common].clone());
            graph.entry(target[common].clone()).or_default();
        }
        // Every module is a node of its folder, with edges or without.
        if let Some((name, folder)) = module.split_last() {
            graphs
                .entry(folder.to_vec())
                .or_default()
                .entry(name.clone())
                .or_default();
        }
    }
    for (folder, graph) in &graphs {
        for start in graph.keys() {
            let mut path = vec![start.clone()];
            if let Some(cycle) = find_cycle(graph, start, &mut path) {
                panic!(
                    "an import circle in {root}/{}: {}\n{graph:#?}",
                    folder.join("/"),
                    cycle.join(" → ")
                );
            }
        }
    }
    graphs
}

#[test]
fn src_modules_form_a_dag_at_every_level_with_error_over_leaves_only() {
    let graphs = graphs(SRC, "lib.rs");
    let top = &graphs[&Vec::new()];
    for dependency in &top["error"] {
        assert_eq!(
            top[dependency],
            BTreeSet::new(),
            "error depends on `{dependency}`, which is no leaf"
        );
    }
    // The structure is there to be checked: the folders and what they hold.
    for folder in [
        "call",
        "client",
        "error",
        "mock",
        "webhooks",
        "onboarding",
        "table",
    ] {
        assert!(top.contains_key(folder), "{folder}: {top:#?}");
    }
    assert!(graphs[&vec!["mock".to_string()]].contains_key("sandbox"));
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

#[test]
fn the_command_lines_modules_form_a_dag_at_every_level() {
    let graphs = graphs(CLI_SRC, "main.rs");
    let top = &graphs[&Vec::new()];
    for folder in ["api", "webhook", "exit", "client"] {
        assert!(top.contains_key(folder), "{folder}: {top:#?}");
    }
    assert!(graphs[&vec!["webhook".to_string()]].contains_key("listen"));
}
