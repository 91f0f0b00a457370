//! What each request carries to authenticate: the Partner API key (`X-API-Key`, preferred by
//! 360dialog) or a bearer token, computed once as a header value marked sensitive, or a token
//! the username/password flow obtains and refreshes (`login.rs`). Neither `Debug` output nor
//! HTTP-level logging can show a secret.

use crate::call::login::TokenSource;
use crate::secret::REDACTED;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;

/// The header the Partner API key travels in.
pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// What each request carries to authenticate.
#[derive(Clone)]
pub(crate) enum RequestAuth {
    /// The same header on every request (API key or bearer token), computed once.
    Fixed(HeaderName, HeaderValue),
    /// A bearer token obtained and refreshed from the username and password.
    Token(Arc<TokenSource>),
    /// None: a client made for dry runs, whose calls are refused before sending;
    /// `from_environment` when the environment was searched for one.
    Missing { from_environment: bool },
}

impl fmt::Debug for RequestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestAuth::Fixed(name, _) => write!(f, "Fixed({name}: {REDACTED})"),
            RequestAuth::Token(source) => write!(f, "Token({source:?})"),
            RequestAuth::Missing { .. } => f.write_str("Missing"),
        }
    }
}
