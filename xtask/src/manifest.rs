//! `openapi/upstream/manifest.json`: for every snapshot, the page it was taken from and when;
//! and where `--live` looks for pages that are not vendored yet.
//!
//! ```json
//! {
//!   "index": "https://docs.360dialog.com/partner/llms.txt",
//!   "reference": "https://docs.360dialog.com/partner/partner-api/api-reference/",
//!   "pages": {
//!     "partner-management.md": {
//!       "url": "https://docs.360dialog.com/partner/partner-api/api-reference/partner-management.md",
//!       "taken": "2026-11-23T20:01:47Z"
//!     }
//!   }
//! }
//! ```
//!
//! `pages` is keyed by the snapshot's file name under `openapi/upstream/`, which is the last
//! segment of its URL. URLs are used as they are (tests point them at 127.0.0.1).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::SystemTime;

pub use crate::repo::MANIFEST;
use crate::repo::{Repo, UPSTREAM_DIR};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The documentation index (`llms.txt`) that lists every page of the documentation.
    pub index: String,
    /// The URL prefix of the API reference pages in the index: those not vendored are news.
    pub reference: String,
    /// Snapshot file name → where it came from.
    pub pages: BTreeMap<String, Entry>,
}

/// Where one snapshot came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The page's URL, in its `.md` form.
    pub url: String,
    /// When the snapshot's content was fetched: RFC 3339, UTC, e.g. `2026-11-23T20:01:47Z`.
    pub taken: String,
}

impl Manifest {
    /// Parses a manifest and checks every field; all problems are listed in one error.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let manifest: Manifest =
            serde_json::from_str(text).map_err(|e| format!("{MANIFEST} is not a manifest: {e}"))?;
        let mut problems = Vec::new();
        if !crate::fetch::is_url(&manifest.index) {
            problems.push(format!(
                "`index` {:?} is not an http(s) URL",
                manifest.index
            ));
        }
        if !crate::fetch::is_url(&manifest.reference) || !manifest.reference.ends_with('/') {
            problems.push(format!(
                "`reference` {:?} is not an http(s) URL ending with `/`",
                manifest.reference
            ));
        }
        for (file, entry) in &manifest.pages {
            match snapshot_name(&entry.url) {
                Err(e) => problems.push(format!("{file}: {e}")),
                Ok(name) if name != *file => problems.push(format!(
                    "{file}: its URL {} names the snapshot {name}",
                    entry.url
                )),
                Ok(_) => {}
            }
            if humantime::parse_rfc3339(&entry.taken).is_err() {
                problems.push(format!(
                    "{file}: `taken` {:?} is not an RFC 3339 UTC time such as 2026-11-23T20:01:47Z",
                    entry.taken
                ));
            }
        }
        if problems.is_empty() {
            Ok(manifest)
        } else {
            Err(format!("{MANIFEST}:\n  {}", problems.join("\n  ")))
        }
    }

    /// The manifest as the repository stores it: two-space indented, pages in name order, one
    /// final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest serializes");
        text.push('\n');
        text
    }

    /// Fails unless the manifest has exactly one entry per snapshot file (names under
    /// `openapi/upstream/`), naming every snapshot without an entry and every entry without a
    /// snapshot.
    pub fn check_snapshots(&self, snapshots: &[String]) -> Result<(), String> {
        let dir = UPSTREAM_DIR;
        let mut problems: Vec<String> = snapshots
            .iter()
            .filter(|name| !self.pages.contains_key(*name))
            .map(|name| format!("{dir}/{name} has no entry"))
            .collect();
        problems.extend(
            self.pages
                .keys()
                .filter(|name| !snapshots.contains(name))
                .map(|name| format!("the entry {name} has no snapshot {dir}/{name}")),
        );
        if problems.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{MANIFEST} does not match the snapshots:\n  {}\n\
             every snapshot needs its page's URL and when it was taken; \
             `cargo xtask spec sync --live --add URL` records both",
            problems.join("\n  ")
        ))
    }

    /// Records that `file` now holds a page fetched from `url`. `changed` says whether its
    /// content differs from what the snapshot held: only then is `taken` set to now, so a sync
    /// that changes nothing leaves the manifest alone.
    pub fn record(&mut self, file: &str, url: &str, changed: bool) {
        let unchanged = self.pages.get(file).filter(|e| e.url == url && !changed);
        let taken = unchanged.map_or_else(now, |e| e.taken.clone());
        self.pages.insert(
            file.to_string(),
            Entry {
                url: url.to_string(),
                taken,
            },
        );
    }
}

/// The manifest, parsed and checked.
pub fn load(repo: &Repo) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(repo.manifest()).map_err(|e| {
        format!("cannot read {MANIFEST}: {e}; it records each snapshot's URL and when it was taken (CONTRIBUTING.md, \"Updating the spec\")")
    })?;
    Manifest::parse(&text)
}

/// The manifest, after checking it has one entry per snapshot and no other.
pub fn of_snapshots(repo: &Repo) -> Result<(Manifest, Vec<String>), String> {
    let names = repo.snapshot_names()?;
    let manifest = load(repo)?;
    manifest.check_snapshots(&names)?;
    Ok((manifest, names))
}

/// Now, as the manifest records it.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// `https://…/partner-management.md` → `partner-management.md`: the snapshot a page is stored
/// in. The URL must be an http(s) URL in the `.md` form, with no query or fragment.
pub fn snapshot_name(url: &str) -> Result<String, String> {
    if !crate::fetch::is_url(url) {
        return Err(format!("{url} is not an http(s) URL"));
    }
    let (_, path) = url.split_once("://").expect("an http(s) URL has a scheme");
    let last = path.rsplit('/').next().unwrap_or("");
    let valid = path.contains('/')
        && last.len() > ".md".len()
        && last.ends_with(".md")
        && !url.contains(['?', '#']);
    if !valid {
        return Err(format!(
            "{url} is not a page URL in the `.md` form (like https://docs.360dialog.com/partner/partner-api/api-reference/partner-management.md)"
        ));
    }
    Ok(last.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_are_named_after_the_page() {
        assert_eq!(
            snapshot_name(
                "https://docs.360dialog.com/partner/partner-api/api-reference/partner-management.md"
            )
            .unwrap(),
            "partner-management.md"
        );
        assert_eq!(
            snapshot_name("http://127.0.0.1:1/a/channels.md").unwrap(),
            "channels.md"
        );
        for bad in [
            "http://127.0.0.1:1",
            "http://127.0.0.1:1/channels",
            "http://127.0.0.1:1/.md",
            "http://127.0.0.1:1/channels.md?x=1",
            "ftp://example/channels.md",
        ] {
            assert!(snapshot_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_problem_of_a_manifest_is_named() {
        let text = r#"{"index": "llms.txt", "reference": "https://d/api-reference",
            "pages": {"a.md": {"url": "https://d/b.md", "taken": "yesterday"}}}"#;
        assert_eq!(
            Manifest::parse(text).unwrap_err(),
            "openapi/upstream/manifest.json:\n  \
             `index` \"llms.txt\" is not an http(s) URL\n  \
             `reference` \"https://d/api-reference\" is not an http(s) URL ending with `/`\n  \
             a.md: its URL https://d/b.md names the snapshot b.md\n  \
             a.md: `taken` \"yesterday\" is not an RFC 3339 UTC time such as 2026-11-23T20:01:47Z"
        );
        let unknown = r#"{"index": "https://d/llms.txt", "reference": "https://d/", "pages": {}, "extra": 1}"#;
        assert!(Manifest::parse(unknown).unwrap_err().starts_with(
            "openapi/upstream/manifest.json is not a manifest: unknown field `extra`"
        ));
    }

    #[test]
    fn taken_changes_only_with_the_content_or_the_url() {
        let old = "2026-01-01T00:00:00Z";
        let mut manifest = Manifest {
            index: "https://d/llms.txt".into(),
            reference: "https://d/".into(),
            pages: BTreeMap::from([(
                "a.md".to_string(),
                Entry {
                    url: "https://d/a.md".into(),
                    taken: old.into(),
                },
            )]),
        };
        manifest.record("a.md", "https://d/a.md", false);
        assert_eq!(manifest.pages["a.md"].taken, old);
        manifest.record("a.md", "https://d/a.md", true);
        assert_ne!(manifest.pages["a.md"].taken, old);
        assert!(humantime::parse_rfc3339(&manifest.pages["a.md"].taken).is_ok());
    }
}
