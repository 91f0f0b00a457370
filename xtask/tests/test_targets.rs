//! Every package of the workspace that turns Cargo's test discovery off (`autotests = false`, so
//! that its integration tests link as one binary) still compiles every file of its `tests/`:
//! each is a `[[test]]` target of its manifest or a module (`mod name;`) of one. A file in
//! neither would never be compiled, and its tests never run, without a word.

use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The workspace's members, as the root manifest lists them.
fn members() -> Vec<PathBuf> {
    let manifest = read(&Path::new(ROOT).join("Cargo.toml"));
    let line = manifest
        .lines()
        .find(|l| l.starts_with("members = ["))
        .expect("the root manifest lists the workspace's members on one line");
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(|member| Path::new(ROOT).join(member))
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `path`s of the manifest's `[[test]]` targets.
fn test_target_paths(manifest: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut in_test = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_test = line == "[[test]]";
        } else if in_test && let Some(path) = line.strip_prefix("path = ") {
            paths.push(path.trim_matches('"').to_string());
        }
    }
    paths
}

/// The names of the file modules `source` declares (`mod name;`).
fn declared_modules(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mod ")?.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_file_of_tests_is_a_test_target_or_a_module_of_one() {
    let mut checked = 0;
    for package in members() {
        let manifest = read(&package.join("Cargo.toml"));
        if !manifest.lines().any(|l| l.trim() == "autotests = false") {
            continue;
        }
        let targets = test_target_paths(&manifest);
        assert!(!targets.is_empty(), "{}: no [[test]]", package.display());
        let mut compiled = Vec::new();
        for target in &targets {
            let file = Path::new(target);
            assert!(
                file.parent() == Some(Path::new("tests")),
                "{}: [[test]] {target} is not a file of tests/",
                package.display()
            );
            compiled.push(file.file_stem().unwrap().to_string_lossy().into_owned());
            let modules = declared_modules(&read(&package.join(file)));
            for module in modules {
                assert!(
                    !targets.contains(&format!("tests/{module}.rs")),
                    "{}: tests/{module}.rs is a [[test]] and a module of {target}: it would be compiled twice",
                    package.display()
                );
                compiled.push(module);
            }
        }
        let entries = std::fs::read_dir(package.join("tests")).unwrap();
        for entry in entries.map(Result::unwrap) {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(
                    compiled.contains(&name),
                    "{} is never compiled (`autotests = false`): declare it with `mod {name};` in {}",
                    path.display(),
                    package.join(&targets[0]).display()
                );
                checked += 1;
            }
        }
    }
    // The root's, the command line's and this tool's test files.
    assert!(checked >= 25, "only {checked} test files checked");
}
