//! Optional per-phase timings of the build script, for `cargo xtask bench`.
//!
//! Off unless `D360_PARTNER_CODEGEN_TIMINGS` is set; then each phase prints one stderr line
//! `d360-partner codegen phase <name> <seconds>` (Cargo shows a build script's stderr only on
//! failure, so a normal build stays quiet either way).

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
        let started = Instant::now();
        let result = phase();
        eprintln!(
            "d360-partner codegen phase {name} {:.6}",
            started.elapsed().as_secs_f64()
        );
        result
    }
}
