//! Running commands and timing them; medians of repeated runs.

use std::process::{Command, Output, Stdio};
use std::time::Instant;

/// How long a command took.
#[derive(Clone, Copy)]
pub struct Timing {
    /// Wall-clock seconds.
    pub wall: f64,
    /// User plus system seconds of the command and everything it waited for (rustc under
    /// cargo): on a machine shared with other builds, what the command itself cost.
    pub cpu: f64,
}

/// Cargo, without the variables `cargo run` set for this tool: a build script that tracks one
/// (ring's tracks `CARGO_MANIFEST_DIR`) would rebuild its crate and everything above it, here
/// and again in the next build of the workspace.
pub fn cargo() -> Command {
    let mut command = Command::new(env!("CARGO"));
    for (name, _) in std::env::vars() {
        let set_by_cargo_run = [
            "CARGO_MANIFEST_",
            "CARGO_PKG_",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_RUSTC_CURRENT_DIR",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix));
        if set_by_cargo_run {
            command.env_remove(name);
        }
    }
    command
}

/// Runs `command` to completion, output captured, and returns its output and timing. Fails
/// naming the command when it exits non-zero.
pub fn timed(command: &mut Command) -> Result<(Output, Timing), String> {
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let timing = Timing {
        wall: started.elapsed().as_secs_f64(),
        cpu: children_cpu_seconds() - cpu_before,
    };
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok((output, timing))
}

/// User plus system time of all finished child processes of this one (and their waited-for
/// descendants).
fn children_cpu_seconds() -> f64 {
    use nix::sys::resource::{UsageWho, getrusage};
    let Ok(usage) = getrusage(UsageWho::RUSAGE_CHILDREN) else {
        return 0.0;
    };
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    seconds(usage.user_time()) + seconds(usage.system_time())
}

/// Runs `command`, its stderr passed through to ours (progress of long runs), and returns its
/// stdout.
pub fn streaming(command: &mut Command) -> Result<String, String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{command:?} failed ({})", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Seconds with millisecond precision, as the summary prints them.
pub fn seconds(value: f64) -> String {
    format!("{value:.3}")
}

/// Runs a benchmark binary (through `cargo bench`), its progress passed through, and records
/// every `name=value` line it prints; fails when it prints none.
pub fn figures(
    command: &mut Command,
    what: &str,
    summary: &mut super::Summary,
) -> Result<(), String> {
    let stdout = streaming(command)?;
    let mut found = false;
    for (name, value) in stdout.lines().filter_map(|line| line.split_once('=')) {
        summary.add(name.trim(), value.trim());
        found = true;
    }
    if found {
        Ok(())
    } else {
        Err(format!("the {what} benchmark printed no figures"))
    }
}

/// Builds `d360` in release in the checkout at `root` and returns the binary's path.
pub fn release_d360(root: &std::path::Path) -> Result<std::path::PathBuf, String> {
    timed(cargo().current_dir(root).args([
        "build",
        "--quiet",
        "--release",
        "--package",
        "d360-partner-cli",
    ]))?;
    Ok(root.join("target/release/d360"))
}
