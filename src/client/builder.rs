//! [`ClientBuilder`]: credentials, base URL, HTTP settings, timeouts and retries, checked when
//! the client is built. Every guard (https off this machine, no redirects, credentials required
//! and non-empty) holds for every client, since the builder is the only way to make one.

use crate::call::auth::RequestAuth;
use crate::call::retry::RetryPolicy;
use crate::call::shared::Shared;
use crate::client::Client;
use crate::client::credentials::Auth;
use crate::client::http::{GivenHttp, HttpOptions, RootCertificates};
use crate::error::{ConfigError, CredentialsError, ErrorKind, Result};
use secrecy::SecretString;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the client calls itself in `User-Agent`, after what [`ClientBuilder::user_agent`] adds.
const USER_AGENT: &str = concat!("d360-partner-rust/", env!("CARGO_PKG_VERSION"));

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
    base_url: GivenBaseUrl,
    pub(super) auth: Option<Auth>,
    /// Whether the credentials were looked for in the environment (for the refusal's words).
    pub(super) from_environment: bool,
    /// Build without credentials, for dry runs.
    dry_run_only: bool,
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

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: GivenBaseUrl(Self::DEFAULT_BASE_URL.to_string()),
            auth: None,
            from_environment: false,
            dry_run_only: false,
            timeout: Self::DEFAULT_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
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
    /// The hub the client talks to unless told otherwise.
    pub const DEFAULT_BASE_URL: &'static str = "https://hub.360dialog.io";
    /// Default limit for a whole request, from connecting to the last byte of the response.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default limit for establishing a connection.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default limit on a response body (32 MiB): far above any Partner API answer, far below
    /// what would hurt a process.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = crate::call::body::DEFAULT_MAX_RESPONSE_BYTES;
    /// Default number of retries after the first attempt.
    pub const DEFAULT_MAX_RETRIES: u32 = crate::call::retry::DEFAULT_MAX_RETRIES;
    /// Default limit on the time one call may spend, waits and attempts included.
    pub const DEFAULT_RETRY_BUDGET: Duration = crate::call::retry::DEFAULT_RETRY_BUDGET;
    /// Default longest `Retry-After` the client waits for; a longer one ends the call with the
    /// 429 or 503 error, whose [`retry_after`](crate::Error::retry_after) says how long to wait.
    pub const DEFAULT_MAX_RETRY_AFTER: Duration = crate::call::retry::DEFAULT_MAX_RETRY_AFTER;

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
    /// server's. Default [`DEFAULT_BASE_URL`](Self::DEFAULT_BASE_URL).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = GivenBaseUrl(url.into());
        self
    }

    /// Limit for a whole request. Default [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for establishing a connection. Default [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT).
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
    /// left of it. The token flow's login is sent within the budget of the call that needs it.
    pub fn retry_budget(mut self, budget: Duration) -> Self {
        self.retry.budget = budget;
        self
    }

    /// The longest `Retry-After` the client waits for (default 30 s); a longer one ends the call
    /// with the error, whose [`Error::retry_after`](crate::Error::retry_after) tells the wait.
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
    /// with [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge).
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
    /// second `build()` among them is a [`ConfigError::HttpBuilderTaken`](crate::error::ConfigError::HttpBuilderTaken).
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

    /// Builds a client that makes dry runs only, so a request can be shown without
    /// credentials: credentials are optional (a dry run shows them as `[redacted]`, or shows
    /// none), and every call it would send fails, before sending, with
    /// [`CredentialsError::Missing`] when none was given. Every other check holds.
    pub fn dry_run_only(mut self) -> Self {
        self.dry_run_only = true;
        self
    }

    /// Builds the client, checking the configuration: credentials are required (unless
    /// [`dry_run_only`](Self::dry_run_only)) and must not be empty, the base URL must be
    /// `https://` unless it is this machine (or
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set) and must not end in the
    /// operations' own `/api/v2`, and redirects are never followed, whatever else is
    /// configured.
    pub fn build(self) -> Result<Client> {
        let from_environment = self.from_environment;
        let auth = match (&self.auth, self.dry_run_only) {
            (Some(auth), _) => auth.for_requests(from_environment),
            (None, true) => Ok(RequestAuth::Missing { from_environment }),
            (None, false) => Err(CredentialsError::Missing { from_environment }),
        }
        .map_err(ErrorKind::Credentials)?;
        let base_url = super::base_url::checked(&self.base_url.0, self.allow_insecure_http)
            .map_err(|e| ErrorKind::Config(ConfigError::BaseUrl(e)))?;
        let user_agent = match &self.user_agent {
            Some(product) if product.trim().is_empty() => {
                return Err(ErrorKind::Config(ConfigError::UserAgent { empty: true }).into());
            }
            Some(product) => format!("{} {USER_AGENT}", product.trim()),
            None => USER_AGENT.to_string(),
        };
        let user_agent = reqwest::header::HeaderValue::from_str(&user_agent)
            .map_err(|_| ErrorKind::Config(ConfigError::UserAgent { empty: false }))?;
        let http = super::http::client(HttpOptions {
            given: self.http.as_ref(),
            proxy: self.proxy.as_ref(),
            local_address: self.local_address,
            extra_roots: &self.extra_roots.0,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            user_agent: user_agent.clone(),
        })
        .map_err(ErrorKind::Config)?;
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                auth,
                retry: self.retry,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                user_agent,
            }),
        })
    }
}

/// A base URL as given, before `build()` checks it. Its `Debug` shows the scheme, host and port
/// only: the rest may hold user info or a gateway's token, which `build()` refuses or keeps
/// but no `Debug` output shows.
#[derive(Clone)]
struct GivenBaseUrl(String);

impl fmt::Debug for GivenBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match reqwest::Url::parse(self.0.trim()) {
            Ok(url) if url.has_host() => {
                let origin = super::base_url::scheme_host_port(&url);
                let more = url.path() != "/" || url.query().is_some() || !url.username().is_empty();
                write!(f, "\"{origin}{}\"", if more { "/…" } else { "" })
            }
            _ => f.write_str("\"[not a URL]\""),
        }
    }
}
