//! The vendored spec and the upstream pages it is merged from: `sync` and `check`, offline or
//! from the pages given on the command line (`--live` is in [`crate::live`]).

use crate::diff::{self, Diff};
use crate::fetch;
use crate::manifest::{self, Manifest};
pub use crate::repo::{Repo, UPSTREAM_DIR, VENDORED};
use crate::upstream;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One upstream page: where it came from and its Markdown.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page as messages name it: a snapshot's path from the root, a file as given, a URL.
    pub source: String,
    pub markdown: String,
}

/// Reads the pages named by `sources` (files, or URLs fetched within `timeout`), or, with no
/// sources, every snapshot under `openapi/upstream/` in name order, once the manifest has been
/// found to match them.
pub fn load_pages(repo: &Repo, sources: &[String], timeout: Duration) -> Result<Vec<Page>, String> {
    if sources.is_empty() {
        let (_, names) = manifest::of_snapshots(repo)?;
        if names.is_empty() {
            return Err(format!("{UPSTREAM_DIR} holds no *.md page"));
        }
        return names
            .iter()
            .map(|name| {
                let path = repo.snapshot(name);
                let markdown = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let source = format!("{UPSTREAM_DIR}/{name}");
                Ok(Page { source, markdown })
            })
            .collect();
    }
    let urls: Vec<String> = sources
        .iter()
        .filter(|s| fetch::is_url(s))
        .cloned()
        .collect();
    let mut fetched = fetch::fetch_all(&urls, timeout).into_iter();
    sources
        .iter()
        .map(|source| {
            let markdown = if fetch::is_url(source) {
                let result = fetched.next().expect("one result per URL");
                result.map_err(|e| e.to_string())?
            } else {
                std::fs::read_to_string(source).map_err(|e| format!("cannot read {source}: {e}"))?
            };
            Ok(Page {
                source: source.clone(),
                markdown,
            })
        })
        .collect()
}

/// The OpenAPI document the pages produce; a conflict names the pages or the JSON pointer.
/// Blocks skipped on the way are printed on stderr as notices, for every command alike.
pub fn merge(pages: &[Page]) -> Result<Value, String> {
    if pages.is_empty() {
        return Err("no page to merge".into());
    }
    let merged = upstream::merge_pages_with_notices(
        pages
            .iter()
            .map(|p| (p.source.as_str(), p.markdown.as_str())),
    )
    .map_err(|e| e.to_string())?;
    for notice in &merged.notices {
        eprintln!("notice: {notice}");
    }
    Ok(merged.document)
}

/// A file to write or remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Put(PathBuf, String),
    Remove(PathBuf),
}

/// Performs the writes that change something; returns what they did, as `wrote PATH` or
/// `removed PATH` with paths from the root.
pub fn apply(repo: &Repo, writes: Vec<Write>) -> Result<Vec<String>, String> {
    let shown = |path: &Path| {
        let relative = path.strip_prefix(&repo.root).unwrap_or(path);
        relative.display().to_string()
    };
    let mut done = Vec::new();
    for write in writes {
        match write {
            Write::Put(path, text) => {
                if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
                    continue;
                }
                std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                done.push(format!("wrote {}", shown(&path)));
            }
            Write::Remove(path) => {
                std::fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                done.push(format!("removed {}", shown(&path)));
            }
        }
    }
    Ok(done)
}

/// The write that stores a page fetched from `url` as a snapshot, recording it in the manifest
/// (`taken` moves only when the snapshot's content does).
pub fn store_snapshot(
    repo: &Repo,
    manifest: &mut Manifest,
    url: &str,
    markdown: &str,
) -> Result<Write, String> {
    let name = manifest::snapshot_name(url)?;
    let path = repo.snapshot(&name);
    let changed = std::fs::read_to_string(&path).map_or(true, |old| old != markdown);
    manifest.record(&name, url, changed);
    Ok(Write::Put(path, markdown.to_string()))
}

/// Writes the vendored spec merged from the pages. Pages fetched from URLs are also stored as
/// snapshots under `openapi/upstream/` (named after the URL's last segment) and recorded in the
/// manifest, so `check` offline agrees afterwards. Nothing is written unless every page loads and
/// merges. Returns what it did.
pub fn sync(repo: &Repo, sources: &[String], timeout: Duration) -> Result<Vec<String>, String> {
    let pages = load_pages(repo, sources, timeout)?;
    let text = upstream::to_vendored_text(&merge(&pages)?);
    let mut writes = vec![Write::Put(repo.vendored(), text)];
    let fetched: Vec<&Page> = pages.iter().filter(|p| fetch::is_url(&p.source)).collect();
    if !fetched.is_empty() {
        let mut manifest = manifest::load(repo)?;
        for page in fetched {
            writes.push(store_snapshot(
                repo,
                &mut manifest,
                &page.source,
                &page.markdown,
            )?);
        }
        writes.push(Write::Put(repo.manifest(), manifest.to_text()));
    }
    apply(repo, writes)
}

/// What `check` found.
#[derive(Debug)]
pub enum Checked {
    /// The vendored file is byte for byte what `sync` would write.
    Identical,
    /// It differs; the diff is from the vendored spec (old) to upstream's (new). An empty diff
    /// means only formatting or key order differ.
    Differs(Diff),
}

impl Checked {
    /// 0 identical, 1 formatting or non-breaking changes only, 2 a breaking change.
    pub fn exit_code(&self) -> u8 {
        match self {
            Checked::Identical => 0,
            Checked::Differs(diff) if diff.changes.is_empty() => 1,
            Checked::Differs(diff) => diff.exit_code(),
        }
    }
}

/// Compares the vendored spec with what the pages produce.
pub fn check(repo: &Repo, sources: &[String], timeout: Duration) -> Result<Checked, String> {
    let pages = load_pages(repo, sources, timeout)?;
    compare(repo, &merge(&pages)?)
}

/// Compares the vendored spec with `upstream`, the document the pages produce.
pub fn compare(repo: &Repo, upstream: &Value) -> Result<Checked, String> {
    let path = repo.vendored();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if text == upstream::to_vendored_text(upstream) {
        return Ok(Checked::Identical);
    }
    let vendored: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{VENDORED} is not JSON ({e}); run `cargo xtask spec sync`"))?;
    Ok(Checked::Differs(diff::diff(&vendored, upstream)))
}
