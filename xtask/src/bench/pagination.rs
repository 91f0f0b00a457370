//! The pagination benchmark: `.items()` against a hand-written offset loop over raw reqwest,
//! run in the fixture workspace (the vendored spec has no list operation), built with this
//! repository's target directory so it compiles only the fixture crate.

use super::Summary;
use super::run::streaming;
use std::path::Path;
use std::process::Command;

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
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(&fixture)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["bench", "--quiet", "--bench", "pagination", "--"]);
    if quick {
        command.arg("--quick");
    }
    let stdout = streaming(&mut command)?;
    let mut found = false;
    for (name, value) in stdout.lines().filter_map(|line| line.split_once('=')) {
        summary.add(name.trim(), value.trim());
        found = true;
    }
    if found {
        Ok(())
    } else {
        Err("the pagination benchmark printed no figures".into())
    }
}
