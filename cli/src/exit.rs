//! Exit codes, so scripts can tell a usage error from the hub's answer from a network failure
//! (0 is success).

use d360_partner::Error;
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
    match error {
        Error::Page(page) => page.error().map_or(OTHER, code),
        Error::Credentials(_) => AUTH,
        // The token endpoint unavailable (no answer, a timeout, a 5xx) or rate limiting is
        // not a refused login.
        Error::Auth(auth) => match auth.status.map(|status| status.as_u16()) {
            None | Some(408 | 500..=599) => UNAVAILABLE,
            Some(429) => CLIENT_ERROR,
            Some(_) => AUTH,
        },
        Error::Api(api) => match api.status.as_u16() {
            401 | 403 => AUTH,
            // Request Timeout: the hub gave up waiting, a timeout like the client's own.
            408 => UNAVAILABLE,
            400..=499 => CLIENT_ERROR,
            500..=599 => UNAVAILABLE,
            _ => OTHER,
        },
        Error::Transport(_) => UNAVAILABLE,
        Error::InvalidRequest(_) | Error::Config(_) => USAGE,
        _ => OTHER,
    }
}

/// Prints `error` as one line on stderr and returns its exit code.
pub fn fail(error: &Error) -> ExitCode {
    eprintln!("d360: {}", one_line(&error.to_string()));
    ExitCode::from(code(error))
}

/// A message on one line, whatever a server put in it.
pub fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
