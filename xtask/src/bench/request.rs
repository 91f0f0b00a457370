//! The benchmarks of `benches/`: `cargo bench --bench request|webhook` (release, as users'
//! applications are built), their `name=value` lines copied into the summary.

use super::Summary;
use super::run::figures;
use std::path::Path;

/// Runs `benches/request/` and records every figure it prints.
pub fn measure(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    bench(root, "request", quick, summary)
}

/// Runs `benches/webhook.rs` and records every figure it prints.
pub fn measure_webhook(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    bench(root, "webhook", quick, summary)
}

pub fn measure_onboarding(root: &Path, quick: bool, summary: &mut Summary) -> Result<(), String> {
    bench(root, "onboarding", quick, summary)
}

fn bench(root: &Path, name: &str, quick: bool, summary: &mut Summary) -> Result<(), String> {
    let mut command = super::run::cargo();
    command.current_dir(root).args([
        "bench",
        "--quiet",
        "--package",
        "d360-partner",
        "--bench",
        name,
        "--",
    ]);
    if quick {
        command.arg("--quick");
    }
    figures(&mut command, name, summary)
}
