//! Where a checkout of this repository keeps the vendored spec, the snapshots of the upstream
//! pages and their manifest.

use std::path::{Path, PathBuf};

/// The manifest of the snapshots, relative to the repository root.
pub const MANIFEST: &str = "openapi/upstream/manifest.json";

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

    pub fn snapshot(&self, name: &str) -> PathBuf {
        self.upstream_dir().join(name)
    }

    pub fn manifest(&self) -> PathBuf {
        self.root.join(MANIFEST)
    }

    /// The file names of the snapshots (`*.md` under `openapi/upstream/`; the manifest and
    /// anything else there is not a page), in name order.
    pub fn snapshot_names(&self) -> Result<Vec<String>, String> {
        let dir = self.upstream_dir();
        let mut found: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().is_file())
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name.ends_with(".md"))
            .collect();
        found.sort();
        Ok(found)
    }
}
