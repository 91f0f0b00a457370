//! The vendored spec and the upstream pages it is merged from: `sync` and `check`.

use crate::diff::{self, Diff};
use crate::fetch;
use crate::upstream;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The vendored spec, relative to the repository root.
pub const VENDORED: &str = "openapi/partners-v2.json";
/// The snapshots of the upstream pages, relative to the repository root.
pub const UPSTREAM_DIR: &str = "openapi/upstream";

/// A repository checkout: where the vendored spec and the page snapshots live.
#[derive(Debug, Clone)]
pub struct Repo {
    pub root: PathBuf,
}

impl Repo {
    /// This repository (the parent of the `xtask` crate), so the tool works from any directory.
    pub fn this() -> Repo {
        Repo {
            root: Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("xtask lives in the repository")
                .to_path_buf(),
        }
    }

    pub fn vendored(&self) -> PathBuf {
        self.root.join(VENDORED)
    }

    pub fn upstream_dir(&self) -> PathBuf {
        self.root.join(UPSTREAM_DIR)
    }
}

/// One upstream page: where it came from and its Markdown.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file path or URL, as given.
    pub source: String,
    pub markdown: String,
}

/// Reads the pages named by `sources` (files, or URLs fetched within `timeout`), or, with no
/// sources, every `*.md` snapshot under `openapi/upstream/` in name order.
pub fn load_pages(repo: &Repo, sources: &[String], timeout: Duration) -> Result<Vec<Page>, String> {
    let sources: Vec<String> = if sources.is_empty() {
        snapshot_paths(repo)?
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    } else {
        sources.to_vec()
    };
    sources
        .into_iter()
        .map(|source| {
            let markdown = if fetch::is_url(&source) {
                fetch::fetch(&source, timeout)?
            } else {
                std::fs::read_to_string(&source)
                    .map_err(|e| format!("cannot read {source}: {e}"))?
            };
            Ok(Page { source, markdown })
        })
        .collect()
}

fn snapshot_paths(repo: &Repo) -> Result<Vec<PathBuf>, String> {
    let dir = repo.upstream_dir();
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(format!("{} holds no *.md page", dir.display()));
    }
    Ok(found)
}

/// The OpenAPI document the pages produce; a conflict names the page or the JSON pointer.
pub fn merge(pages: &[Page]) -> Result<Value, String> {
    upstream::merge_pages(
        pages
            .iter()
            .map(|p| (p.source.as_str(), p.markdown.as_str())),
    )
    .map_err(|e| e.to_string())
}

/// Writes the vendored spec merged from the pages. Pages fetched from URLs are also stored as
/// snapshots under `openapi/upstream/` (named after the URL's last segment), so `check` offline
/// agrees afterwards. Nothing is written unless every page loads and merges. Returns what it wrote.
pub fn sync(repo: &Repo, sources: &[String], timeout: Duration) -> Result<Vec<PathBuf>, String> {
    let pages = load_pages(repo, sources, timeout)?;
    let text = upstream::to_vendored_text(&merge(&pages)?);
    let mut writes = vec![(repo.vendored(), text)];
    for page in pages.iter().filter(|p| fetch::is_url(&p.source)) {
        let name = snapshot_name(&page.source)?;
        writes.push((repo.upstream_dir().join(name), page.markdown.clone()));
    }
    for (path, text) in &writes {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(writes.into_iter().map(|(path, _)| path).collect())
}

/// `https://…/partner-management.md` → `partner-management.md` (a query or fragment dropped,
/// `.md` added when missing).
fn snapshot_name(url: &str) -> Result<String, String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let valid = !last.is_empty() && !last.contains(':') && last != "..";
    if !valid {
        return Err(format!(
            "cannot name a snapshot after {url}: it has no page name"
        ));
    }
    Ok(if last.ends_with(".md") {
        last.to_string()
    } else {
        format!("{last}.md")
    })
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

/// Compares the vendored spec with what the pages produce.
pub fn check(repo: &Repo, sources: &[String], timeout: Duration) -> Result<Checked, String> {
    let pages = load_pages(repo, sources, timeout)?;
    let upstream = merge(&pages)?;
    let path = repo.vendored();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if text == upstream::to_vendored_text(&upstream) {
        return Ok(Checked::Identical);
    }
    let vendored: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{VENDORED} is not JSON ({e}); run `cargo xtask spec sync`"))?;
    Ok(Checked::Differs(diff::diff(&vendored, &upstream)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_are_named_after_the_page() {
        assert_eq!(
            snapshot_name(
                "https://docs.360dialog.com/partner/api-reference/partner-management.md?x=1"
            )
            .unwrap(),
            "partner-management.md"
        );
        assert_eq!(
            snapshot_name("http://127.0.0.1:1/channels").unwrap(),
            "channels.md"
        );
        assert!(snapshot_name("http://127.0.0.1:1").is_err());
    }
}
