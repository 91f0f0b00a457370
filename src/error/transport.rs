//! Calls that got no usable answer: no complete response at all ([`TransportError`]), or a
//! login of the token flow that failed ([`AuthError`]). Both count the attempts made.

use super::api::{bounded, write_trace_id};
use reqwest::StatusCode;
use std::fmt;

/// A request that got no complete answer. Its cause is its [`source`](std::error::Error::source).
///
/// It names the [`origin`](Self::origin) it tried (scheme, host and port: never the path or
/// query, which may hold ids or secrets) and how many [`attempts`](Self::attempts) the call made.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportKind,
    origin: String,
    attempts: u32,
    source: reqwest::Error,
}

/// What kind of transport failure, as far as a caller can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TransportKind {
    /// No connection: the request never reached the hub.
    Connect,
    /// The request or connection timed out; the hub may have received it.
    Timeout,
    /// The request was (or may have been) sent, and the connection broke before a complete
    /// response arrived.
    Interrupted,
}

impl TransportError {
    /// The failure `source` of a request to `url` (of which only the origin is kept), after one
    /// attempt.
    pub(crate) fn new(source: reqwest::Error, url: &reqwest::Url) -> TransportError {
        let kind = if source.is_timeout() {
            TransportKind::Timeout
        } else if source.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Interrupted
        };
        TransportError {
            kind,
            origin: url.origin().ascii_serialization(),
            attempts: 1,
            // reqwest's error names the whole URL, path and query included; `origin` is kept.
            source: source.without_url(),
        }
    }

    /// Records that this failure ended the last of the call's `attempts` attempts.
    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }

    /// Whether the connection could not be established (so the hub never saw the request).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }

    /// Whether the request or connection timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    /// The origin the request went to: `scheme://host`, with `:port` unless it is the scheme's
    /// default (`https://hub.360dialog.io`, `http://127.0.0.1:8080`). Never a path, a query or
    /// user info.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How many attempts the call made, this failed one included: 1 when it was not retried;
    /// attempts that never connected and a repeat after a refreshed token count too.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = &self.origin;
        match self.kind {
            TransportKind::Connect => write!(f, "could not connect to {origin}"),
            TransportKind::Timeout => write!(f, "the request to {origin} timed out"),
            TransportKind::Interrupted => write!(
                f,
                "the connection to {origin} broke before a complete response arrived"
            ),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Why the username/password token flow failed. The login is sent as every call is (retries,
/// the budget, bounded reads), so it counts its [`attempts`](Self::attempts) too; when the token
/// endpoint gave no answer, the [`TransportError`] is the [`source`](std::error::Error::source).
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthError {
    /// The token endpoint's HTTP status; `None` when it did not answer.
    pub status: Option<StatusCode>,
    /// The server's message (`developer_message`, or OAuth's `error_description`/`error`), or
    /// what was wrong with its answer. Never contains the password.
    pub message: String,
    /// The hub's `360dialog_trace_id`, when its body had one.
    pub trace_id: Option<String>,
    attempts: u32,
    /// Why the token endpoint did not answer.
    cause: Option<TransportError>,
}

impl AuthError {
    /// The token endpoint's refusal, or an answer that carries no usable token.
    pub(crate) fn answered(
        status: StatusCode,
        message: String,
        trace_id: Option<String>,
        attempts: u32,
    ) -> AuthError {
        AuthError {
            status: Some(status),
            message,
            trace_id,
            attempts,
            cause: None,
        }
    }

    /// The token endpoint did not answer: `cause` says why.
    pub(crate) fn unanswered(cause: TransportError) -> AuthError {
        AuthError {
            status: None,
            message: format!("the token endpoint at {} did not answer", cause.origin()),
            trace_id: None,
            attempts: cause.attempts(),
            cause: Some(cause),
        }
    }

    /// The failure to reach the token endpoint, as the calls that waited for another call's
    /// login see it: the same message and attempts, the cause kept by the call that logged in.
    pub(crate) fn shared_unanswered(message: String, attempts: u32) -> AuthError {
        AuthError {
            status: None,
            message,
            trace_id: None,
            attempts,
            cause: None,
        }
    }

    /// How many requests the login made, as [`TransportError::attempts`] counts them.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Why the token endpoint did not answer, when it did not.
    pub fn transport(&self) -> Option<&TransportError> {
        self.cause.as_ref()
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "authentication failed")?;
        if let Some(status) = self.status {
            write!(f, ": HTTP {status}")?;
        }
        write!(f, ": {}", bounded(&self.message))?;
        write_trace_id(f, self.trace_id.as_deref())
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // `Display` says the endpoint did not answer; the transport error says why, once.
        self.cause.as_ref().and_then(std::error::Error::source)
    }
}
