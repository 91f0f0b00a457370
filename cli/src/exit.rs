//! Exit codes, so scripts can tell a usage error from the hub's answer from a network failure
//! (0 is success).

use d360_partner::{Error, ErrorKind, SecretError};
use std::process::ExitCode;

/// Anything not below: an answer that does not decode, one too large, an unexpected status.
pub const OTHER: u8 = 1;
/// Usage: the command line (clap's own code), or input that cannot make a request.
pub const USAGE: u8 = 2;
/// The hub answered 4xx, other than 401, 403 and 408.
pub const CLIENT_ERROR: u8 = 3;
/// Authentication: no or empty credentials, a refused login, 401, 403.
pub const AUTH: u8 = 4;
/// The hub answered 5xx or 408, or did not answer (timeout, connection failure).
pub const UNAVAILABLE: u8 = 5;

/// The exit code of a failed call.
pub fn code(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::Credentials(_) => AUTH,
        // The token endpoint unavailable (no answer, a timeout, a 5xx) or rate limiting is
        // not a refused login.
        ErrorKind::Auth(auth) => match auth.status.map(|status| status.as_u16()) {
            None | Some(408 | 500..=599) => UNAVAILABLE,
            Some(429) => CLIENT_ERROR,
            Some(_) => AUTH,
        },
        ErrorKind::Api(api) => match api.status.as_u16() {
            401 | 403 => AUTH,
            // Request Timeout: the hub gave up waiting, a timeout like the client's own.
            408 => UNAVAILABLE,
            400..=499 => CLIENT_ERROR,
            500..=599 => UNAVAILABLE,
            _ => OTHER,
        },
        ErrorKind::Transport(_) => UNAVAILABLE,
        ErrorKind::InvalidRequest(_) | ErrorKind::Config(_) => USAGE,
        _ => OTHER,
    }
}

/// Prints why `what` (a command, a flag) cannot have the platform secret and returns exit 4:
/// an unset variable is named with what needs it, other refusals in the library's words.
pub fn secret_refused(what: &str, error: &SecretError) -> ExitCode {
    match error {
        SecretError::Unset { variable } => {
            eprintln!("d360: {what} needs the platform secret: set {variable}");
        }
        other => eprintln!("d360: {other}"),
    }
    ExitCode::from(AUTH)
}

/// Prints `error` as one line on stderr and returns its exit code.
pub fn fail(error: &Error) -> ExitCode {
    eprintln!("d360: {}", one_line(&message(error)));
    ExitCode::from(code(error))
}

/// What the command line says of a failed call: the library's message, then, for a call that
/// got no answer, why (the innermost cause, in words) and how many attempts it made:
/// `could not connect to http://127.0.0.1:9: connection refused (4 attempts)`.
pub fn message(error: &Error) -> String {
    let mut text = error.to_string();
    // A timeout's cause only says again that it timed out.
    if !error.is_timeout()
        && let Some(cause) = cause(error)
    {
        text = format!("{text}: {cause}");
    }
    if error.as_transport().is_some()
        && let Some(attempts) = error.attempts()
    {
        let plural = if attempts == 1 { "" } else { "s" };
        text = format!("{text} ({attempts} attempt{plural})");
    }
    text
}

/// The innermost cause of `error`, in words: `connection refused`, `failed to lookup address
/// information: ...`, a TLS failure. `None` when it has none, or when the innermost is the HTTP
/// library's own error, whose text repeats the whole URL (its path and query included).
pub fn cause(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = error.source()?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if let Some(io) = cause.downcast_ref::<std::io::Error>() {
        return Some(io_words(io));
    }
    if cause.is::<d360_partner::reqwest::Error>() {
        return None;
    }
    Some(cause.to_string())
}

/// An I/O error in words: an operating system error by its kind (`connection refused`), unless
/// the kind says nothing more than its text; another error by its text.
fn io_words(error: &std::io::Error) -> String {
    let Some(code) = error.raw_os_error() else {
        return error.to_string();
    };
    let kind = error.kind();
    let words = kind.to_string();
    if kind == std::io::ErrorKind::Other || words == "uncategorized error" {
        let text = error.to_string();
        return text
            .strip_suffix(&format!(" (os error {code})"))
            .map_or(text.clone(), str::to_string);
    }
    words
}

/// A message on one line, whatever a server put in it.
pub fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
