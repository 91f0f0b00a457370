//! A client that could not be configured ([`ConfigError`]) or has no usable credentials
//! ([`CredentialsError`]), and why, as values a caller can act on. Nothing here ever holds a
//! secret: URLs are named by their origin, credentials by what they are.

use std::fmt;

/// Why a client could not be configured.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is refused.
    BaseUrl(BaseUrlError),
    /// The proxy URL is refused.
    Proxy {
        /// Its scheme, host and port (never its user info).
        origin: String,
        /// Why.
        problem: ProxyProblem,
    },
    /// An environment variable is set but empty (one that is not a credential).
    EmptyVariable {
        /// The variable.
        variable: &'static str,
    },
    /// The user agent given to [`ClientBuilder::user_agent`](crate::ClientBuilder::user_agent)
    /// is empty (`true`) or not a header value (`false`).
    UserAgent {
        /// Whether it is empty.
        empty: bool,
    },
    /// A root certificate given to
    /// [`add_root_certificate`](crate::ClientBuilder::add_root_certificate) is no PEM
    /// certificate.
    RootCertificate {
        /// Its place in the order added, from 0.
        index: usize,
        /// Why.
        reason: String,
    },
    /// An option that [`ClientBuilder::http`](crate::ClientBuilder::http) replaces was set too.
    ReplacedByHttp {
        /// The option: `proxy` or `local_address`.
        option: &'static str,
    },
    /// The `reqwest::ClientBuilder` given to
    /// [`ClientBuilder::http`](crate::ClientBuilder::http) was taken by an earlier `build()`.
    HttpBuilderTaken,
    /// TLS could not be set up, or the HTTP client not built.
    Http(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::BaseUrl(error) => error.fmt(f),
            ConfigError::Proxy { origin, problem } => match problem {
                ProxyProblem::NotAUrl(why) => write!(f, "the proxy URL is not a URL: {why}"),
                ProxyProblem::Scheme => write!(
                    f,
                    "proxy `{origin}`: the scheme must be http, https, socks5 or socks5h"
                ),
                ProxyProblem::Unusable => write!(f, "proxy `{origin}` is not usable as a proxy"),
            },
            ConfigError::EmptyVariable { variable } => write!(f, "{variable} is set but empty"),
            ConfigError::UserAgent { empty: true } => f.write_str("the user agent is empty"),
            ConfigError::UserAgent { empty: false } => {
                f.write_str("the user agent contains characters not allowed in an HTTP header")
            }
            ConfigError::RootCertificate { index, reason } => write!(
                f,
                "root certificate #{} (in the order added) is not a PEM certificate: {reason}",
                index + 1
            ),
            ConfigError::ReplacedByHttp { option } => write!(
                f,
                "`.{option}(..)` does not apply with `.http(..)`: set it on the reqwest::ClientBuilder given there"
            ),
            ConfigError::HttpBuilderTaken => f.write_str(
                "the reqwest::ClientBuilder given to `.http(..)` was taken by an earlier build() of this builder or a clone of it; give each build its own",
            ),
            ConfigError::Http(why) => f.write_str(why),
        }
    }
}

/// Why a proxy URL is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyProblem {
    /// It does not parse; the parser's reason.
    NotAUrl(String),
    /// Its scheme is not http, https, socks5 or socks5h.
    Scheme,
    /// The HTTP library refuses it.
    Unusable,
}

/// A refused base URL: what may be shown of it, and why it is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BaseUrlError {
    /// The URL as an error may show it: its scheme, host and port; the text itself when it is no
    /// URL and cannot hold user info; `None` otherwise.
    pub shown: Option<String>,
    /// Why it is refused.
    pub problem: BaseUrlProblem,
}

/// Why a base URL is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaseUrlProblem {
    /// It has no scheme (`hub.360dialog.io`).
    NoScheme,
    /// It does not parse as a URL; the parser's reason.
    NotAUrl(String),
    /// Its scheme is neither https nor http.
    Scheme(String),
    /// It holds user info (`user:password@`).
    UserInfo,
    /// It has no host.
    NoHost,
    /// It has a query or a fragment.
    QueryOrFragment,
    /// It is plain `http://` to a host other than this machine.
    InsecureHttp,
    /// Its path ends in the operations' own prefix (`/api/v2`), which every call would then
    /// carry twice.
    ApiPrefix {
        /// The prefix: `/api/v2`.
        prefix: &'static str,
    },
}

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shown {
            Some(shown) => write!(f, "base URL `{shown}` ")?,
            None => f.write_str("the base URL ")?,
        }
        match &self.problem {
            BaseUrlProblem::NoScheme => {
                f.write_str("has no scheme: start it with https:// (or http:// for this machine)")
            }
            BaseUrlProblem::NotAUrl(why) => write!(f, "is not a URL: {why}"),
            BaseUrlProblem::Scheme(scheme) => {
                write!(f, "has the scheme {scheme}: it must start with https:// (or http://)")
            }
            BaseUrlProblem::UserInfo => f.write_str(
                "must not contain user info; use .api_key(..), .bearer_token(..) or .credentials(..)",
            ),
            BaseUrlProblem::NoHost => f.write_str("has no host"),
            BaseUrlProblem::QueryOrFragment => f.write_str("must not have a query or fragment"),
            BaseUrlProblem::InsecureHttp => f.write_str(
                "uses plain http:// to a host other than this machine, so credentials would cross \
                 the network unencrypted; use https://, or .allow_insecure_http(true) if you must",
            ),
            BaseUrlProblem::ApiPrefix { prefix } => write!(
                f,
                "ends in {prefix}, which every operation's path starts with: leave it out \
                 (`https://hub.360dialog.io`, not `https://hub.360dialog.io{prefix}`)"
            ),
        }
    }
}

/// The credential a [`CredentialsError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credential {
    /// The Partner API key.
    ApiKey,
    /// A bearer token.
    BearerToken,
    /// A partner user's email, for the token flow.
    Username,
    /// That user's password.
    Password,
}

impl Credential {
    /// `the API key`, `the bearer token`, ...
    fn described(self) -> &'static str {
        match self {
            Credential::ApiKey => "the API key",
            Credential::BearerToken => "the bearer token",
            Credential::Username => "the username",
            Credential::Password => "the password",
        }
    }

    /// The environment variable [`ClientBuilder::from_env`](crate::ClientBuilder::from_env)
    /// reads it from.
    pub fn variable(self) -> &'static str {
        match self {
            Credential::ApiKey => crate::env::API_KEY,
            Credential::BearerToken => crate::env::BEARER_TOKEN,
            Credential::Username => crate::env::USERNAME,
            Credential::Password => crate::env::PASSWORD,
        }
    }
}

/// Why a client has no usable credentials. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// None was given; `from_environment` when they were looked for in the environment.
    Missing {
        /// Whether [`from_env`](crate::ClientBuilder::from_env) looked for them.
        from_environment: bool,
    },
    /// One is empty or blank; `from_environment` when it came from its variable.
    Empty {
        /// Which.
        credential: Credential,
        /// Whether it came from the environment.
        from_environment: bool,
    },
    /// One holds characters a header cannot carry.
    NotAHeader {
        /// Which.
        credential: Credential,
    },
    /// The environment has one of the username and the password, not both.
    Incomplete {
        /// The one set.
        given: Credential,
        /// The one missing.
        missing: Credential,
    },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::env::{API_KEY, BEARER_TOKEN, PASSWORD, USERNAME};
        match self {
            CredentialsError::Missing {
                from_environment: false,
            } => f.write_str(
                "no credentials: call .api_key(..), .bearer_token(..) or .credentials(..)",
            ),
            CredentialsError::Missing {
                from_environment: true,
            } => write!(
                f,
                "no credentials: set {API_KEY} (or {BEARER_TOKEN}, or {USERNAME} and {PASSWORD})"
            ),
            CredentialsError::Empty {
                credential,
                from_environment: true,
            } => write!(f, "{} is set but empty", credential.variable()),
            CredentialsError::Empty { credential, .. } => {
                write!(f, "{} is empty", credential.described())
            }
            CredentialsError::NotAHeader { credential } => write!(
                f,
                "{} contains characters not allowed in an HTTP header",
                credential.described()
            ),
            CredentialsError::Incomplete { given, missing } => write!(
                f,
                "{} is set but {} is not",
                given.variable(),
                missing.variable()
            ),
        }
    }
}
