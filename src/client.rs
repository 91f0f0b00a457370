//! Building a [`Client`]: credentials, base URL, timeouts, and the environment.

use crate::Client;
use crate::auth::Auth;
use crate::error::{Error, Result};
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::SecretString;
use std::fmt;
use std::time::Duration;

/// The hub the client talks to unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://hub.360dialog.io";
/// Default limit for a whole request, from connecting to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Environment variables read by [`ClientBuilder::from_env`]. The `D360_PARTNER_` prefix keeps
/// the Partner API key apart from a channel's messaging key (`D360-API-KEY`).
pub mod env {
    /// The Partner API key, sent as `X-API-Key`. Wins over the bearer token when both are set.
    pub const API_KEY: &str = "D360_PARTNER_API_KEY";
    /// A bearer token for the Partner API.
    pub const BEARER_TOKEN: &str = "D360_PARTNER_BEARER_TOKEN";
    /// Overrides the base URL (default `https://hub.360dialog.io`).
    pub const BASE_URL: &str = "D360_PARTNER_BASE_URL";
}

/// Configuration every request of a [`Client`] shares: what the hooks add to each request.
///
/// Opaque: built by [`ClientBuilder`], read by the request hooks. Its `Debug` never shows the
/// credential.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) auth_kind: &'static str,
    /// The credential header, marked sensitive, computed once at build time.
    pub(crate) auth_header: (HeaderName, HeaderValue),
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("auth", &format_args!("{}([REDACTED])", self.auth_kind))
            .finish()
    }
}

impl Client {
    /// Starts configuring a client. See [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

/// Configures a [`Client`]. Every setter consumes and returns the builder.
///
/// ```
/// use d360_partner::ClientInfo; // for `baseurl()`
/// use std::time::Duration;
/// let client = d360_partner::Client::builder()
///     .api_key("my-partner-api-key")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// assert_eq!(client.baseurl(), "https://hub.360dialog.io");
/// # Ok::<(), d360_partner::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    base_url: String,
    auth: Option<Auth>,
    timeout: Duration,
    connect_timeout: Duration,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_string(),
            auth: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }
}

impl ClientBuilder {
    /// A builder filled from the environment: [`env::API_KEY`] or else [`env::BEARER_TOKEN`],
    /// and [`env::BASE_URL`] when set. Fails when no credential is set, or one is set but empty.
    pub fn from_env() -> Result<ClientBuilder> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over any lookup, so it can be tested without touching the
    /// process environment.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let read = |name: &str| match lookup(name) {
            Some(value) if value.trim().is_empty() => {
                Err(Error::Config(format!("{name} is set but empty")))
            }
            other => Ok(other),
        };
        let mut builder = ClientBuilder::default();
        builder = match (read(env::API_KEY)?, read(env::BEARER_TOKEN)?) {
            (Some(key), _) => builder.api_key(key),
            (None, Some(token)) => builder.bearer_token(token),
            (None, None) => {
                return Err(Error::Config(format!(
                    "no credentials: set {} (or {})",
                    env::API_KEY,
                    env::BEARER_TOKEN
                )));
            }
        };
        if let Some(url) = read(env::BASE_URL)? {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// Authenticate with the Partner API key, sent as `X-API-Key` (360dialog's preferred method).
    /// Replaces a bearer token set earlier.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = Some(Auth::ApiKey(SecretString::from(key.into())));
        self
    }

    /// Authenticate with a bearer token (`Authorization: Bearer ...`). Replaces an API key set
    /// earlier.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(SecretString::from(token.into())));
        self
    }

    /// The hub's base URL, scheme and host (and optionally port and path prefix), e.g. a mock
    /// server's. Default [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Limit for a whole request. Default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for establishing a connection. Default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client> {
        let auth = self.auth.ok_or_else(|| {
            Error::Config("no credentials: call .api_key(..) or .bearer_token(..)".into())
        })?;
        let auth_header = auth.header().map_err(|why| Error::Config(why.into()))?;
        let base_url = normalize_base_url(&self.base_url)?;
        let http = crate::tls::configure(reqwest::ClientBuilder::new())?
            .user_agent(concat!("d360-partner-rust/", env!("CARGO_PKG_VERSION")))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let state = ClientState {
            auth_kind: auth.kind(),
            auth_header,
        };
        Ok(Client::new_with_client(&base_url, http, state))
    }
}

/// Checks a base URL and drops a trailing `/` (operation paths start with one).
fn normalize_base_url(url: &str) -> Result<String> {
    let invalid = |why: &str| Error::Config(format!("base URL `{url}` {why}"));
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&format!("is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("must start with https:// (or http://)"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Credentials belong in `api_key`/`bearer_token`, where they are kept secret.
        return Err(Error::Config(
            "base URL must not contain user info; use .api_key(..) or .bearer_token(..)".into(),
        ));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClientInfo;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn env_api_key_wins_over_bearer_token() {
        let builder =
            ClientBuilder::from_lookup(lookup(&[(env::API_KEY, "k"), (env::BEARER_TOKEN, "t")]))
                .unwrap();
        assert_eq!(builder.auth.as_ref().map(Auth::kind), Some("api_key"));
        let client = builder.build().unwrap();
        assert_eq!(client.inner().auth_header.0, "x-api-key");
    }

    #[test]
    fn env_bearer_token_and_base_url() {
        let vars = [
            (env::BEARER_TOKEN, "t"),
            (env::BASE_URL, "http://127.0.0.1:8080/"),
        ];
        let client = ClientBuilder::from_lookup(lookup(&vars))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.baseurl(), "http://127.0.0.1:8080");
        assert_eq!(client.inner().auth_header.0, "authorization");
        assert!(client.inner().auth_header.1.is_sensitive());
    }

    #[test]
    fn env_without_credentials_names_the_variables() {
        let err = ClientBuilder::from_lookup(lookup(&[]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid client configuration: no credentials: set D360_PARTNER_API_KEY (or D360_PARTNER_BEARER_TOKEN)"
        );
        let err = ClientBuilder::from_lookup(lookup(&[(env::API_KEY, " ")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid client configuration: D360_PARTNER_API_KEY is set but empty"
        );
    }

    #[test]
    fn bad_base_urls_are_refused_with_the_reason() {
        for (url, why) in [
            ("hub.360dialog.io", "is not a URL"),
            ("ftp://hub.360dialog.io", "must start with https://"),
            ("https://hub.360dialog.io/?x=1", "must not have a query"),
            (
                "https://user:pw@hub.360dialog.io",
                "must not contain user info",
            ),
        ] {
            let err = Client::builder()
                .api_key("k")
                .base_url(url)
                .build()
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{url}: {err}");
            assert!(
                !err.contains("pw@"),
                "the URL's password must not be echoed: {err}"
            );
        }
    }

    #[test]
    fn building_without_credentials_fails() {
        let err = Client::builder().build().unwrap_err().to_string();
        assert!(err.contains("no credentials"), "{err}");
    }

    #[test]
    fn a_key_that_cannot_be_a_header_is_refused_without_echoing_it() {
        let err = Client::builder()
            .api_key("bad\nsecret-value")
            .build()
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid client configuration: the API key contains characters not allowed in an HTTP header"
        );
    }

    #[test]
    fn debug_output_redacts_the_secret() {
        let builder = Client::builder().api_key("super-secret-key-123");
        let client = builder.clone().build().unwrap();
        for text in [
            format!("{builder:?}"),
            format!("{client:?}"),
            format!("{:?}", client.inner()),
        ] {
            assert!(!text.contains("super-secret-key-123"), "{text}");
            assert!(
                text.contains("REDACTED") || text.contains("Sensitive"),
                "{text}"
            );
        }
    }
}
