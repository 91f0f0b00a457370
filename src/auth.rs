//! How requests authenticate: the Partner API key (`X-API-Key`, preferred by 360dialog), a
//! bearer token, or a partner user's email and password exchanged for tokens (see
//! [`token`](crate::token)). Secrets live in [`SecretString`] and leave it only as header values
//! marked sensitive, so neither `Debug` output nor HTTP-level logging can show them.

use crate::error::REDACTED;
use crate::token::{TokenSource, bearer_header, sensitive_header};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;

/// The header the Partner API key travels in.
pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The credentials a builder was given. Private: users choose through the builder's `api_key`,
/// `bearer_token` and `credentials`, each replacing the others.
#[derive(Clone)]
pub(crate) enum Auth {
    ApiKey(SecretString),
    Bearer(SecretString),
    Credentials {
        username: String,
        password: SecretString,
    },
}

/// What each request carries to authenticate.
#[derive(Clone)]
pub(crate) enum RequestAuth {
    /// The same header on every request (API key or bearer token), computed once.
    Fixed(HeaderName, HeaderValue),
    /// A bearer token obtained and refreshed from the username and password.
    Token(Arc<TokenSource>),
}

impl Auth {
    /// What requests to `base_url` carry to authenticate.
    pub(crate) fn for_requests(&self, base_url: &str) -> Result<RequestAuth, &'static str> {
        Ok(match self {
            Auth::ApiKey(key) => {
                RequestAuth::Fixed(API_KEY_HEADER, api_key_header(key.expose_secret())?)
            }
            Auth::Bearer(token) => {
                if token.expose_secret().trim().is_empty() {
                    return Err("the bearer token is empty");
                }
                RequestAuth::Fixed(
                    AUTHORIZATION,
                    bearer_header(token.expose_secret()).ok_or(
                        "the bearer token contains characters not allowed in an HTTP header",
                    )?,
                )
            }
            Auth::Credentials { username, password } => {
                if username.trim().is_empty() {
                    return Err("the username is empty");
                }
                if password.expose_secret().is_empty() {
                    return Err("the password is empty");
                }
                RequestAuth::Token(Arc::new(TokenSource::new(
                    base_url,
                    username.clone(),
                    password.clone(),
                )))
            }
        })
    }

    /// What kind of credential this is, for logs and `Debug`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Auth::ApiKey(_) => "api_key",
            Auth::Bearer(_) => "bearer_token",
            Auth::Credentials { .. } => "username_password",
        }
    }
}

/// The API key's header value: refused when empty (every call would be a 401) or not a valid
/// header, without echoing the key.
fn api_key_header(key: &str) -> Result<HeaderValue, &'static str> {
    if key.trim().is_empty() {
        return Err("the API key is empty");
    }
    sensitive_header(key).ok_or("the API key contains characters not allowed in an HTTP header")
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The username is an account name, not a secret; showing it helps tell clients apart.
            Auth::Credentials { username, .. } => f
                .debug_struct("Credentials")
                .field("username", username)
                .field("password", &REDACTED)
                .finish(),
            _ => write!(f, "{}({REDACTED})", self.kind()),
        }
    }
}

impl fmt::Debug for RequestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestAuth::Fixed(name, _) => write!(f, "Fixed({name}: {REDACTED})"),
            RequestAuth::Token(source) => write!(f, "Token({source:?})"),
        }
    }
}
