//! Raw requests: any method and path on the hub, for the calls the vendored spec does not
//! describe yet, sent exactly as a generated operation is (credentials and the token flow's 401
//! refresh, retries by method, the budget, the size limit, errors, the tracing span).

use crate::body::Received;
use crate::client::Client;
use crate::request::Request;
use crate::send::Pending;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;

impl Client {
    /// A request for any `method` and `path` on the hub, for calls the spec does not describe
    /// (yet): `path` is relative to the base URL, with `{placeholders}` that
    /// [`path_param`](RawRequest::path_param) fills, percent-encoded into their segment.
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
    /// Refused before anything is sent ([`Error::InvalidRequest`](crate::Error::InvalidRequest),
    /// `request_sent() == false`): an absolute or scheme-relative URL (credentials never leave
    /// the base URL's host), a path not starting with `/`, holding `?` or `#` (use
    /// [`query`](RawRequest::query)), a `.` or `..` segment, a character a path cannot hold as
    /// written (`%`, a space: put values in placeholders), a placeholder left unset or set to
    /// `""`, `.` or `..`, a [`path_param`](RawRequest::path_param) naming no placeholder, and a
    /// control character (CR, LF, NUL, ...) anywhere.
    pub fn request(&self, method: reqwest::Method, path: impl Into<String>) -> RawRequest<'_> {
        RawRequest {
            client: self,
            request: Request::raw(method, path.into()),
        }
    }
}

/// A request for a method and path the spec does not describe, from [`Client::request`]: set
/// its path parameters, query and body, then [`send`](Self::send) it.
#[derive(Clone)]
#[must_use = "a request is sent only when `send()` is awaited"]
pub struct RawRequest<'a> {
    client: &'a Client,
    request: Request,
}

impl<'a> RawRequest<'a> {
    /// The value of the path's `{name}` placeholder, percent-encoded into its segment (`a/b`
    /// becomes `a%2Fb`). Setting a name twice keeps the last value.
    pub fn path_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.request.raw_path_value(name.into(), value.into());
        self
    }

    /// Adds `name=value` to the query string, form-encoded; repeat a name for several values.
    pub fn query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.request.raw_query(name.into(), value.to_string());
        self
    }

    /// The JSON request body (with `Content-Type: application/json`). Without it, the request
    /// has no body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.request.json_body(body);
        self
    }

    /// Sends the request when awaited, for the success body decoded as `T`: any
    /// `DeserializeOwned` type, such as `serde_json::Value` or your own struct. An empty body
    /// decodes as JSON `null`, so `send::<()>()` takes a success without a body (and
    /// `send::<serde::de::IgnoredAny>()` one whose body you do not need).
    ///
    /// Sent as a generated operation is: the client's credentials (and the token flow's refresh
    /// on 401), retries as the method allows, the budget, the response size limit, and every
    /// failure as an [`Error`](crate::Error) with the hub's status, message and trace id.
    pub fn send<T: DeserializeOwned>(self) -> Pending<'a, T> {
        Pending::new(self.client, self.request, Received::json_or_null)
    }

    /// What the request would send, sending nothing (refused as [`send`](Self::send) refuses
    /// it); credentials show as `[redacted]`.
    pub fn dry_run(&self) -> crate::Result<crate::dry_run::DryRun> {
        self.client.dry_run(&self.request)
    }
}

impl fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawRequest").field(&self.request).finish()
    }
}
