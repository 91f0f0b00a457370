//! Raw requests: any method and path on the hub, for the calls the vendored spec does not
//! describe yet, sent exactly as a generated operation is (credentials and the token flow's 401
//! refresh, retries by method, the budget, the size limit, errors, the tracing span), and the
//! answer as it came ([`RawResponse`]). What a caller may put in one is decided where the
//! request is assembled: its path (`path_template.rs`), its headers (`headers.rs`).

use crate::call::body::{Received, decode_or_null};
use crate::call::request::Request;
use crate::call::send::Pending;
use crate::call::shared::Shared;
use crate::error::{ApiError, ErrorKind, Result};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A request for a method and path the spec does not describe, from [`Client::request`](crate::Client::request): set
/// its path parameters, query, headers and body, then [`send`](Self::send) it (for the decoded
/// success body) or [`send_raw`](Self::send_raw) it (for the answer as it came).
///
/// It owns a handle to the client (one `Arc`), so it and what it sends are `Send + 'static`.
#[derive(Clone)]
#[must_use = "a request is sent only when `send()` or `send_raw()` is awaited"]
pub struct RawRequest {
    shared: Arc<Shared>,
    request: Request,
}

impl RawRequest {
    /// The request for `method` on `path`, its template parsed now (a path that is none is the
    /// request's problem, reported when it is sent).
    pub(crate) fn new(shared: Arc<Shared>, method: Method, path: &str) -> RawRequest {
        RawRequest {
            shared,
            request: Request::raw(method, path),
        }
    }

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

    /// Adds the header `name: value`. The first value of a name replaces what the client would
    /// send for it (`Accept: application/json`, or the `Content-Type` of [`json`](Self::json));
    /// a name added again adds a value.
    ///
    /// Refused before anything is sent, with an [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming the header
    /// (never its value) and `request_sent() == false`: the credential headers `X-API-Key`,
    /// `Authorization` and `Proxy-Authorization` (the client sends its own credential); `Host`,
    /// `Content-Length`, `Transfer-Encoding`, and the other headers about the connection rather
    /// than the request (`Connection`, `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`,
    /// `Upgrade`), which the HTTP layer writes; `User-Agent` (name your application with
    /// [`ClientBuilder::user_agent`](crate::ClientBuilder::user_agent)); a name or value holding
    /// CR, LF or NUL (it would end the header early and start another), and a name or value
    /// HTTP does not allow.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.request.header(name.as_ref(), value.as_ref());
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
    pub fn send<T: DeserializeOwned>(self) -> Pending<T> {
        Pending::new(self.shared, self.request, Received::json_or_null)
    }

    /// Sends the request when awaited, for the hub's answer as it came, whatever its status:
    /// its [`status`](RawResponse::status), [`headers`](RawResponse::headers) and
    /// [`bytes`](RawResponse::bytes) (or [`json`](RawResponse::json)).
    ///
    /// Sent as [`send`](Self::send) sends it: the credentials and the token flow's refresh on
    /// 401, retries as the method allows (a 503 that stays a 503 through the retries is the
    /// answer), the budget, the size limit. A redirect is not followed: the 3xx is the answer.
    /// Only a failure to get an answer is an `Err`: a request refused before sending, no
    /// connection, a timeout, a body over the size limit, a failed login.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> d360_partner::Result<()> {
    /// # let hub = d360_partner::mock::MockHub::start().await;
    /// # let client = hub.client();
    /// use d360_partner::{Method, StatusCode};
    /// let answer = client
    ///     .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
    ///     .path_param("partner_id", "your-partner-id")
    ///     .header("Accept-Language", "de")
    ///     .send_raw()
    ///     .await?;
    /// if answer.status() != StatusCode::OK {
    ///     eprintln!("HTTP {}: {}", answer.status(), answer.text());
    /// }
    /// # assert_eq!(answer.status(), StatusCode::NOT_IMPLEMENTED);
    /// # Ok(()) }
    /// ```
    pub fn send_raw(self) -> Pending<RawResponse> {
        Pending::answered(self.shared, self.request, RawResponse::from_received)
    }

    /// What the request would send, sending nothing (refused as [`send`](Self::send) refuses
    /// it); credentials show as `[redacted]`.
    pub fn dry_run(&self) -> Result<crate::DryRun> {
        crate::call::dry_run::dry_run(&self.shared, &self.request)
    }
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawRequest").field(&self.request).finish()
    }
}

/// The hub's answer to a [`RawRequest::send_raw`] (or, with the `metadata` feature, a
/// `DynamicCall::send_raw`), as it came: status, headers and
/// the body, read whole within the client's size limit.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// The answer of a call that takes any answer.
    pub(crate) fn from_received(received: Received) -> Result<RawResponse> {
        Ok(RawResponse {
            status: received.status,
            headers: received.headers,
            body: received.body,
        })
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (look one up by name in any case: `headers().get("retry-after")`).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, exactly as received.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body as text, invalid UTF-8 replaced by `U+FFFD`.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body decoded as `T`, whatever the status (an empty body as JSON `null`, as
    /// [`RawRequest::send`] reads it); one that does not decode is an
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) naming the failing field's path.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_or_null(self.status, &self.body)
    }

    /// This answer if its status is a success (2xx); else the error [`RawRequest::send`] gives
    /// for it: an [`ErrorKind::Api`](crate::ErrorKind::Api) for 4xx and 5xx (the hub's message, trace id
    /// and `Retry-After`), an [`ErrorKind::UnexpectedStatus`](crate::ErrorKind::UnexpectedStatus) for
    /// 1xx and 3xx.
    pub fn error_for_status(self) -> Result<RawResponse> {
        let status = self.status;
        if status.is_success() {
            return Ok(self);
        }
        if status.is_client_error() || status.is_server_error() {
            let retry_after =
                crate::call::retry::retry_after(&self.headers, std::time::SystemTime::now());
            return Err(ErrorKind::Api(ApiError::new(status, retry_after, &self.body)).into());
        }
        Err(ErrorKind::UnexpectedStatus { status }.into())
    }
}

/// The status, the header names (values may hold a session cookie) and the body's length.
impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &names)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}
