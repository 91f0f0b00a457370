//! Code generation time: this crate's real build script binary, built by a plain `cargo build`
//! (unoptimized, as a user's build compiles a dependency's build script), run by hand on the
//! vendored spec and on synthetic specs, each in a scratch directory that stands in for the
//! crate's manifest directory. The script prints per-phase timings when asked.
//!
//! The headline figures are CPU seconds: the script is single-threaded, so its CPU time is the
//! wall time it takes on an idle core, while wall time on this shared machine also counts waiting
//! for one. Wall medians are recorded alongside.

use super::median::median;
use super::run::{seconds, timed};
use super::{Summary, fresh_dir, synthetic, write};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The spec sizes measured, besides the vendored spec itself.
const SIZES: &[usize] = &[100, 500, 1000];
const SPEC: &str = "openapi/partners-v2.json";
const PHASE_PREFIX: &str = "d360-partner codegen phase ";

/// Times the build script on each spec (median of several runs) and records time, per-phase
/// time and generated lines.
pub fn measure(
    root: &Path,
    scratch: &Path,
    quick: bool,
    summary: &mut Summary,
) -> Result<(), String> {
    let runs = if quick { 3 } else { 5 };
    let script = build_script(root)?;
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(SPEC))
            .map_err(|e| format!("cannot read {SPEC}: {e}"))?,
    )
    .map_err(|e| format!("{SPEC} is not JSON: {e}"))?;

    let mut specs = vec![("seed".to_string(), seed.clone())];
    for &size in SIZES {
        specs.push((format!("{size}_ops"), synthetic::spec(&seed, size)?));
    }
    let mut medians = BTreeMap::new();
    for (label, spec) in &specs {
        let dir = fresh_dir(&scratch.join("codegen").join(label))?;
        write(
            &dir.join(SPEC),
            serde_json::to_string_pretty(spec).map_err(|e| e.to_string())?,
        )?;
        let out_dir = dir.join("out");
        std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
        let (mut cpu, mut wall) = (Vec::new(), Vec::new());
        let mut phases: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for _ in 0..runs {
            let (output, timing) = timed(
                Command::new(&script)
                    .current_dir(&dir)
                    .env("OUT_DIR", &out_dir)
                    .env("CARGO_MANIFEST_DIR", &dir)
                    .env("D360_PARTNER_CODEGEN_TIMINGS", "1"),
            )?;
            cpu.push(timing.cpu);
            wall.push(timing.wall);
            for (phase, seconds) in phase_cpu_seconds(&String::from_utf8_lossy(&output.stderr)) {
                phases.entry(phase).or_default().push(seconds);
            }
        }
        if phases.is_empty() {
            return Err(format!(
                "{} printed no phase timings: Cargo kept a build script older than build.rs \
                 (it does when `cargo package` in this target directory recorded the packaged \
                 copy's paths for it); remove target/debug/.fingerprint/d360-partner-* and rerun",
                script.display()
            ));
        }
        let name = if label == "seed" {
            "codegen_seed".to_string()
        } else {
            format!("codegen_{label}")
        };
        medians.insert(label.clone(), median(&cpu));
        summary.add(format!("{name}_s"), seconds(median(&cpu)));
        summary.add(format!("{name}_wall_s"), seconds(median(&wall)));
        for (phase, values) in &phases {
            summary.add(format!("{name}_{phase}_s"), seconds(median(values)));
        }
        let generated = generated_source(&out_dir)
            .map_err(|e| format!("the build script wrote no output for {label}: {e}"))?;
        // Lines describe formatted output; bytes compare formatted and unformatted alike.
        let lines = generated.lines().count();
        summary.add(format!("{name}_lines"), lines);
        summary.add(format!("{name}_bytes"), generated.len());
        if let Some(operations) = label
            .strip_suffix("_ops")
            .and_then(|n| n.parse::<usize>().ok())
        {
            summary.add(
                format!("{name}_lines_per_op"),
                format!("{:.0}", lines as f64 / operations as f64),
            );
        }
    }
    summary.add(
        "codegen_scaling_1000_over_100",
        format!("{:.2}", medians["1000_ops"] / medians["100_ops"]),
    );
    Ok(())
}

/// Every file the build script wrote, concatenated in name order.
fn generated_source(out_dir: &Path) -> Result<String, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .map_err(|e| e.to_string())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err("no .rs file".into());
    }
    files
        .iter()
        .map(|file| std::fs::read_to_string(file).map_err(|e| e.to_string()))
        .collect()
}

/// The CPU seconds of each phase the script reports (`<prefix><phase> <wall> <cpu>`).
fn phase_cpu_seconds(stderr: &str) -> Vec<(String, f64)> {
    stderr
        .lines()
        .filter_map(|line| {
            let mut fields = line.strip_prefix(PHASE_PREFIX)?.split(' ');
            let (phase, _wall, cpu) = (fields.next()?, fields.next()?, fields.next()?);
            Some((phase.to_string(), cpu.parse().ok()?))
        })
        .collect()
}

/// Builds the crate as a user's plain `cargo build` would and returns its build script binary,
/// as Cargo reports it.
fn build_script(root: &Path) -> Result<PathBuf, String> {
    let (output, _) = timed(super::run::cargo().current_dir(root).args([
        "build",
        "--package",
        "d360-partner",
        "--message-format=json",
    ]))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|message| {
            message["reason"] == "compiler-artifact"
                && message["target"]["kind"][0] == "custom-build"
                && message["package_id"]
                    .as_str()
                    .is_some_and(|id| id.contains("d360-partner"))
        })
        .and_then(|message| message["filenames"][0].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no build script for d360-partner".to_string())
}
