//! The crate built from upstream-shaped pages of the rest of the Partner API: the fixture pages
//! under `tests/fixtures/pages/` (modelled on 360dialog's reference pages, with our own values)
//! go through the real pipeline in the fixture workspace that `cargo xtask fixture-crate` writes:
//! its `sync` merges them (skipping an example payload with a notice, taking one page under two
//! slugs, a page without the index header line, a block of 3.1 `webhooks` without `paths`), the
//! build script generates the client, `tests/fixtures/api/calls.rs` calls every fixture
//! operation and `tests/fixtures/api/pages.rs` walks every list against local servers, asserting
//! the requests on the wire and the decoded values, and the command line runs every operation.
//! (`.ci/run` lints the generated code of the fixture workspace, after the workspace's own clippy
//! has checked the dependencies it reuses.)
//!
//! The fixture workspace has this one's members and `Cargo.lock`, so with this repository's
//! target directory it compiles only its own crates, not the dependencies again.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// A build of the fixture crate (its dependencies are already built) takes under a minute on 2
/// cores; the bound is for a hung build.
const BUILD_TIMEOUT: Duration = Duration::from_secs(1200);
/// The tests each file of `tests/fixtures/api/` and `tests/fixtures/cli/` holds (no two alike,
/// so each file's result line is found by its count); a run with fewer did not run them all.
const TESTS: [(&str, usize); 3] = [("calls", 13), ("pages", 16), ("fixture_cli", 5)];
/// ARCHITECTURE.md's examples marked ` ```rust,ignore ` (they need a list operation), which run
/// as the fixture client's doctests.
const README_LIST_EXAMPLES: usize = 2;

#[test]
fn the_rest_of_the_api_goes_through_sync_build_and_calls() {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-api");
    // sync: the real tool writes the workspace and merges the pages.
    let sync = run(xtask().arg("fixture-crate").arg(&scratch));
    assert!(
        sync.status.success(),
        "fixture-crate failed:\n{}",
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

    // build and call: the generated client and command line against local servers, in one
    // build (so the dependencies' features resolve as this workspace's do).
    let mut test = cargo();
    test.current_dir(&scratch)
        .env("CARGO_TARGET_DIR", Path::new(ROOT).join("target"))
        .args(["test", "--workspace"]);
    for (file, _) in TESTS {
        test.args(["--test", file]);
    }
    let calls = run(test.args(["--", "--test-threads", "4"]));
    let stdout = text(&calls.stdout);
    assert!(
        calls.status.success(),
        "the fixture client failed:\n{stdout}\n{}",
        text(&calls.stderr)
    );
    let results: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("test result:"))
        .collect();
    assert_eq!(results.len(), TESTS.len(), "{stdout}");
    for (file, count) in TESTS {
        assert!(
            results.iter().any(|r| r.starts_with(&format!(
                "test result: ok. {count} passed; 0 failed; 0 ignored"
            ))),
            "tests/fixtures/.../{file}.rs did not run its {count} tests:\n{stdout}"
        );
    }

    // ARCHITECTURE.md's examples that need a list operation, as doctests of the fixture client
    // (whose README.md it is).
    let doctests = run(cargo()
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", Path::new(ROOT).join("target"))
        // `--workspace`, as every build here: selecting one package would resolve the
        // dependencies' features differently and build them again.
        .args(["test", "--workspace", "--doc", "--", "README.md"]));
    let stdout = text(&doctests.stdout);
    assert!(
        doctests.status.success()
            && stdout.contains(&format!(
                "test result: ok. {README_LIST_EXAMPLES} passed; 0 failed"
            )),
        "ARCHITECTURE.md's list examples on the fixture client:\n{stdout}\n{}",
        text(&doctests.stderr)
    );
}

/// `cargo xtask spec <command> --root <scratch>`, this repository's tool on the scratch copy.
fn xtask_spec(command: &str, scratch: &Path) -> Command {
    let mut xtask = xtask();
    xtask.args(["spec", command, "--root"]).arg(scratch);
    xtask
}

/// This repository's tool, as `cargo test --workspace` builds it (for its own tests): after that
/// command, finding it builds nothing, where `cargo run --package xtask` would build it (and
/// the dependencies whose features differ) again for the tool alone.
fn xtask() -> Command {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let binary = BINARY.get_or_init(|| {
        let built = run(cargo().args(["test", "--workspace", "--no-run", "--message-format=json"]));
        assert!(built.status.success(), "{}", text(&built.stderr));
        common::reported_executable(&text(&built.stdout), "xtask")
            .expect("cargo reports the xtask executable")
    });
    let mut command = Command::new(binary);
    command.current_dir(ROOT);
    command
}

/// Cargo in this repository, without what `cargo test` set for this test (see
/// [`common::cargo_test_variables`]).
fn cargo() -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(ROOT);
    for variable in common::cargo_test_variables() {
        command.env_remove(variable);
    }
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
