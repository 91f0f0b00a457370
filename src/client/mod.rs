//! The [`Client`]: one handle (one `Arc`) on what every call shares, and where calls start: one
//! method per operation of the spec (generated), [`request`](Client::request) for any other,
//! and [`call`](Client::call) for calls made from data. It is built by its [`ClientBuilder`]
//! (`builder.rs`), from the environment (`environment.rs`), with the base URL's rules
//! (`base_url.rs`), the credentials' (`credentials.rs`) and the HTTP layer's (`http.rs`,
//! `tls.rs`).

pub(crate) mod base_url;
pub(crate) mod builder;
pub(crate) mod credentials;
pub(crate) mod environment;
pub(crate) mod http;
pub(crate) mod tls;

pub use builder::ClientBuilder;

use crate::call::raw::RawRequest;
use crate::call::shared::Shared;
use std::fmt;
use std::sync::Arc;

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

impl Client {
    /// The hub's base URL, e.g. `https://hub.360dialog.io`.
    pub fn base_url(&self) -> &str {
        self.shared.base_url()
    }

    /// A request for any `method` and `path` on the hub, for calls the spec does not describe
    /// (yet): `path` is relative to the base URL, with `{placeholders}` that
    /// [`path_param`](crate::RawRequest::path_param) fills, percent-encoded into their segment.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> d360_partner::Result<()> {
    /// # let hub = d360_partner::mock::MockHub::start().await;
    /// # hub.route(d360_partner::Method::GET, "/api/v2/partners/{partner_id}/balance", Ok(serde_json::json!({"balance": 10})));
    /// # let client = hub.client();
    /// use d360_partner::Method;
    /// let balance: serde_json::Value = client
    ///     .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
    ///     .path_param("partner_id", "your-partner-id")
    ///     .send()
    ///     .await?;
    /// # assert_eq!(balance["balance"], 10);
    /// # Ok(()) }
    /// ```
    ///
    /// Refused before anything is sent ([`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest),
    /// `request_sent() == false`): an absolute or scheme-relative URL (credentials never leave
    /// the base URL's host), a path not starting with `/`, holding `?` or `#` (use
    /// [`query`](crate::RawRequest::query)), a `.` or `..` segment, a character a path cannot hold as
    /// written (`%`, a space: put values in placeholders), a placeholder left unset or set to
    /// `""`, `.` or `..`, a [`path_param`](crate::RawRequest::path_param) naming no placeholder, a
    /// control character (CR, LF, NUL, ...) anywhere, and a [`header`](crate::RawRequest::header) the
    /// client does not let a caller set.
    pub fn request(&self, method: reqwest::Method, path: impl AsRef<str>) -> RawRequest {
        RawRequest::new(self.shared.clone(), method, path.as_ref())
    }

    /// A call of the operation `info` describes (one of
    /// [`operations::ALL`](crate::operations::ALL)), its parameters set by their names on the
    /// wire (feature `metadata`). It is sent as the operation's builder sends it; the answer is
    /// kept as the JSON the hub sent, once it has decoded as the operation's type.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> d360_partner::Result<()> {
    /// # let hub = d360_partner::mock::MockHub::start().await;
    /// # hub.set(d360_partner::operations::GET_PARTNER, Ok(Default::default()));
    /// # let client = hub.client();
    /// use d360_partner::operations::GET_PARTNER;
    /// let partner: serde_json::Value = client
    ///     .call(GET_PARTNER.info())
    ///     .parameter("partner_id", "your-partner-id".into())
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "metadata")]
    pub fn call(&self, info: &'static crate::table::OperationInfo) -> crate::DynamicCall {
        crate::call::dynamic::DynamicCall::new(self.shared.clone(), info)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &self.shared;
        f.debug_struct("Client")
            .field("base_url", &shared.base_url())
            .field("auth", &shared.auth)
            .field("retry", &shared.retry)
            .field("timeout", &shared.timeout)
            .field("max_response_bytes", &shared.max_response_bytes)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
