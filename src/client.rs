//! The [`Client`] and its [`ClientBuilder`]: credentials, base URL, HTTP settings, timeouts,
//! retries, and the environment. Every guard of the builder (https off this machine, no
//! redirects, credentials required and non-empty) holds for every client, since the builder is
//! the only way to make one.

use crate::auth::{Auth, RequestAuth};
use crate::body::DEFAULT_MAX_RESPONSE_BYTES;
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The hub the client talks to unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://hub.360dialog.io";
/// Default limit for a whole request, from connecting to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// What the client calls itself in `User-Agent`, after what [`ClientBuilder::user_agent`] adds.
const USER_AGENT: &str = concat!("d360-partner-rust/", env!("CARGO_PKG_VERSION"));

/// Environment variables read by [`ClientBuilder::from_env`]. The `D360_PARTNER_` prefix keeps
/// the Partner API key apart from a channel's messaging key (`D360-API-KEY`).
pub mod env {
    /// The Partner API key, sent as `X-API-Key`. Wins over the bearer token when both are set.
    pub const API_KEY: &str = "D360_PARTNER_API_KEY";
    /// A bearer token for the Partner API. Wins over username and password.
    pub const BEARER_TOKEN: &str = "D360_PARTNER_BEARER_TOKEN";
    /// A partner user's email, for the token flow (with [`PASSWORD`]).
    pub const USERNAME: &str = "D360_PARTNER_USERNAME";
    /// That user's password.
    pub const PASSWORD: &str = "D360_PARTNER_PASSWORD";
    /// Overrides the base URL (default `https://hub.360dialog.io`).
    pub const BASE_URL: &str = "D360_PARTNER_BASE_URL";
    /// The partner's id, for the command line's `--partner-id`.
    pub const PARTNER_ID: &str = "D360_PARTNER_ID";
    /// The partner's platform secret, which signs webhooks and onboarding links (not read by
    /// [`from_env`](super::ClientBuilder::from_env): the API does not use it).
    pub const PLATFORM_SECRET: &str = "D360_PARTNER_PLATFORM_SECRET";
    /// The platform secret being rotated out, still accepted on webhooks during a rotation.
    pub const PREVIOUS_PLATFORM_SECRET: &str = "D360_PARTNER_PREVIOUS_PLATFORM_SECRET";
}

/// A client of the 360dialog Partner API: one method per operation of the spec, each returning
/// a request builder to set parameters on and `.await`.
///
/// Build one with [`Client::builder`] or [`Client::from_env`]. Cloning is cheap, and clones share
/// the connection pool and the token cache of the username/password flow. Its `Debug` never
/// shows a secret.
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

/// What every request of a client (and its clones) shares.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    /// Scheme, host, port and path prefix, without a trailing `/`.
    pub(crate) base_url: reqwest::Url,
    pub(crate) auth: RequestAuth,
    pub(crate) retry: RetryPolicy,
    /// The limit of one attempt (lowered to what is left of the retry budget).
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    /// What the HTTP client sends as `User-Agent` (kept to show in dry runs).
    pub(crate) user_agent: reqwest::header::HeaderValue,
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

    /// The hub's base URL, e.g. `https://hub.360dialog.io`.
    pub fn base_url(&self) -> &str {
        self.shared.base_url.as_str().trim_end_matches('/')
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("auth", &self.shared.auth)
            .field("retry", &self.shared.retry)
            .field("timeout", &self.shared.timeout)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]. Every setter consumes and returns the builder.
///
/// ```
/// use std::time::Duration;
/// let client = d360_partner::Client::builder()
///     .api_key("my-partner-api-key")
///     .timeout(Duration::from_secs(10))
///     .user_agent("acme-onboarding/2.1")
///     .build()?;
/// assert_eq!(client.base_url(), "https://hub.360dialog.io");
/// # Ok::<(), d360_partner::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    base_url: String,
    auth: Option<Auth>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    allow_insecure_http: bool,
    /// Kept secret: a proxy URL may carry the proxy's credentials.
    proxy: Option<SecretString>,
    extra_roots: RootCertificates,
    user_agent: Option<String>,
    local_address: Option<IpAddr>,
    http: Option<GivenHttp>,
}

/// The `reqwest::ClientBuilder` given to [`ClientBuilder::http`]. reqwest's builder cannot be
/// cloned, so clones of a `ClientBuilder` share it and the first `build()` among them takes it.
/// `Debug` does not show its settings (its proxies or default headers may hold secrets).
#[derive(Clone)]
struct GivenHttp(Arc<Mutex<Option<reqwest::ClientBuilder>>>);

impl fmt::Debug for GivenHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reqwest::ClientBuilder")
    }
}

/// PEM root certificates, shown by count in `Debug`.
#[derive(Clone, Default)]
struct RootCertificates(Vec<Vec<u8>>);

impl fmt::Debug for RootCertificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} extra root certificate(s)", self.0.len())
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_string(),
            auth: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            proxy: None,
            extra_roots: RootCertificates::default(),
            user_agent: None,
            local_address: None,
            http: None,
        }
    }
}

impl ClientBuilder {
    /// A builder filled from the environment: [`env::API_KEY`], else [`env::BEARER_TOKEN`], else
    /// [`env::USERNAME`] with [`env::PASSWORD`]; and [`env::BASE_URL`] when set. Fails when no
    /// credential is set, one is set but empty, or a username comes without its password. Which
    /// credential was chosen is logged at debug level.
    pub fn from_env() -> Result<ClientBuilder> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over any lookup, so it can be tested without touching the
    /// process environment.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let read = |name: &str| match lookup(name) {
            Some(value) if value.trim().is_empty() => {
                let message = format!("{name} is set but empty");
                Err(match name {
                    env::BASE_URL => Error::Config(message),
                    _ => Error::Credentials(message),
                })
            }
            other => Ok(other),
        };
        let builder = ClientBuilder::default();
        let key = read(env::API_KEY)?;
        let token = read(env::BEARER_TOKEN)?;
        let username = read(env::USERNAME)?;
        let password = read(env::PASSWORD)?;
        let (mut builder, chosen) = match (key, token, username, password) {
            (Some(key), ..) => (builder.api_key(key), env::API_KEY),
            (None, Some(token), ..) => (builder.bearer_token(token), env::BEARER_TOKEN),
            (None, None, Some(username), Some(password)) => {
                (builder.credentials(username, password), env::USERNAME)
            }
            (None, None, Some(_), None) => {
                return Err(Error::Credentials(format!(
                    "{} is set but {} is not",
                    env::USERNAME,
                    env::PASSWORD
                )));
            }
            (None, None, None, Some(_)) => {
                return Err(Error::Credentials(format!(
                    "{} is set but {} is not",
                    env::PASSWORD,
                    env::USERNAME
                )));
            }
            (None, None, None, None) => {
                return Err(Error::Credentials(format!(
                    "no credentials: set {} (or {}, or {} and {})",
                    env::API_KEY,
                    env::BEARER_TOKEN,
                    env::USERNAME,
                    env::PASSWORD
                )));
            }
        };
        tracing::debug!(
            credential = chosen,
            "chose credentials from the environment"
        );
        if let Some(url) = read(env::BASE_URL)? {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// Authenticate with the Partner API key, sent as `X-API-Key` (360dialog's preferred method).
    /// Replaces credentials set earlier.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = Some(Auth::ApiKey(SecretString::from(key.into())));
        self
    }

    /// Authenticate with a bearer token (`Authorization: Bearer ...`). Replaces credentials set
    /// earlier.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(SecretString::from(token.into())));
        self
    }

    /// Authenticate with a partner user's email and password: the client exchanges them for a
    /// bearer token at `POST /api/v2/token`, reuses it, refreshes it shortly before it expires
    /// (and once when the hub answers 401), and makes one token request however many requests
    /// wait for it. Replaces credentials set earlier.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::Credentials {
            username: username.into(),
            password: SecretString::from(password.into()),
        });
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

    /// How many times a failed request is sent again (default 3; `0` turns retries off).
    ///
    /// Retried: connection failures, timeouts, 408, 429, 502, 503 and 504, waiting as
    /// `Retry-After` asks or with exponential backoff and jitter. GET, PUT and DELETE are retried
    /// on all of them; PATCH and POST only when the hub provably did not process the request
    /// (the connection failed, or it answered 429), unless
    /// [`retry_non_idempotent`](Self::retry_non_idempotent) is set.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The most time one call may take, waits and attempts included (default 60 s): a retry
    /// whose wait would overrun it is not made, and each attempt's timeout is cut to what is
    /// left of it. A login for the token flow is bounded by the timeout alone.
    pub fn retry_budget(mut self, budget: Duration) -> Self {
        self.retry.budget = budget;
        self
    }

    /// The longest `Retry-After` the client waits for (default 30 s); a longer one ends the call
    /// with the error, whose [`Error::retry_after`] tells the wait.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.retry.max_retry_after = wait;
        self
    }

    /// Also retry PATCH and POST after a timeout, a broken-off response, 408, 502, 503 or 504
    /// (default `false`): only safe when sending the same update twice does no harm. (A 429 and
    /// a failed connection are retried for every method anyway.)
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry.retry_non_idempotent = retry;
        self
    }

    /// The largest response body the client reads (default 32 MiB); a larger one ends the call
    /// with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allow a plain `http://` base URL for a host other than this machine (default `false`).
    /// Without it such a URL is refused, since credentials would cross the network unencrypted.
    /// Loopback hosts (`127.0.0.1`, `::1`, `localhost`), as used by mock servers, are always
    /// allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Send every request through this proxy, e.g. `http://proxy.internal:3128` (an HTTP proxy:
    /// HTTPS to the hub is tunnelled through it, so the proxy sees no credentials). Credentials
    /// in the proxy URL (`http://user:pass@proxy:3128`) are kept secret. Without it, reqwest's
    /// default applies: the `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` environment variables.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(SecretString::from(url.into()));
        self
    }

    /// Also trust this root certificate (PEM, one or more certificates) for HTTPS, e.g. a
    /// corporate TLS-inspecting proxy's. The operating system's roots stay trusted.
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.0.push(pem.into());
        self
    }

    /// Name your application in the `User-Agent` header, e.g. `acme-onboarding/2.1`; the
    /// client's own name and version follow it (`acme-onboarding/2.1 d360-partner-rust/0.1.0`),
    /// so 360dialog support can tell both apart.
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// Connect from this local IP address (on a machine with several).
    pub fn local_address(mut self, address: IpAddr) -> Self {
        self.local_address = Some(address);
        self
    }

    /// Builds the client's HTTP layer from your own `reqwest::ClientBuilder`: connection pool,
    /// TCP settings, a custom DNS resolver, a proxy, a local address, default headers.
    /// [`d360_partner::reqwest`](crate::reqwest) is the reqwest this crate uses; reqwest
    /// features you enable in your own dependency on it (`http2`, `hickory-dns`, ...) apply too.
    ///
    /// The given builder replaces this builder's connection options: its proxy (none set means
    /// reqwest's default, the `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables) and local
    /// address are used, so [`proxy`](Self::proxy) and [`local_address`](Self::local_address)
    /// cannot be combined with it (`build()` says so). The client keeps, and sets on the given
    /// builder over what it holds:
    ///
    /// - the timeouts, [`timeout`](Self::timeout) and [`connect_timeout`](Self::connect_timeout)
    ///   (defaults 30 s and 10 s): the retry budget cuts each attempt's timeout relative to them;
    /// - TLS: this crate's backend with the operating system's roots and
    ///   [`add_root_certificate`](Self::add_root_certificate). With the default `rustls`
    ///   feature the given builder's TLS settings are replaced by a preconfigured rustls; with
    ///   `native-tls` the platform backend is selected and the given builder's own TLS settings
    ///   (such as accepting invalid certificates) stay in force, so do not set them there;
    /// - the user agent: [`user_agent`](Self::user_agent) followed by `d360-partner-rust/<version>`;
    /// - redirects are never followed (they would carry the credentials elsewhere).
    ///
    /// Every other guard holds as without it: plain `http://` to a host other than this machine
    /// is refused unless [`allow_insecure_http`](Self::allow_insecure_http), and credentials are
    /// required. The given builder makes one client: clones of this builder share it, and a
    /// second `build()` among them is an [`Error::Config`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let http = d360_partner::reqwest::Client::builder()
    ///     .pool_max_idle_per_host(4)
    ///     .pool_idle_timeout(Duration::from_secs(30))
    ///     .tcp_keepalive(Duration::from_secs(60));
    /// let client = d360_partner::Client::builder()
    ///     .api_key("your-partner-api-key")
    ///     .http(http)
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), d360_partner::Error>(())
    /// ```
    pub fn http(mut self, http: reqwest::ClientBuilder) -> Self {
        self.http = Some(GivenHttp(Arc::new(Mutex::new(Some(http)))));
        self
    }

    /// Builds the client, checking the configuration: credentials are required and must not
    /// be empty, the base URL must be `https://` unless it is this machine (or
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set), and redirects are never
    /// followed, whatever else is configured.
    pub fn build(self) -> Result<Client> {
        let auth = self.auth.ok_or_else(|| {
            Error::Credentials(
                "no credentials: call .api_key(..), .bearer_token(..) or .credentials(..)".into(),
            )
        })?;
        let base_url = normalize_base_url(&self.base_url, self.allow_insecure_http)?;
        let request_auth = auth
            .for_requests(base_url.as_str().trim_end_matches('/'))
            .map_err(|why| Error::Credentials(why.into()))?;
        let user_agent = match &self.user_agent {
            Some(product) if product.trim().is_empty() => {
                return Err(Error::Config("the user agent is empty".into()));
            }
            Some(product) => format!("{} {USER_AGENT}", product.trim()),
            None => USER_AGENT.to_string(),
        };
        let user_agent = reqwest::header::HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config("the user agent contains characters not allowed in an HTTP header".into())
        })?;
        let http = match &self.http {
            Some(given) => {
                let replaced = |option: &str| {
                    Error::Config(format!(
                        "`.{option}(..)` does not apply with `.http(..)`: set it on the reqwest::ClientBuilder given there"
                    ))
                };
                if self.proxy.is_some() {
                    return Err(replaced("proxy"));
                }
                if self.local_address.is_some() {
                    return Err(replaced("local_address"));
                }
                let taken = given.0.lock().unwrap_or_else(|e| e.into_inner()).take();
                taken.ok_or_else(|| {
                    Error::Config(
                        "the reqwest::ClientBuilder given to `.http(..)` was taken by an earlier build() of this builder or a clone of it; give each build its own".into(),
                    )
                })?
            }
            None => {
                let mut http = reqwest::ClientBuilder::new().local_address(self.local_address);
                if let Some(proxy) = &self.proxy {
                    http = http.proxy(proxy_from(proxy)?);
                }
                http
            }
        };
        // Set last, over anything the given builder holds: the guards and what the retry
        // budget relies on.
        let http = crate::tls::configure(http, &self.extra_roots.0)?
            .user_agent(user_agent.clone())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // A redirect would carry the API key or the password (reqwest strips only
            // `Authorization`) to wherever it points; the Partner API does not redirect.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                auth: request_auth,
                retry: self.retry,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                user_agent,
            }),
        })
    }
}

/// The proxy for a URL, with an error naming only its scheme, host and port.
fn proxy_from(url: &SecretString) -> Result<reqwest::Proxy> {
    let parsed = reqwest::Url::parse(url.expose_secret())
        .map_err(|e| Error::Config(format!("the proxy URL is not a URL: {e}")))?;
    let origin = scheme_host_port(&parsed);
    if !matches!(parsed.scheme(), "http" | "https" | "socks5" | "socks5h") {
        return Err(Error::Config(format!(
            "proxy `{origin}`: the scheme must be http, https, socks5 or socks5h"
        )));
    }
    reqwest::Proxy::all(parsed)
        .map_err(|_| Error::Config(format!("proxy `{origin}` is not usable as a proxy")))
}

/// Checks a base URL; the result has no trailing `/` in its path unless it is the root.
fn normalize_base_url(url: &str, allow_insecure_http: bool) -> Result<reqwest::Url> {
    // Messages name the URL by scheme, host and port only: user info or a query could hold a
    // secret.
    let mut parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::Config(format!("the base URL is not a URL: {e}")))?;
    let invalid =
        |why: &str| Error::Config(format!("base URL `{}` {why}", scheme_host_port(&parsed)));
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Credentials belong in `api_key`/`bearer_token`/`credentials`, where they are kept secret.
        return Err(invalid(
            "must not contain user info; use .api_key(..), .bearer_token(..) or .credentials(..)",
        ));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("must start with https:// (or http://)"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    if parsed.scheme() == "http" && !allow_insecure_http && !is_loopback(&parsed) {
        return Err(invalid(
            "uses plain http:// to a host other than this machine, so credentials would cross \
             the network unencrypted; use https://, or .allow_insecure_http(true) if you must",
        ));
    }
    let prefix = parsed.path().trim_end_matches('/').to_string();
    parsed.set_path(&prefix);
    Ok(parsed)
}

/// `scheme://host:port` of a URL: what error messages may name of it, since user info, a path
/// or a query could hold a secret.
fn scheme_host_port(url: &reqwest::Url) -> String {
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{}://{}{port}",
        url.scheme(),
        url.host_str().unwrap_or_default()
    )
}

/// Whether the URL's host is this machine: `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn fixed_header(client: &Client) -> (String, bool) {
        match &client.shared.auth {
            RequestAuth::Fixed(name, value) => (name.to_string(), value.is_sensitive()),
            RequestAuth::Token(_) => panic!("expected a fixed credential header"),
        }
    }

    #[test]
    fn env_api_key_wins_over_bearer_token_and_credentials() {
        let builder = ClientBuilder::from_lookup(lookup(&[
            (env::API_KEY, "k"),
            (env::BEARER_TOKEN, "t"),
            (env::USERNAME, "u@example.com"),
            (env::PASSWORD, "p"),
        ]))
        .unwrap();
        assert_eq!(builder.auth.as_ref().map(Auth::kind), Some("api_key"));
        let client = builder.build().unwrap();
        assert_eq!(fixed_header(&client), ("x-api-key".into(), true));
    }

    #[test]
    fn env_username_and_password_choose_the_token_flow() {
        let builder = ClientBuilder::from_lookup(lookup(&[
            (env::USERNAME, "u@example.com"),
            (env::PASSWORD, "p"),
        ]))
        .unwrap();
        assert_eq!(
            builder.auth.as_ref().map(Auth::kind),
            Some("username_password")
        );
        let err = ClientBuilder::from_lookup(lookup(&[(env::USERNAME, "u@example.com")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid client configuration: D360_PARTNER_USERNAME is set but D360_PARTNER_PASSWORD is not"
        );
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
        assert_eq!(client.base_url(), "http://127.0.0.1:8080");
        assert_eq!(fixed_header(&client), ("authorization".into(), true));
    }

    #[test]
    fn env_without_credentials_names_the_variables() {
        let err = ClientBuilder::from_lookup(lookup(&[]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid client configuration: no credentials: set D360_PARTNER_API_KEY (or D360_PARTNER_BEARER_TOKEN, or D360_PARTNER_USERNAME and D360_PARTNER_PASSWORD)"
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
            (
                "https://user:pw@hub.360dialog.io/?x=1",
                "must not contain user info",
            ),
            (
                "https://hub.360dialog.io/?api_key=pw",
                "must not have a query",
            ),
            (
                "http://hub.360dialog.io",
                "uses plain http:// to a host other than this machine, so credentials would cross the network unencrypted; use https://, or .allow_insecure_http(true)",
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
    fn plain_http_is_allowed_for_loopback_hosts_and_by_explicit_opt_in() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(
                Client::builder().api_key("k").base_url(url).build().is_ok(),
                "{url}"
            );
        }
        let opted_in = Client::builder()
            .api_key("k")
            .base_url("http://hub.internal")
            .allow_insecure_http(true)
            .build();
        assert!(opted_in.is_ok());
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
    fn empty_credentials_are_refused_naming_which() {
        for (builder, what) in [
            (Client::builder().api_key(""), "the API key is empty"),
            (Client::builder().api_key(" "), "the API key is empty"),
            (
                Client::builder().bearer_token(""),
                "the bearer token is empty",
            ),
            (
                Client::builder().credentials("", "p"),
                "the username is empty",
            ),
            (
                Client::builder().credentials("u@example.com", ""),
                "the password is empty",
            ),
        ] {
            assert_eq!(
                builder.build().unwrap_err().to_string(),
                format!("invalid client configuration: {what}")
            );
        }
    }

    #[test]
    fn a_proxy_url_is_checked_and_its_credentials_stay_secret() {
        let builder = Client::builder()
            .api_key("k")
            .proxy("http://user:proxy-pass-9@127.0.0.1:3128");
        assert!(!format!("{builder:?}").contains("proxy-pass-9"));
        assert!(builder.build().is_ok());
        let err = Client::builder()
            .api_key("k")
            .proxy("ftp://user:proxy-pass-9@proxy.internal:2121/x")
            .build()
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid client configuration: proxy `ftp://proxy.internal:2121`: the scheme must be http, https, socks5 or socks5h"
        );
    }

    #[test]
    fn the_user_agent_names_the_application_then_the_client() {
        let err = Client::builder()
            .api_key("k")
            .user_agent(" ")
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid client configuration: the user agent is empty"
        );
        let err = Client::builder()
            .api_key("k")
            .user_agent("a\nb")
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("user agent contains characters"),
            "{err}"
        );
    }

    #[test]
    fn debug_output_redacts_every_kind_of_secret() {
        let builders = [
            Client::builder().api_key("super-secret-key-123"),
            Client::builder().bearer_token("super-secret-key-123"),
            Client::builder().credentials("user@example.com", "super-secret-key-123"),
        ];
        for builder in builders {
            let client = builder.clone().build().unwrap();
            for text in [format!("{builder:?}"), format!("{client:?}")] {
                assert!(!text.contains("super-secret-key-123"), "{text}");
                assert!(text.contains("[redacted]"), "{text}");
            }
        }
    }
}
