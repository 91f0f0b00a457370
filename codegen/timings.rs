//! Optional per-phase timings of the build script, for `cargo xtask bench`.
//!
//! Off unless `D360_PARTNER_CODEGEN_TIMINGS` is set; then each phase prints one stderr line
//! `d360-partner codegen phase <name> <wall seconds> <cpu seconds>` (Cargo shows a build script's
//! stderr only on failure, so a normal build stays quiet either way). CPU time is what a phase
//! costs on a shared machine, where wall time also counts waiting for a core; it is read from
//! Linux's `/proc/thread-self/stat` and printed as `-` elsewhere.

use std::time::Instant;

/// The environment variable that turns timings on.
pub const ENABLE: &str = "D360_PARTNER_CODEGEN_TIMINGS";

/// Times phases when [`ENABLE`] is set, else just runs them.
pub struct Timings {
    enabled: bool,
}

impl Timings {
    /// Reads [`ENABLE`] once.
    pub fn from_env() -> Timings {
        Timings {
            enabled: std::env::var_os(ENABLE).is_some(),
        }
    }

    /// Runs `phase`, printing how long it took when enabled.
    pub fn phase<T>(&self, name: &str, phase: impl FnOnce() -> T) -> T {
        if !self.enabled {
            return phase();
        }
        let (started, cpu_before) = (Instant::now(), thread_cpu_seconds());
        let result = phase();
        let wall = started.elapsed().as_secs_f64();
        let cpu = match (cpu_before, thread_cpu_seconds()) {
            (Some(before), Some(after)) => format!("{:.2}", after - before),
            _ => "-".into(),
        };
        eprintln!("d360-partner codegen phase {name} {wall:.6} {cpu}");
        result
    }
}

/// This thread's user plus system time, from fields 14 and 15 of `/proc/thread-self/stat`
/// (counted in the kernel's fixed user-visible tick of 1/100 s).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesized command name, which may itself contain spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index)?.parse::<u64>().ok();
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}
