//! The HTTP layer a builder makes: reqwest's client with this crate's TLS, the proxy or the
//! caller's own `reqwest::ClientBuilder`, and, set last over whatever that holds, the guards and
//! what the retry budget relies on (timeouts, no redirects, the user agent).

use crate::error::{ConfigError, ProxyProblem};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The `reqwest::ClientBuilder` given to [`ClientBuilder::http`]. reqwest's builder cannot be
/// cloned, so clones of a `ClientBuilder` share it and the first `build()` among them takes it.
/// `Debug` does not show its settings (its proxies or default headers may hold secrets).
#[derive(Clone)]
pub(crate) struct GivenHttp(pub(crate) Arc<Mutex<Option<reqwest::ClientBuilder>>>);

impl fmt::Debug for GivenHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reqwest::ClientBuilder")
    }
}

/// PEM root certificates, shown by count in `Debug`.
#[derive(Clone, Default)]
pub(crate) struct RootCertificates(pub(crate) Vec<Vec<u8>>);

impl fmt::Debug for RootCertificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} extra root certificate(s)", self.0.len())
    }
}

/// What the HTTP layer is made of, as a builder was given it.
pub(crate) struct HttpOptions<'a> {
    pub(crate) given: Option<&'a GivenHttp>,
    pub(crate) proxy: Option<&'a SecretString>,
    pub(crate) local_address: Option<IpAddr>,
    pub(crate) extra_roots: &'a [Vec<u8>],
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: HeaderValue,
}

/// The HTTP client `options` describe.
pub(crate) fn client(options: HttpOptions<'_>) -> Result<reqwest::Client, ConfigError> {
    let builder = &options;
    let http = match builder.given {
        Some(given) => {
            let replaced = |option| ConfigError::ReplacedByHttp { option };
            if builder.proxy.is_some() {
                return Err(replaced("proxy"));
            }
            if builder.local_address.is_some() {
                return Err(replaced("local_address"));
            }
            let taken = given.0.lock().unwrap_or_else(|e| e.into_inner()).take();
            taken.ok_or(ConfigError::HttpBuilderTaken)?
        }
        None => {
            let mut http = reqwest::ClientBuilder::new().local_address(builder.local_address);
            if let Some(proxy) = builder.proxy {
                http = http.proxy(proxy_from(proxy)?);
            }
            http
        }
    };
    // Set last, over anything the given builder holds: the guards and what the retry budget
    // relies on.
    super::tls::configure(http, builder.extra_roots)?
        .user_agent(options.user_agent.clone())
        .timeout(builder.timeout)
        .connect_timeout(builder.connect_timeout)
        // A redirect would carry the API key or the password (reqwest strips only
        // `Authorization`) to wherever it points; the Partner API does not redirect.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ConfigError::Http(format!("cannot build the HTTP client: {e}")))
}

/// The proxy for a URL, with an error naming only its scheme, host and port.
fn proxy_from(url: &SecretString) -> Result<reqwest::Proxy, ConfigError> {
    let parsed = reqwest::Url::parse(url.expose_secret()).map_err(|e| ConfigError::Proxy {
        origin: String::new(),
        problem: ProxyProblem::NotAUrl(e.to_string()),
    })?;
    let origin = super::base_url::scheme_host_port(&parsed);
    if !matches!(parsed.scheme(), "http" | "https" | "socks5" | "socks5h") {
        return Err(ConfigError::Proxy {
            origin,
            problem: ProxyProblem::Scheme,
        });
    }
    reqwest::Proxy::all(parsed).map_err(|_| ConfigError::Proxy {
        origin,
        problem: ProxyProblem::Unusable,
    })
}
