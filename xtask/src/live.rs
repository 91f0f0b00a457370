//! `spec check --live` and `spec sync --live [--add URL...]`: the manifest's pages and the
//! documentation index, fetched from upstream and compared with the snapshots and the vendored
//! spec. Both commands build the same [`Live`] report; `sync` then writes it.

use crate::fetch::{self, FetchError};
use crate::manifest::{self, Manifest};
use crate::report::{self, Format};
use crate::spec::{self, Checked, Page, Repo, Write};
use crate::upstream;
use std::time::Duration;

/// What upstream says about one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The page is byte for byte its snapshot.
    Unchanged,
    /// Only text outside its OpenAPI blocks changed: the spec is the same.
    TextChanged,
    /// Its OpenAPI blocks changed.
    Changed,
    /// The server says it no longer exists (404 or 410).
    Gone(String),
    /// Named by `--add`: fetched for the first time.
    Added,
}

/// One page of the manifest (or of `--add`).
#[derive(Debug, Clone)]
pub struct PageReport {
    /// Its snapshot's file name.
    pub name: String,
    pub url: String,
    pub status: Status,
    /// What upstream serves now; `None` when gone.
    pub markdown: Option<String>,
}

/// An API reference page the index lists and the manifest does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPage {
    pub url: String,
    pub title: String,
}

/// Everything `--live` found.
#[derive(Debug)]
pub struct Live {
    pub pages: Vec<PageReport>,
    pub new_pages: Vec<NewPage>,
    /// The vendored spec against the merge of the live pages.
    pub checked: Checked,
    /// That merge, as the vendored file stores it.
    merged: String,
    manifest: Manifest,
}

impl Live {
    /// As `spec diff`'s: 0 nothing changed, 1 non-breaking news only (a new page in the index,
    /// a page gone, formatting), 2 a breaking change.
    pub fn exit_code(&self) -> u8 {
        let news = !self.new_pages.is_empty()
            || self
                .pages
                .iter()
                .any(|p| matches!(p.status, Status::Gone(_)));
        self.checked.exit_code().max(u8::from(news))
    }

    /// One line per page (status, snapshot, URL), one per new page of the index, a blank line,
    /// then the classified diff of the merge as `spec diff` prints it.
    pub fn render(&self) -> String {
        let new_names: Vec<String> = self
            .new_pages
            .iter()
            .map(|p| manifest::snapshot_name(&p.url).unwrap_or_else(|_| "-".into()))
            .collect();
        let mut rows: Vec<(&str, &str, &str, String)> = self
            .pages
            .iter()
            .map(|page| {
                let (status, note) = match &page.status {
                    Status::Unchanged => ("unchanged", String::new()),
                    Status::TextChanged => (
                        "unchanged",
                        "  (only text outside its OpenAPI blocks changed)".into(),
                    ),
                    Status::Changed => ("changed", String::new()),
                    Status::Gone(reason) => ("gone", format!("  ({reason})")),
                    Status::Added => ("added", String::new()),
                };
                (status, page.name.as_str(), page.url.as_str(), note)
            })
            .collect();
        for (page, name) in self.new_pages.iter().zip(&new_names) {
            let note = format!("  (in the index as {:?}, not vendored yet)", page.title);
            rows.push(("new", name, &page.url, note));
        }
        let width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (status, name, url, note) in rows {
            out += &format!("{status:<9}  {name:<width$}  {url}{note}\n");
        }
        out.push('\n');
        out += &match &self.checked {
            Checked::Identical => "no changes\n".to_string(),
            Checked::Differs(diff) => report::render(diff, Format::Text),
        };
        out
    }
}

/// Fetches every page of the manifest, the pages to `add` and the index, all at once within
/// `timeout`, and compares them with the snapshots and the vendored spec. A page that cannot
/// be fetched (other than gone), a page to add that cannot be fetched at all, an index that
/// cannot be fetched: an error naming every such URL and why.
pub fn live(repo: &Repo, add: &[String], timeout: Duration) -> Result<Live, String> {
    let (manifest, _) = manifest::of_snapshots(repo)?;
    let mut added: Vec<(String, String)> = Vec::new();
    for url in add {
        let name = manifest::snapshot_name(url)?;
        if let Some(entry) = manifest.pages.get(&name) {
            return Err(format!(
                "--add {url}: the snapshot {name} is already taken from {}",
                entry.url
            ));
        }
        if added.iter().any(|(n, _)| *n == name) {
            return Err(format!(
                "--add {url}: another page added is also named {name}"
            ));
        }
        added.push((name, url.clone()));
    }
    let listed: Vec<(String, String)> = manifest
        .pages
        .iter()
        .map(|(name, entry)| (name.clone(), entry.url.clone()))
        .collect();
    let mut urls: Vec<String> = listed
        .iter()
        .chain(&added)
        .map(|(_, u)| u.clone())
        .collect();
    urls.push(manifest.index.clone());
    let mut results = fetch::fetch_all(&urls, timeout);
    let index = results.pop().expect("the index was fetched");

    let mut failures: Vec<FetchError> = Vec::new();
    let mut pages = Vec::new();
    for ((name, url), result) in listed.iter().chain(&added).zip(results) {
        let is_new = added.iter().any(|(n, _)| n == name);
        let status = match (&result, is_new) {
            (Err(e), false) if e.is_gone() => Status::Gone(e.reason.clone()),
            (Err(e), _) => {
                failures.push(e.clone());
                continue;
            }
            (Ok(_), true) => Status::Added,
            (Ok(markdown), false) => compare_with_snapshot(repo, name, markdown)?,
        };
        pages.push(PageReport {
            name: name.clone(),
            url: url.clone(),
            status,
            markdown: result.ok(),
        });
    }
    let index = index.map_err(|e| failures.push(e)).ok();
    if !failures.is_empty() {
        // One `error:` line per URL (the caller prefixes the first).
        let lines: Vec<String> = failures.iter().map(FetchError::to_string).collect();
        return Err(lines.join("\nerror: "));
    }
    pages.sort_by(|a, b| a.name.cmp(&b.name));

    let live_pages: Vec<Page> = pages
        .iter()
        .filter_map(|page| {
            Some(Page {
                source: page.url.clone(),
                markdown: page.markdown.clone()?,
            })
        })
        .collect();
    if live_pages.is_empty() {
        return Err(format!(
            "every page the manifest lists is gone upstream ({}); nothing to compare with",
            pages
                .iter()
                .map(|p| p.url.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let document = spec::merge(&live_pages)?;
    let checked = spec::compare(repo, &document)?;
    let known: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    let new_pages = index_links(index.as_deref().unwrap_or(""), &manifest.reference)
        .into_iter()
        .filter(|link| !known.contains(&link.url.as_str()))
        .collect();
    Ok(Live {
        pages,
        new_pages,
        checked,
        merged: upstream::to_vendored_text(&document),
        manifest,
    })
}

/// The page against its snapshot: the same bytes, the same OpenAPI blocks, or changed.
fn compare_with_snapshot(repo: &Repo, name: &str, markdown: &str) -> Result<Status, String> {
    let path = repo.snapshot(name);
    let snapshot = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if snapshot == markdown {
        return Ok(Status::Unchanged);
    }
    // Block positions shift with the text around them; only the documents count.
    let documents = |text: &str| upstream::openapi_blocks(name, text).ok();
    Ok(match (documents(&snapshot), documents(markdown)) {
        (Some(old), Some(new)) if old == new => Status::TextChanged,
        _ => Status::Changed,
    })
}

/// The Markdown links of the index (`[title](url)`) whose URL is an `.md` page under
/// `reference`, in index order, each once.
pub fn index_links(index: &str, reference: &str) -> Vec<NewPage> {
    let mut found: Vec<NewPage> = Vec::new();
    for line in index.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let title = rest[..at].rsplit('[').next().unwrap_or("").to_string();
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            let url = after[..end].trim().to_string();
            rest = &after[end..];
            let wanted = url.starts_with(reference) && url.ends_with(".md");
            if wanted && !found.iter().any(|p| p.url == url) {
                found.push(NewPage { url, title });
            }
        }
    }
    found
}

/// `sync --live`: the writes that make the snapshots, the manifest and the vendored spec what
/// upstream says. Gone pages lose their snapshot and entry; unchanged ones are left alone.
pub fn writes(repo: &Repo, live: &Live) -> Result<Vec<Write>, String> {
    let mut manifest = live.manifest.clone();
    let mut writes = Vec::new();
    for page in &live.pages {
        match (&page.status, &page.markdown) {
            (Status::Unchanged, _) => {}
            (Status::Gone(_), _) => {
                manifest.pages.remove(&page.name);
                writes.push(Write::Remove(repo.snapshot(&page.name)));
            }
            (_, Some(markdown)) => {
                writes.push(spec::store_snapshot(
                    repo,
                    &mut manifest,
                    &page.url,
                    markdown,
                )?);
            }
            (_, None) => unreachable!("a page that is not gone was fetched"),
        }
    }
    writes.push(Write::Put(repo.manifest(), manifest.to_text()));
    writes.push(Write::Put(repo.vendored(), live.merged.clone()));
    Ok(writes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_yields_reference_pages_once_in_order() {
        let index = "# Docs\n\
            - [Overview](https://d/partner/get-started/master.md): Welcome\n\
            - [Client Management](https://d/partner/api-reference/client-management.md): Clients\n\
            - [Channels](https://d/partner/api-reference/channel-management.md) and [again](https://d/partner/api-reference/client-management.md)\n\
            - [Section](https://d/partner/api-reference/)\n\
            - [Broken](https://d/partner/api-reference/broken.md\n";
        assert_eq!(
            index_links(index, "https://d/partner/api-reference/"),
            [
                NewPage {
                    url: "https://d/partner/api-reference/client-management.md".into(),
                    title: "Client Management".into()
                },
                NewPage {
                    url: "https://d/partner/api-reference/channel-management.md".into(),
                    title: "Channels".into()
                },
            ]
        );
    }
}
