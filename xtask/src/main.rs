//! Project tooling: `cargo xtask spec <sync|check>`.
//!
//! `sync` rewrites `openapi/partners-v2.json` from the upstream pages under `openapi/upstream/`;
//! `check` exits non-zero when the vendored file differs from what those pages produce.

mod bench;
#[path = "../../codegen/upstream.rs"]
mod upstream;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const VENDORED: &str = "openapi/partners-v2.json";
const UPSTREAM_DIR: &str = "openapi/upstream";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["spec", "sync", pages @ ..] => sync(pages),
        ["spec", "check", pages @ ..] => check(pages),
        ["bench", options @ ..] => bench::main(options),
        _ => Err("usage: cargo xtask spec <sync|check> [PAGE.md...]".into()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The repository root (the parent of this crate), so the tool works from any directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

/// The upstream pages: those named on the command line, else every `*.md` under `openapi/upstream`.
fn pages(named: &[&str]) -> Result<Vec<(String, String)>, String> {
    let paths: Vec<PathBuf> = if named.is_empty() {
        let dir = root().join(UPSTREAM_DIR);
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        found.sort();
        found
    } else {
        named.iter().map(PathBuf::from).collect()
    };
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok((path.display().to_string(), text))
        })
        .collect()
}

fn merged(named: &[&str]) -> Result<serde_json::Value, String> {
    let pages = pages(named)?;
    upstream::merge_pages(pages.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| e.to_string())
}

fn sync(named: &[&str]) -> Result<ExitCode, String> {
    let text = upstream::to_vendored_text(&merged(named)?);
    let path = root().join(VENDORED);
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {VENDORED}");
    Ok(ExitCode::SUCCESS)
}

fn check(named: &[&str]) -> Result<ExitCode, String> {
    let expected = merged(named)?;
    let path = root().join(VENDORED);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let vendored: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{VENDORED} is not JSON: {e}"))?;
    if vendored == expected {
        println!("{VENDORED} equals the merge of the upstream pages");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{VENDORED} differs from the merge of the upstream pages; run `cargo xtask spec sync`"
        );
        Ok(ExitCode::from(1))
    }
}
