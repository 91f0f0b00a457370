//! The partner's platform secret, from the environment only (`D360_PARTNER_PLATFORM_SECRET`, and
//! `D360_PARTNER_PREVIOUS_PLATFORM_SECRET` during a rotation): no flag takes it, which would land
//! in shell history and `ps`. A command that needs it and has none exits 4 naming the variable;
//! no message ever holds its value.

use crate::exit;
use d360_partner::env::{PLATFORM_SECRET, PREVIOUS_PLATFORM_SECRET};
use std::process::ExitCode;

/// The platform secret, for `what` (`webhook listen`, `--sign`, ...); else the message is
/// printed and the exit code (4) returned.
pub fn platform(what: &str) -> Result<String, ExitCode> {
    match read(PLATFORM_SECRET)? {
        Some(secret) => Ok(secret),
        None => Err(fail(&format!(
            "{what} needs the platform secret: set {PLATFORM_SECRET}"
        ))),
    }
}

/// The platform secret being rotated out, when set: webhooks signed with it are still taken.
pub fn previous() -> Result<Option<String>, ExitCode> {
    read(PREVIOUS_PLATFORM_SECRET)
}

/// The variable's value: `None` when it is unset; an error when it is set but blank (a blank
/// secret signs nothing: most often a variable exported without its value) or not UTF-8.
fn read(name: &str) -> Result<Option<String>, ExitCode> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Err(fail(&format!("{name} is set but empty"))),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(fail(&format!("{name} is not valid UTF-8"))),
    }
}

/// Prints `message` as the command line's error and gives the exit code for a missing or
/// refused secret (4).
pub fn fail(message: &str) -> ExitCode {
    eprintln!("d360: {message}");
    ExitCode::from(exit::AUTH)
}
