//! The pagination benchmark: `.items()` against a hand-written offset loop over raw reqwest,
//! run in the fixture workspace (the vendored spec has no list operation), built with this
//! repository's target directory so it compiles only the fixture crate.

use super::Summary;
use super::run::figures;
use std::path::Path;

/// Writes the fixture workspace under `scratch`, runs its `pagination` benchmark (release) and
/// records every figure it prints.
pub fn measure(
    root: &Path,
    scratch: &Path,
    quick: bool,
    summary: &mut Summary,
) -> Result<(), String> {
    let fixture = scratch.join("fixture-crate");
    xtask::fixtures::write(root, &fixture)?;
    let mut command = super::run::cargo();
    command
        .current_dir(&fixture)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["bench", "--quiet", "--bench", "pagination", "--"]);
    if quick {
        command.arg("--quick");
    }
    figures(&mut command, "pagination", summary)
}
