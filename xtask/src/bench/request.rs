//! The request benchmark: `cargo bench --bench request` (release, as users' applications are
//! built), its `name=value` lines copied into the summary.

use super::Summary;
use super::run::figures;
use std::path::Path;

/// Runs `benches/request/` and records every figure it prints.
pub fn measure(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    let mut command = super::run::cargo();
    command.current_dir(root).args([
        "bench",
        "--quiet",
        "--package",
        "d360-partner",
        "--bench",
        "request",
        "--",
    ]);
    if quick {
        command.arg("--quick");
    }
    figures(&mut command, "request", summary)
}
