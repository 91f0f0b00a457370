//! How requests authenticate: the Partner API key (`X-API-Key`, preferred by 360dialog) or a
//! bearer token. The secret lives in a [`SecretString`] and leaves it only as a header value
//! marked sensitive, so neither `Debug` output nor HTTP-level logging can show it.

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// The header the Partner API key travels in.
pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The credentials a client sends. Private: users choose through the builder's `api_key` and
/// `bearer_token`, each replacing the other.
#[derive(Clone)]
pub(crate) enum Auth {
    ApiKey(SecretString),
    Bearer(SecretString),
}

impl Auth {
    /// The header carrying these credentials, marked sensitive.
    pub(crate) fn header(&self) -> Result<(HeaderName, HeaderValue), &'static str> {
        let (name, value) = match self {
            Auth::ApiKey(key) => (API_KEY_HEADER, HeaderValue::from_str(key.expose_secret())),
            Auth::Bearer(token) => (
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())),
            ),
        };
        // Name the kind of credential, never its value.
        let mut value = value.map_err(|_| match self {
            Auth::ApiKey(_) => "the API key contains characters not allowed in an HTTP header",
            Auth::Bearer(_) => "the bearer token contains characters not allowed in an HTTP header",
        })?;
        value.set_sensitive(true);
        Ok((name, value))
    }

    /// What kind of credential this is, for logs and `Debug`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Auth::ApiKey(_) => "api_key",
            Auth::Bearer(_) => "bearer_token",
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}([REDACTED])", self.kind())
    }
}
