//! The request benchmark: `cargo bench --bench request` (release, as users' applications are
//! built), its `name=value` lines copied into the summary.

use super::Summary;
use super::run::streaming;
use std::path::Path;
use std::process::Command;

/// Runs `benches/request/` and records every figure it prints.
pub fn measure(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    let mut command = Command::new(env!("CARGO"));
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
    let stdout = streaming(&mut command)?;
    let mut found = false;
    for (name, value) in stdout.lines().filter_map(|line| line.split_once('=')) {
        summary.add(name.trim(), value.trim());
        found = true;
    }
    if found {
        Ok(())
    } else {
        Err("the request benchmark printed no figures".into())
    }
}
