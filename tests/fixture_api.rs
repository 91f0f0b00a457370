//! The crate built from upstream-shaped pages of the rest of the Partner API: the fixture pages
//! under `tests/fixtures/pages/` (modelled on 360dialog's reference pages, with our own values)
//! go through the real pipeline in a scratch copy of this crate: `cargo xtask spec sync` merges
//! them (skipping an example payload with a notice, taking one page under two slugs, a page
//! without the index header line, a block of 3.1 `webhooks` without `paths`), the build script
//! generates the client, `tests/fixtures/api/calls.rs` calls every fixture operation against a
//! local server, asserting the request on the wire and the decoded value, and clippy finds
//! nothing in the generated code.
//!
//! The scratch crate is renamed (`d360-partner-fixtures`, library still `d360_partner`) so it
//! shares this repository's target directory for dependencies without touching this crate's own
//! build output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// A cold build of the scratch crate (its dependencies are already built) takes about a minute
/// on 2 cores; the bound is for a hung build.
const BUILD_TIMEOUT: Duration = Duration::from_secs(1200);
/// The tests `calls.rs` holds; a run with fewer did not run them all.
const CALL_TESTS: usize = 13;

#[test]
fn the_rest_of_the_api_goes_through_sync_build_and_calls() {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-api");
    let _ = std::fs::remove_dir_all(&scratch);
    copy_crate(&scratch);

    // sync: the real tool, on the scratch copy's snapshots.
    let sync = run(&mut xtask_spec("sync", &scratch));
    assert!(
        sync.status.success(),
        "sync failed:\n{}",
        text(&sync.stderr)
    );
    assert!(
        text(&sync.stderr).contains(
            "notice: openapi/upstream/webhook-management.md block 4 (line 31): not an OpenAPI document, skipped"
        ),
        "{}",
        text(&sync.stderr)
    );
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(scratch.join("openapi/partners-v2.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(spec["paths"].as_object().unwrap().len(), 10);
    let webhooks: Vec<&String> = spec["webhooks"].as_object().unwrap().keys().collect();
    assert_eq!(webhooks.len(), 3, "{webhooks:?}");
    let check = run(&mut xtask_spec("check", &scratch));
    assert!(
        check.status.success(),
        "the synced spec does not pass check:\n{}",
        text(&check.stdout)
    );

    // build and call: the generated client against local servers.
    let calls = run(cargo()
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", Path::new(ROOT).join("target"))
        .args(["test", "--test", "calls", "--", "--test-threads", "4"]));
    let stdout = text(&calls.stdout);
    assert!(
        calls.status.success(),
        "the fixture client failed:\n{stdout}\n{}",
        text(&calls.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "test result: ok. {CALL_TESTS} passed; 0 failed; 0 ignored"
        )),
        "{stdout}"
    );

    // The code generated for the richer pages is as lint-clean as the vendored spec's.
    let clippy = run(cargo()
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", Path::new(ROOT).join("target"))
        .args([
            "clippy",
            "--all-targets",
            "--features",
            "mock",
            "--",
            "-D",
            "warnings",
        ]));
    assert!(
        clippy.status.success(),
        "clippy on the fixture client:\n{}",
        text(&clippy.stderr)
    );
}

/// What the crate's build reads, into `scratch`, with the fixture pages as its snapshots.
fn copy_crate(scratch: &Path) {
    for dir in ["src", "codegen"] {
        copy_dir(&Path::new(ROOT).join(dir), &scratch.join(dir));
    }
    for file in ["build.rs", "README.md", "Cargo.lock"] {
        std::fs::copy(Path::new(ROOT).join(file), scratch.join(file)).unwrap();
    }
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    std::fs::write(scratch.join("Cargo.toml"), scratch_manifest(&manifest)).unwrap();
    let upstream = scratch.join("openapi/upstream");
    std::fs::create_dir_all(&upstream).unwrap();
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(Path::new(ROOT).join("tests/fixtures/pages")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        std::fs::copy(&path, upstream.join(&name)).unwrap();
        pages.push(name);
    }
    pages.sort();
    let reference = "https://docs.360dialog.com/partner/partner-api/api-reference/";
    let entries: serde_json::Map<String, serde_json::Value> = pages
        .iter()
        .map(|page| {
            (page.clone(), serde_json::json!({"url": format!("{reference}{page}"), "taken": "2026-12-01T00:00:00Z"}))
        })
        .collect();
    let index = serde_json::json!({"index": "https://docs.360dialog.com/partner/llms.txt", "reference": reference, "pages": entries});
    std::fs::write(
        upstream.join("manifest.json"),
        serde_json::to_string_pretty(&index).unwrap(),
    )
    .unwrap();
    // sync writes the spec; the build needs a file there to start from.
    std::fs::write(scratch.join("openapi/partners-v2.json"), "{}").unwrap();
    std::fs::create_dir_all(scratch.join("tests")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("tests/fixtures/api/calls.rs"),
        scratch.join("tests/calls.rs"),
    )
    .unwrap();
}

/// This crate's manifest for the scratch copy: renamed package (same library name), a workspace
/// of its own, no benchmarks.
fn scratch_manifest(manifest: &str) -> String {
    let mut out = manifest
        .replacen("name = \"d360-partner\"", "name = \"d360-partner-fixtures\"", 1)
        .replace(
            "d360-partner = { path = \".\", features = [\"mock\"] }",
            "d360_partner = { path = \".\", package = \"d360-partner-fixtures\", features = [\"mock\"] }",
        )
        .replace("members = [\".\", \"xtask\"]", "members = [\".\"]");
    let bench = out
        .find("[[bench]]")
        .expect("the manifest declares the benchmark");
    let end = out[bench..].find("\n\n").map_or(out.len(), |n| bench + n);
    out.replace_range(bench..end, "");
    out.push_str("\n[lib]\nname = \"d360_partner\"\n");
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// `cargo xtask spec <command> --root <scratch>`, this repository's tool on the scratch copy.
fn xtask_spec(command: &str, scratch: &Path) -> Command {
    let mut xtask = cargo();
    xtask
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "spec",
            command,
            "--root",
        ])
        .arg(scratch);
    xtask
}

fn cargo() -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(ROOT);
    command
}

/// Runs `command` to completion within [`BUILD_TIMEOUT`], killing it by PID otherwise. Its
/// output is read as it comes, so a chatty build never blocks on a full pipe.
fn run(command: &mut Command) -> Output {
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cargo starts");
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(BUILD_TIMEOUT) {
        Ok(output) => output.expect("cargo ran"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("{command:?} did not finish within {BUILD_TIMEOUT:?}; killed");
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
