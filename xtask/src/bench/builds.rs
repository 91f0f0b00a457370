//! Build cost, on scratch copies under `target/bench-scratch/` with their own target directories:
//! a cold `cargo build` of this crate against a reference crate with the same dependencies and no
//! code generation (interleaved), a no-op rebuild, a rebuild after touching the spec, and the
//! crate's own compile time when its spec has 100 operations. Offline: the registry is cached.

use super::median::median;
use super::run::{Timing, seconds, timed};
use super::{Summary, fresh_dir, synthetic, write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use xtask::files::copy;

const COLD_ROUNDS: usize = 3;
const REBUILD_RUNS: usize = 5;
const SPEC_CHANGE_RUNS: usize = 3;
const SPEC: &str = "openapi/partners-v2.json";
/// What the crate's build reads; the rest of the repository (tests, xtask) is not built.
const CRATE_FILES: &[&str] = &["build.rs", "codegen", "openapi", "src", "README.md"];
/// Manifest sections kept: the reference crate has no build script, so no build dependencies.
const CRATE_SECTIONS: &[&str] = &[
    "[package]",
    "[features]",
    "[dependencies]",
    "[build-dependencies]",
];
const REFERENCE_SECTIONS: &[&str] = &["[package]", "[features]", "[dependencies]"];

/// Measures cold builds, rebuilds and the 100-operation compile, and records them.
pub fn measure(root: &Path, scratch: &Path, summary: &mut Summary) -> Result<(), String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    // A standalone copy of the crate, as its build reads it.
    let crate_copy = |name: &str| -> Result<PathBuf, String> {
        let dir = fresh_dir(&scratch.join(name))?;
        for file in CRATE_FILES {
            copy(&root.join(file), &dir.join(file))?;
        }
        write(
            &dir.join("Cargo.toml"),
            standalone(&manifest, CRATE_SECTIONS, false),
        )?;
        write(&dir.join("Cargo.lock"), &lock)?;
        Ok(dir)
    };
    let crate_dir = crate_copy("crate")?;
    let reference_dir = fresh_dir(&scratch.join("reference"))?;
    write(
        &reference_dir.join("Cargo.toml"),
        standalone(&manifest, REFERENCE_SECTIONS, true),
    )?;
    write(&reference_dir.join("Cargo.lock"), &lock)?;
    write(
        &reference_dir.join("src/lib.rs"),
        format!(
            "//! The reference for `cargo xtask bench`: d360-partner's dependencies, no code generation.\n\
             pub use {{{}}};\n",
            required_dependencies(&manifest).join(", ")
        ),
    )?;

    // The crate again, with the 100-operation synthetic spec (the whole Partner API's size).
    let hundred_dir = crate_copy("crate-100")?;
    let seed_text = std::fs::read_to_string(crate_dir.join(SPEC)).map_err(|e| e.to_string())?;
    let seed: serde_json::Value = serde_json::from_str(&seed_text).map_err(|e| e.to_string())?;
    let hundred =
        serde_json::to_string_pretty(&synthetic::spec(&seed, 100)?).map_err(|e| e.to_string())?;
    write(&hundred_dir.join(SPEC), &hundred)?;

    let crate_target = scratch.join("target-crate");
    let hundred_target = scratch.join("target-crate-100");
    let reference_target = scratch.join("target-reference");
    let (mut crate_cold, mut hundred_cold, mut reference_cold) =
        (Vec::new(), Vec::new(), Vec::new());
    for round in 0..COLD_ROUNDS {
        eprintln!("    cold builds, round {}/{COLD_ROUNDS}", round + 1);
        // Rotate which goes first, so drift in the machine's load hits all alike.
        let mut turns = [
            (&crate_dir, &crate_target, &mut crate_cold),
            (&hundred_dir, &hundred_target, &mut hundred_cold),
            (&reference_dir, &reference_target, &mut reference_cold),
        ];
        turns.rotate_left(round % 3);
        for (dir, target, times) in turns {
            fresh_dir(target)?;
            times.push(build(dir, target)?);
        }
    }
    let wall = |runs: &[Timing]| median(&runs.iter().map(|t| t.wall).collect::<Vec<_>>());
    let cpu = |runs: &[Timing]| median(&runs.iter().map(|t| t.cpu).collect::<Vec<_>>());
    summary.add("cold_build_crate_s", seconds(wall(&crate_cold)));
    summary.add("cold_build_reference_s", seconds(wall(&reference_cold)));
    summary.add(
        "cold_build_ratio",
        format!("{:.3}", wall(&crate_cold) / wall(&reference_cold)),
    );
    summary.add("cold_build_crate_cpu_s", seconds(cpu(&crate_cold)));
    summary.add("cold_build_reference_cpu_s", seconds(cpu(&reference_cold)));
    summary.add(
        "cold_build_cpu_ratio",
        format!("{:.3}", cpu(&crate_cold) / cpu(&reference_cold)),
    );
    summary.add("cold_build_100_ops_s", seconds(wall(&hundred_cold)));
    summary.add(
        "cold_build_100_ops_ratio",
        format!("{:.3}", wall(&hundred_cold) / wall(&reference_cold)),
    );
    summary.add(
        "cold_build_100_ops_cpu_ratio",
        format!("{:.3}", cpu(&hundred_cold) / cpu(&reference_cold)),
    );

    let noop: Vec<Timing> = (0..REBUILD_RUNS)
        .map(|_| build(&crate_dir, &crate_target))
        .collect::<Result<_, _>>()?;
    summary.add("noop_rebuild_s", seconds(wall(&noop)));

    let spec = crate_dir.join(SPEC);
    let mut touched = Vec::new();
    for _ in 0..SPEC_CHANGE_RUNS {
        touch(&spec)?;
        touched.push(build(&crate_dir, &crate_target)?);
    }
    summary.add("spec_touch_rebuild_s", seconds(wall(&touched)));
    summary.add("spec_touch_rebuild_cpu_s", seconds(cpu(&touched)));

    // The crate with a 100-operation spec: build script run plus compiling the generated code.
    let mut hundred_times = Vec::new();
    for _ in 0..SPEC_CHANGE_RUNS {
        write(&spec, &hundred)?;
        hundred_times.push(build(&crate_dir, &crate_target)?);
        write(&spec, &seed_text)?;
        build(&crate_dir, &crate_target)?;
    }
    summary.add("crate_compile_100_ops_s", seconds(wall(&hundred_times)));
    summary.add("crate_compile_100_ops_cpu_s", seconds(cpu(&hundred_times)));
    Ok(())
}

/// `cargo build --offline` of the package in `dir` into `target`.
fn build(dir: &Path, target: &Path) -> Result<Timing, String> {
    let (_, timing) = timed(
        super::run::cargo()
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .args(["build", "--offline", "--quiet"]),
    )?;
    Ok(timing)
}

/// The repository's manifest as a standalone package: only `sections` kept, its own empty
/// workspace (the scratch copy sits inside this repository's). As `reference`, renamed and
/// without a build script.
fn standalone(manifest: &str, sections: &[&str], reference: bool) -> String {
    let mut kept = String::new();
    let mut keep = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            keep = sections.contains(&line.trim());
        }
        if !keep || (reference && line.starts_with("build =")) {
            continue;
        }
        if reference && line.starts_with("name =") {
            kept.push_str("name = \"d360-partner-reference\"\n");
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept.push_str("\n[workspace]\n");
    kept
}

/// The crate names of the manifest's non-optional `[dependencies]`, so the reference uses (and
/// compiles) each of them however the dependency list changes.
fn required_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_dependencies = line.trim() == "[dependencies]";
            continue;
        }
        let Some((name, spec)) = line.split_once('=') else {
            continue;
        };
        if in_dependencies && !line.starts_with('#') && !spec.contains("optional = true") {
            names.push(name.trim().replace('-', "_"));
        }
    }
    names
}

/// Sets a file's modification time to now, as an editor saving it unchanged would.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}
