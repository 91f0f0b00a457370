//! Files and directories, with errors that name the path: what the spec tool, the fixture
//! workspace and the benchmarks write and copy.

use std::path::{Path, PathBuf};

/// A file's text.
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes `contents` to `path`, creating its directory.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Copies a file, or a directory with everything in it.
pub fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if from.is_dir() {
        let entries =
            std::fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
        for entry in entries {
            let entry: PathBuf = entry.map_err(|e| e.to_string())?.path();
            copy(&entry, &to.join(entry.file_name().expect("a named entry")))?;
        }
        Ok(())
    } else {
        let contents =
            std::fs::read(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        write(to, contents)
    }
}

/// An empty directory at `path` (removed first if it exists).
pub fn fresh_dir(path: &Path) -> Result<PathBuf, String> {
    if path.exists() {
        std::fs::remove_dir_all(path)
            .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    std::fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    Ok(path.to_path_buf())
}
