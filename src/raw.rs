//! Raw requests: any method and path on the hub, for the calls the vendored spec does not
//! describe yet, sent exactly as a generated operation is (credentials and the token flow's 401
//! refresh, retries by method, the budget, the size limit, errors, the tracing span); the
//! guards of what a caller may put in one (a path on the base URL only, headers that are not the
//! client's own); and the answer as it came ([`RawResponse`]).

use crate::body::{Received, api_error, decode};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::request::{RawTarget, Request};
use crate::send::Pending;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
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
    /// `""`, `.` or `..`, a [`path_param`](RawRequest::path_param) naming no placeholder, a
    /// control character (CR, LF, NUL, ...) anywhere, and a [`header`](RawRequest::header) the
    /// client does not let a caller set.
    pub fn request(&self, method: reqwest::Method, path: impl Into<String>) -> RawRequest {
        let path = path.into();
        let shown = shown_path(&path);
        RawRequest {
            client: self.clone(),
            request: Request::raw(method, path, shown),
        }
    }
}

/// A request for a method and path the spec does not describe, from [`Client::request`]: set
/// its path parameters, query, headers and body, then [`send`](Self::send) it (for the decoded
/// success body) or [`send_raw`](Self::send_raw) it (for the answer as it came).
///
/// It owns a handle to the client (one `Arc`), so it and what it sends are `Send + 'static`.
#[derive(Clone)]
#[must_use = "a request is sent only when `send()` or `send_raw()` is awaited"]
pub struct RawRequest {
    client: Client,
    request: Request,
}

impl RawRequest {
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
    /// Refused before anything is sent, with an [`Error::InvalidRequest`] naming the header
    /// (never its value) and `request_sent() == false`: the credential headers `X-API-Key`,
    /// `Authorization` and `Proxy-Authorization` (the client sends its own credential); `Host`,
    /// `Content-Length`, `Transfer-Encoding`, and the other headers about the connection rather
    /// than the request (`Connection`, `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`,
    /// `Upgrade`), which the HTTP layer writes; `User-Agent` (name your application with
    /// [`ClientBuilder::user_agent`](crate::ClientBuilder::user_agent)); a name or value holding
    /// CR, LF or NUL (it would end the header early and start another), and a name or value
    /// HTTP does not allow.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        add_header(&mut self.request, name.as_ref(), value.as_ref());
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
        Pending::new(self.client, checked(self.request), Received::json_or_null)
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
        Pending::answered(
            self.client,
            checked(self.request),
            RawResponse::from_received,
        )
    }

    /// What the request would send, sending nothing (refused as [`send`](Self::send) refuses
    /// it); credentials show as `[redacted]`.
    pub fn dry_run(&self) -> crate::Result<crate::dry_run::DryRun> {
        self.client.dry_run(&checked(self.request.clone()))
    }
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawRequest").field(&self.request).finish()
    }
}

/// `request` with its raw path checked: a problem becomes the request's, so sending it fails
/// before anything leaves. Checked once per call, not per attempt.
fn checked(mut request: Request) -> Request {
    if let Some(Err(why)) = request.raw_target().map(check_raw) {
        request.fail(why);
    }
    request
}

/// The hub's answer to a [`RawRequest::send_raw`] (or an
/// [`OperationCall::send_raw`](crate::OperationCall::send_raw)), as it came: status, headers and
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
    /// [`Error::Decode`](crate::Error::Decode) naming the failing field's path.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        match self.body.iter().all(crate::json_path::is_json_whitespace) {
            true => decode(self.status, b"null"),
            false => decode(self.status, &self.body),
        }
    }

    /// This answer if its status is a success (2xx); else the error [`RawRequest::send`] gives
    /// for it: an [`Error::Api`](crate::Error::Api) for 4xx and 5xx (the hub's message, trace id
    /// and `Retry-After`), an [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus) for
    /// 1xx and 3xx.
    pub fn error_for_status(self) -> Result<RawResponse> {
        let status = self.status;
        if status.is_success() {
            return Ok(self);
        }
        if status.is_client_error() || status.is_server_error() {
            let retry_after =
                crate::retry::retry_after(&self.headers, std::time::SystemTime::now());
            return Err(Error::Api(Box::new(api_error(
                status,
                retry_after,
                &self.body,
            ))));
        }
        Err(Error::UnexpectedStatus { status })
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

/// Headers a caller may not set, by lower-case name, with why.
const CLIENT_HEADERS: &[(&str, &str)] = &[
    (
        "x-api-key",
        "the client sends its own credential (set it on the `ClientBuilder`)",
    ),
    (
        "authorization",
        "the client sends its own credential (set it on the `ClientBuilder`)",
    ),
    (
        "proxy-authorization",
        "it is a proxy's credential (put it in the URL given to `ClientBuilder::proxy`)",
    ),
    ("host", "the HTTP layer sets it from the base URL"),
    ("content-length", "the HTTP layer sets it from the body"),
    ("transfer-encoding", "the HTTP layer sets it from the body"),
    (
        "connection",
        "it is about the connection, which the HTTP layer manages",
    ),
    (
        "keep-alive",
        "it is about the connection, which the HTTP layer manages",
    ),
    (
        "proxy-connection",
        "it is about the connection, which the HTTP layer manages",
    ),
    (
        "te",
        "it is about the connection, which the HTTP layer manages",
    ),
    (
        "trailer",
        "it is about the connection, which the HTTP layer manages",
    ),
    (
        "upgrade",
        "it is about the connection, which the HTTP layer manages",
    ),
    (
        "user-agent",
        "the client sets it (name your application with `ClientBuilder::user_agent`)",
    ),
];

/// Adds `name: value` to `request` if a caller may send it, else makes it the request's problem:
/// an error naming the header, never showing its value.
pub(crate) fn add_header(request: &mut Request, name: &str, value: &str) {
    match checked_header(name, value) {
        Ok((name, value)) => request.header(name, value),
        Err(why) => request.fail(why),
    }
}

/// The header `name: value` as it would be sent, or why it may not be.
fn checked_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let shown = name.escape_debug();
    let line_break = |text: &str| text.chars().find(|c| matches!(c, '\r' | '\n' | '\0'));
    if let Some(c) = line_break(name) {
        return Err(format!(
            "the header name `{shown}` contains the control character {c:?}"
        ));
    }
    let parsed = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{shown}` is not a header name"))?;
    if let Some((_, why)) = CLIENT_HEADERS.iter().find(|(n, _)| *n == parsed.as_str()) {
        return Err(format!("the header `{shown}` cannot be set: {why}"));
    }
    if let Some(c) = line_break(value) {
        return Err(format!(
            "the value of the header `{shown}` contains the control character {c:?}"
        ));
    }
    let value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| {
        format!("the value of the header `{shown}` holds a character a header cannot hold")
    })?;
    Ok((parsed, value))
}

/// A raw path as an error may show it: without a query or fragment, and an absolute or
/// scheme-relative URL as its scheme, host and port only, since user info or a query could hold
/// a secret.
fn shown_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path.starts_with('/') && !path.starts_with("//") {
        return path.escape_debug().to_string();
    }
    let parsed = match path.strip_prefix("//") {
        Some(_) => reqwest::Url::parse(&format!("http:{path}")),
        None => reqwest::Url::parse(path),
    };
    match parsed {
        Ok(url) if url.has_host() => {
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let host = url.host_str().unwrap_or_default();
            match path.starts_with("//") {
                true => format!("//{host}{port}/.."),
                false => format!("{}://{host}{port}/..", url.scheme()),
            }
        }
        Ok(url) => format!("{}:..", url.scheme()),
        // Not a URL by the parser's rules, yet possibly one with user info (a bad port, say).
        Err(_) => match path.split_once("://") {
            Some((scheme, _)) => format!("{}://..", scheme.escape_debug()),
            None if path.contains('@') => "..".into(),
            None => path.escape_debug().to_string(),
        },
    }
}

/// Characters a literal segment of a raw path may hold as written (RFC 3986 `pchar` without
/// `%`): anything else, a value above all, belongs in a `{placeholder}`, which is encoded.
fn is_path_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

/// A raw request's path is one on the base URL, its placeholders are all set, and nothing in
/// it could smuggle a header, another host or another path.
fn check_raw(raw: &RawTarget) -> std::result::Result<(), String> {
    let control = |text: &str| text.chars().find(|c| c.is_control());
    if let Some(c) = control(&raw.path) {
        return Err(format!("the path contains the control character {c:?}"));
    }
    // Path values are checked as they are filled in (`push_path`); their names here.
    if let Some((name, c)) = raw
        .path_values
        .iter()
        .find_map(|(name, _)| Some((name, control(name)?)))
    {
        return Err(format!(
            "the path parameter name `{}` contains the control character {c:?}",
            name.escape_debug()
        ));
    }
    for (name, value) in &raw.query {
        if let Some(c) = control(name).or_else(|| control(value)) {
            return Err(format!(
                "the query parameter `{}` contains the control character {c:?}",
                name.escape_debug()
            ));
        }
    }
    let path = raw.path.as_str();
    if path.starts_with("//") {
        return Err(
            "the path is scheme-relative (`//host/..`): only paths on the client's base URL can be requested, so credentials never leave its host".into(),
        );
    }
    if !path.starts_with('/') {
        if path.contains("://") || reqwest::Url::parse(path).is_ok() {
            return Err(
                "the path is an absolute URL: only paths on the client's base URL can be requested, so credentials never leave its host".into(),
            );
        }
        return Err("the path must start with `/`".into());
    }
    if let Some(c) = path.chars().find(|c| matches!(c, '?' | '#')) {
        return Err(format!(
            "the path holds `{c}`; give query parameters with `.query(name, value)`"
        ));
    }
    let mut placeholders = Vec::new();
    for segment in path[1..].split('/') {
        if matches!(segment, "." | "..") {
            return Err(format!(
                "the path has a `{segment}` segment, which would address another path"
            ));
        }
        let mut rest = segment;
        while !rest.is_empty() {
            let literal_end = rest.find(['{', '}']).unwrap_or(rest.len());
            if let Some(c) = rest[..literal_end].chars().find(|&c| !is_path_character(c)) {
                return Err(format!(
                    "the path holds {c:?}, which a path cannot hold as written; put values in a `{{placeholder}}` and set it with `.path_param(..)`, which encodes it"
                ));
            }
            rest = &rest[literal_end..];
            if rest.starts_with('}') {
                return Err("the path has a `}` without its `{`".into());
            }
            if let Some(after) = rest.strip_prefix('{') {
                let close = after
                    .find('}')
                    .filter(|&close| !after[..close].contains('{'))
                    .ok_or("the path has a `{` without its `}`")?;
                let name = &after[..close];
                if name.is_empty() {
                    return Err("the path has an empty placeholder `{}`".into());
                }
                placeholders.push(name);
                rest = &after[close + 1..];
            }
        }
    }
    if let Some((name, _)) = raw
        .path_values
        .iter()
        .find(|(name, _)| !placeholders.contains(&name.as_str()))
    {
        return Err(format!(
            "`.path_param(\"{}\", ..)` names no `{{{}}}` in the path",
            name.escape_debug(),
            name.escape_debug()
        ));
    }
    Ok(())
}
