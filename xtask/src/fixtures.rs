//! `cargo xtask fixture-crate DIR`: this workspace with the fixture pages (`tests/fixtures/pages/`,
//! modelled on the rest of the Partner API reference) as its upstream snapshots, merged by the
//! real `sync` into its spec. The tests build the client (and the command line) from it, and the
//! pagination benchmark runs on it, since the vendored page has no list operation.
//!
//! Its README is the repository's ARCHITECTURE.md, whose examples the vendored spec cannot run
//! (the list operations') run as its doctests.
//!
//! The copy keeps the workspace's shape (the library, renamed `d360-partner-fixtures` with the
//! library name `d360_partner`, and every other member) and its `Cargo.lock`, so that a build of
//! it resolves every dependency with the features the repository's own build uses: with the
//! repository's target directory, it compiles only its own crates. The `xtask` member is a
//! stand-in with the real manifest and an empty program; the `examples` member one with the real
//! dependencies and an empty library. Its tests are found by Cargo as files of `tests/` (the
//! repository links its own as one binary per package, which the fixture tests are not).

use crate::files::{self, copy, fresh_dir, read};
use crate::spec::{self, Repo};
use std::path::Path;

/// Where the fixture pages, the calls run against the fixture client and the pagination
/// benchmark live in the repository.
const PAGES: &str = "tests/fixtures/pages";
const TESTS: &str = "tests/fixtures/api";
const CLI_TESTS: &str = "tests/fixtures/cli";
const BENCH: &str = "tests/fixtures/bench/pagination";
/// The median the request benchmark computes, which the pagination benchmark shares.
const MEDIAN: &str = "benches/request/median.rs";
/// The URL prefix the manifest records for the fixture pages (as the real pages have it).
const REFERENCE: &str = "https://docs.360dialog.com/partner/partner-api/api-reference/";

/// Writes the fixture workspace of the repository at `root` into `dir` (emptied first) and syncs
/// its spec from the fixture pages; returns what `sync` did.
pub fn write(root: &Path, dir: &Path) -> Result<Vec<String>, String> {
    fresh_dir(dir)?;
    for part in ["src", "codegen", "build.rs", "Cargo.lock", "cli/src"] {
        copy(&root.join(part), &dir.join(part))?;
    }
    // The command line over the fixture client, with the fixture tests of its commands (its own
    // tests are written for the vendored operations) and the process runner both use.
    // Its binary is renamed too: both workspaces share the target directory, where a build of
    // the fixture `d360` would replace the repository's.
    let cli = read(&root.join("cli/Cargo.toml"))?;
    let cli = renamed_library(&cli).replacen("name = \"d360\"", "name = \"d360-fixtures\"", 1);
    files::write(&dir.join("cli/Cargo.toml"), discovered_tests(&cli))?;
    copy(&root.join(CLI_TESTS), &dir.join("cli/tests"))?;
    copy(
        &root.join("cli/tests/common"),
        &dir.join("cli/tests/common"),
    )?;
    // The fixture crate's documentation (its lib.rs includes `README.md`) is ARCHITECTURE.md,
    // whose list examples need the fixture client's list operations.
    let architecture = read(&root.join("ARCHITECTURE.md"))?;
    files::write(&dir.join("README.md"), fixture_readme(&architecture))?;
    let manifest = read(&root.join("Cargo.toml"))?;
    files::write(&dir.join("Cargo.toml"), fixture_manifest(&manifest)?)?;
    let xtask = read(&root.join("xtask/Cargo.toml"))?;
    files::write(
        &dir.join("xtask/Cargo.toml"),
        discovered_tests(&renamed_library(&xtask)),
    )?;
    files::write(
        &dir.join("xtask/src/main.rs"),
        "//! Stands in for the repository's xtask, so that this workspace resolves dependency\n\
         //! features as the repository's does and reuses its compiled dependencies.\n\
         fn main() {}\n",
    )?;
    let examples = read(&root.join("examples/Cargo.toml"))?;
    files::write(
        &dir.join("examples/Cargo.toml"),
        examples_stand_in(&examples)?,
    )?;
    files::write(
        &dir.join("examples/lib.rs"),
        "//! Stands in for the repository's examples (written for the vendored operations), so\n\
         //! that this workspace resolves dependency features as the repository's does.\n",
    )?;
    copy(&root.join(TESTS), &dir.join("tests"))?;
    copy(&root.join(BENCH), &dir.join("benches/pagination"))?;
    copy(
        &root.join(MEDIAN),
        &dir.join("benches/pagination/median.rs"),
    )?;

    let upstream = dir.join(spec::UPSTREAM_DIR);
    copy(&root.join(PAGES), &upstream)?;
    let repo = Repo {
        root: dir.to_path_buf(),
    };
    let pages = repo.snapshot_names()?;
    let entries: serde_json::Map<String, serde_json::Value> = pages
        .iter()
        .map(|page| {
            let entry = serde_json::json!({"url": format!("{REFERENCE}{page}"), "taken": "2026-12-01T00:00:00Z"});
            (page.clone(), entry)
        })
        .collect();
    let index = serde_json::json!({
        "index": "https://docs.360dialog.com/partner/llms.txt",
        "reference": REFERENCE,
        "pages": entries,
    });
    let index = serde_json::to_string_pretty(&index).map_err(|e| e.to_string())?;
    files::write(&upstream.join("manifest.json"), &index)?;
    spec::sync(&repo, &[], crate::fetch::DEFAULT_TIMEOUT)
}

/// The repository's manifest for the fixture workspace: the package renamed (same library
/// name, so the tests and the command line compile unchanged), the benchmarks (which live in the
/// repository) replaced by the pagination one.
fn fixture_manifest(manifest: &str) -> Result<String, String> {
    let mut out = renamed_library(&manifest.replacen(
        "name = \"d360-partner\"",
        "name = \"d360-partner-fixtures\"",
        1,
    ));
    if !out.contains("[[bench]]") {
        return Err("the manifest declares no benchmark".into());
    }
    out = discovered_tests(&without_tables(&out, "[[bench]]"));
    out.push_str("\n[[bench]]\nname = \"pagination\"\nharness = false\n");
    out.push_str("\n[lib]\nname = \"d360_partner\"\n");
    Ok(out)
}

/// A manifest whose integration tests Cargo finds as the files of `tests/`: without
/// `autotests = false` and the `[[test]]` targets (the repository's test files are not copied).
fn discovered_tests(manifest: &str) -> String {
    without_tables(manifest, "[[test]]").replace("\nautotests = false\n", "\n")
}

/// The examples' manifest for their stand-in: the library renamed, the examples (written for
/// the vendored operations) replaced by an empty library.
fn examples_stand_in(manifest: &str) -> Result<String, String> {
    if !manifest.contains("[[example]]") {
        return Err("examples/Cargo.toml declares no example".into());
    }
    let mut out = renamed_library(&without_tables(manifest, "[[example]]"));
    out.push_str("\n[lib]\npath = \"lib.rs\"\n");
    Ok(out)
}

/// `manifest` without its `header` tables (`[[bench]]`, `[[test]]`...): each from the comment
/// lines right above it to the next blank line or table.
fn without_tables(manifest: &str, header: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut skipping = false;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed == header {
            while out.last().is_some_and(|l| l.trim_start().starts_with('#')) {
                out.pop();
            }
            skipping = true;
            continue;
        }
        if skipping && (trimmed.is_empty() || trimmed.starts_with('[')) {
            skipping = false;
        }
        if !skipping {
            out.push(line);
        }
    }
    out.concat()
}

/// ARCHITECTURE.md as the fixture client's documentation, whose examples are its doctests: the
/// examples the vendored spec cannot run (` ```rust,ignore `, the list operations') run, any
/// other Rust block is ignored.
fn fixture_readme(readme: &str) -> String {
    let mut out = String::with_capacity(readme.len());
    let mut in_block = false;
    for line in readme.split_inclusive('\n') {
        let fence = line.trim_end();
        let swapped = match fence {
            _ if in_block => None,
            "```rust,ignore" => Some("```rust\n"),
            "```" => Some("```ignore\n"),
            rust if rust.starts_with("```rust") => Some("```ignore\n"),
            _ => None,
        };
        if fence.starts_with("```") {
            in_block = !in_block;
        }
        out.push_str(swapped.unwrap_or(line));
    }
    out
}

/// A manifest whose path dependencies on the library (`d360-partner = { path = ".." ..`) name
/// the renamed fixture package instead, under the same crate name.
fn renamed_library(manifest: &str) -> String {
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        match line.strip_prefix("d360-partner = { path = ") {
            Some(rest) => out.push_str(&format!(
                "d360_partner = {{ package = \"d360-partner-fixtures\", path = {rest}"
            )),
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_benchmark_of_the_repository_gives_way_to_the_pagination_one() {
        let manifest = "[package]\nname = \"d360-partner\"\n\n[[bench]]\nname = \"request\"\nharness = false\n\n# why\n[[bench]]\nname = \"webhook\"\nharness = false\n\n[workspace]\n";
        let fixture = fixture_manifest(manifest).unwrap();
        assert_eq!(fixture.matches("[[bench]]").count(), 1, "{fixture}");
        assert!(fixture.contains("[[bench]]\nname = \"pagination\"\nharness = false\n"));
        assert!(
            !fixture.contains("request") && !fixture.contains("webhook"),
            "{fixture}"
        );
        assert!(fixture.starts_with("[package]\nname = \"d360-partner-fixtures\""));
    }

    #[test]
    fn the_fixture_tests_are_found_as_files_of_tests() {
        let manifest = "[package]\nname = \"d360-partner\"\nautoexamples = false\nautotests = false\n\n[[bench]]\nname = \"request\"\n\n# one binary\n[[test]]\nname = \"integration\"\npath = \"tests/main.rs\"\n\n# its own process\n[[test]]\nname = \"secrets\"\npath = \"tests/secrets.rs\"\n[workspace]\nmembers = [\".\"]\n";
        let fixture = fixture_manifest(manifest).unwrap();
        assert_eq!(
            fixture,
            "[package]\nname = \"d360-partner-fixtures\"\nautoexamples = false\n\n\n\n[workspace]\nmembers = [\".\"]\n\n[[bench]]\nname = \"pagination\"\nharness = false\n\n[lib]\nname = \"d360_partner\"\n"
        );
    }

    #[test]
    fn the_examples_stand_in_keeps_the_dependencies_and_no_example() {
        let manifest = "[package]\nname = \"d360-partner-examples\"\n\n[dependencies]\nd360-partner = { path = \"..\", features = [\"mock\"] }\naxum = \"0.8\"\n\n# the quickstart\n[[example]]\nname = \"quickstart\"\npath = \"quickstart.rs\"\n";
        assert_eq!(
            examples_stand_in(manifest).unwrap(),
            "[package]\nname = \"d360-partner-examples\"\n\n[dependencies]\nd360_partner = { package = \"d360-partner-fixtures\", path = \"..\", features = [\"mock\"] }\naxum = \"0.8\"\n\n\n[lib]\npath = \"lib.rs\"\n"
        );
        assert!(examples_stand_in("[package]\n").is_err());
    }

    #[test]
    fn path_dependencies_on_the_library_name_the_fixture_package() {
        let manifest = "[dependencies]\nd360-partner = { path = \"..\", version = \"0.1.0\" }\nd360-partner-x = \"1\"\n";
        assert_eq!(
            renamed_library(manifest),
            "[dependencies]\nd360_partner = { package = \"d360-partner-fixtures\", path = \"..\", version = \"0.1.0\" }\nd360-partner-x = \"1\"\n"
        );
    }

    #[test]
    fn the_readme_runs_the_examples_the_vendored_spec_cannot() {
        let readme = "a\n```sh\ncargo test\n```\n```\nvendored();\n```\n```rust\nalso();\n```\n\
             ```rust,no_run\nmain();\n```\n```rust,ignore\nlists();\n```\n";
        assert_eq!(
            fixture_readme(readme),
            "a\n```sh\ncargo test\n```\n```ignore\nvendored();\n```\n```ignore\nalso();\n```\n\
             ```ignore\nmain();\n```\n```rust\nlists();\n```\n"
        );
    }
}
