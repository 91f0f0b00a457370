//! One error type for every failure of every operation.
//!
//! [`Error`]'s `Display` is one level deep: what failed, with the hub's status, message and
//! trace id when it answered. The underlying cause of a transport failure (connection, TLS,
//! timeout) is its [`source`](std::error::Error::source), so `anyhow`'s `{:#}` prints each cause
//! once. [`Error::request_sent`] says whether the hub may have received the request.

use bytes::Bytes;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How much of an undecodable body an error keeps: enough to recognize an HTML error page or a
/// truncated document, never megabytes.
pub const BODY_PREFIX_LIMIT: usize = 512;

/// What errors, `Debug` output, dry runs and the mock hub's records show in place of a secret.
pub const REDACTED: &str = "[redacted]";

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The body of a hub error response: `{"meta": {...}}`.
///
/// Decodes any JSON object: fields the hub adds, or bodies of another shape (such as OAuth-style
/// `{"error": ..}`), land in [`ApiErrorBody::extra`] instead of failing. Serializes back to the
/// JSON it came from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// The hub's error description, when the body has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ApiErrorMeta>,
    /// Every other field of the body.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `meta` object of a hub error response (the superset of the spec's error shapes:
/// `developer_message`, `http_code`, `success`, `360dialog_trace_id`, `details`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorMeta {
    /// What went wrong, for the developer.
    #[serde(default)]
    pub developer_message: String,
    /// The HTTP status the hub meant to send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_code: Option<i64>,
    /// Always `false` in an error.
    #[serde(default)]
    pub success: bool,
    /// The id 360dialog support needs to find this request.
    #[serde(
        rename = "360dialog_trace_id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub trace_id: Option<String>,
    /// Additional error data, such as which field failed validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Map<String, Value>>,
    /// Fields the hub adds to `meta`.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Every way a call can fail.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The hub answered with an error status (4xx or 5xx).
    Api(Box<ApiError>),
    /// The username/password token flow failed: the hub refused the credentials, its token
    /// response was unusable, or the token endpoint could not be reached. The API request itself
    /// was not sent.
    Auth(Box<AuthError>),
    /// A success response's body was not what the spec describes.
    Decode(Box<DecodeError>),
    /// A response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The limit in bytes.
        limit: usize,
    },
    /// The hub answered a status that is neither success nor error (a 1xx, or a 3xx: redirects
    /// are never followed).
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
    },
    /// No complete answer came back: the connection failed or timed out, or the response broke
    /// off. The cause is the error's [`source`](std::error::Error::source).
    Transport(Box<TransportError>),
    /// The request was refused before anything was sent: a required parameter unset, an empty
    /// path parameter, a body that cannot be serialized.
    InvalidRequest(String),
    /// The client could not be configured (a malformed base URL, a proxy, TLS, ...).
    Config(String),
    /// No usable credentials: none given (the message names the environment variables when they
    /// were read), one empty, or one that cannot travel in a header. Nothing was sent.
    Credentials(String),
    /// A page of a list stream (`.pages()`, `.items()`) failed: its request failed (the
    /// error's accessors answer for that failure), or the hub's answer would make the stream
    /// repeat or skip items. The stream ends after it.
    Page(Box<PageError>),
}

/// A failed page of a list stream: which list, at which offset, and why.
#[derive(Debug)]
#[non_exhaustive]
pub struct PageError {
    /// The list operation, e.g. `get_clients`.
    pub operation: &'static str,
    /// The `offset` the page was asked for.
    pub offset: i64,
    /// Why the page failed.
    pub failure: PageFailure,
}

/// Why a page of a list stream failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum PageFailure {
    /// The page's request failed.
    Request(Error),
    /// The answer would make the stream repeat or skip items: another offset than asked, or
    /// no items before the total the hub reports.
    Inconsistent(String),
}

impl PageError {
    /// The failed request's error, when the request failed.
    pub fn error(&self) -> Option<&Error> {
        match &self.failure {
            PageFailure::Request(error) => Some(error),
            PageFailure::Inconsistent(_) => None,
        }
    }
}

/// An error status from the hub, with what its body said.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The decoded error body; `None` when the body was not a JSON object (an HTML error page
    /// from a proxy, say), in which case [`body_prefix`](Self::body_prefix) holds its start.
    pub body: Option<ApiErrorBody>,
    /// The first [`BODY_PREFIX_LIMIT`] bytes of a body that did not decode.
    pub body_prefix: Option<String>,
    /// How long the hub asked the client to wait (`Retry-After`), on 429 and 503.
    pub retry_after: Option<Duration>,
    /// The body as received.
    pub(crate) raw_body: Bytes,
}

impl ApiError {
    /// The hub's error description, when the body has one.
    pub fn meta(&self) -> Option<&ApiErrorMeta> {
        self.body.as_ref().and_then(|body| body.meta.as_ref())
    }

    /// The body exactly as received (within
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes)), for an error shape
    /// [`ApiErrorBody`] does not describe.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }
}

/// Why the username/password token flow failed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthError {
    /// The token endpoint's HTTP status; `None` when it did not answer.
    pub status: Option<StatusCode>,
    /// The server's message (`developer_message`, or OAuth's `error_description`/`error`), or
    /// what was wrong with its answer. Never contains the password.
    pub message: String,
    /// The hub's `360dialog_trace_id`, when its body had one.
    pub trace_id: Option<String>,
    /// Why the token endpoint did not answer (shared by the calls that waited for that login).
    pub(crate) cause: Option<Arc<reqwest::Error>>,
}

/// Why a success response's body did not decode.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// Where in the body decoding failed, e.g. `settings.io_secure`; `None` when unknown.
    pub path: Option<String>,
    /// What was wrong there (cut to [`BODY_PREFIX_LIMIT`] bytes).
    pub message: String,
    /// The first [`BODY_PREFIX_LIMIT`] bytes of the body, lossily decoded.
    pub body_prefix: String,
}

/// A request that got no complete answer. Its cause is its [`source`](std::error::Error::source).
///
/// It names the [`origin`](Self::origin) it tried (scheme, host and port: never the path or
/// query, which may hold ids or secrets) and how many [`attempts`](Self::attempts) the call made.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportKind,
    origin: String,
    attempts: u32,
    source: reqwest::Error,
}

/// What kind of transport failure, as far as a caller can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransportKind {
    /// No connection: the request never reached the hub.
    Connect,
    /// The request or connection timed out; the hub may have received it.
    Timeout,
    /// The request was (or may have been) sent, and the connection broke before a complete
    /// response arrived.
    Interrupted,
}

impl TransportError {
    /// The failure `source` of a request to `url` (of which only the origin is kept), after one
    /// attempt.
    pub(crate) fn new(source: reqwest::Error, url: &reqwest::Url) -> TransportError {
        let kind = if source.is_timeout() {
            TransportKind::Timeout
        } else if source.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Interrupted
        };
        TransportError {
            kind,
            origin: url.origin().ascii_serialization(),
            attempts: 1,
            // reqwest's error names the whole URL, path and query included; `origin` is kept.
            source: source.without_url(),
        }
    }

    /// Records that this failure ended the last of the call's `attempts` attempts.
    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }

    /// Whether the connection could not be established (so the hub never saw the request).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }

    /// Whether the request or connection timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    /// The origin the request went to: `scheme://host`, with `:port` unless it is the scheme's
    /// default (`https://hub.360dialog.io`, `http://127.0.0.1:8080`). Never a path, a query or
    /// user info.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How many attempts the call made, this failed one included: 1 when it was not retried;
    /// attempts that never connected and a repeat after a refreshed token count too.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = &self.origin;
        match self.kind {
            TransportKind::Connect => write!(f, "could not connect to {origin}"),
            TransportKind::Timeout => write!(f, "the request to {origin} timed out"),
            TransportKind::Interrupted => write!(
                f,
                "the connection to {origin} broke before a complete response arrived"
            ),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl Error {
    /// The failed request's error of a [`Error::Page`], else this error: what the accessors
    /// answer for.
    fn request_error(&self) -> &Error {
        match self {
            Error::Page(page) => page.error().map_or(self, Error::request_error),
            _ => self,
        }
    }

    /// The HTTP status, when the hub (or its token endpoint) answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self.request_error() {
            Error::Api(api) => Some(api.status),
            Error::Auth(auth) => auth.status,
            Error::Decode(decode) => Some(decode.status),
            Error::ResponseTooLarge { status, .. } | Error::UnexpectedStatus { status } => {
                Some(*status)
            }
            Error::Transport(_)
            | Error::InvalidRequest(_)
            | Error::Config(_)
            | Error::Credentials(_)
            | Error::Page(_) => None,
        }
    }

    /// The hub's error answer: for [`Error::Api`], and for an [`Error::Page`] whose request got
    /// one. It holds the status, the decoded body, the raw body ([`ApiError::raw_body`]) and
    /// `Retry-After`.
    ///
    /// ```
    /// # fn show(error: &d360_partner::Error) {
    /// if let Some(api) = error.as_api() {
    ///     eprintln!("HTTP {}: {}", api.status, String::from_utf8_lossy(api.raw_body()));
    /// }
    /// # }
    /// ```
    pub fn as_api(&self) -> Option<&ApiError> {
        match self.request_error() {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The `meta` object of the hub's error body (`developer_message`, `http_code`,
    /// `360dialog_trace_id`, `details`), when the error is the hub's answer and its body has
    /// one; [`as_api`](Self::as_api) has the whole answer.
    pub fn api_error_meta(&self) -> Option<&ApiErrorMeta> {
        self.as_api().and_then(ApiError::meta)
    }

    /// Renamed: it returns the `meta` object of the hub's error body, not an [`ApiError`].
    #[deprecated(
        since = "0.2.0",
        note = "renamed `api_error_meta()`; `as_api()` returns the whole `ApiError`"
    )]
    pub fn api_error(&self) -> Option<&ApiErrorMeta> {
        self.api_error_meta()
    }

    /// The hub's `developer_message` (or, for [`Error::Auth`], the server's message).
    pub fn developer_message(&self) -> Option<&str> {
        match self.request_error() {
            Error::Auth(auth) => Some(&auth.message),
            _ => self
                .api_error_meta()
                .map(|meta| meta.developer_message.as_str()),
        }
    }

    /// The hub's `360dialog_trace_id`: quote it to 360dialog support.
    pub fn trace_id(&self) -> Option<&str> {
        match self.request_error() {
            Error::Auth(auth) => auth.trace_id.as_deref(),
            _ => self
                .api_error_meta()
                .and_then(|meta| meta.trace_id.as_deref()),
        }
    }

    /// How long the hub asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self.request_error() {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// Whether the same request may succeed when sent again: connection failures, timeouts,
    /// interrupted responses, 408, 429, 502, 503 and 504. The client has already retried these
    /// as far as its retry settings allow.
    pub fn is_retryable(&self) -> bool {
        match self.request_error() {
            Error::Transport(_) => true,
            Error::Api(api) => is_retryable_status(api.status),
            // No answer from the token endpoint, or a transient one.
            Error::Auth(auth) => auth.status.is_none_or(is_retryable_status),
            _ => false,
        }
    }

    /// Whether the request or connection timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self.request_error(), Error::Transport(e) if e.is_timeout())
    }

    /// Whether no connection to the hub could be made (refused, unreachable, a failed TLS
    /// handshake, a name that does not resolve), so the hub never saw the request. A failed
    /// login of the token flow is an [`Error::Auth`] instead.
    pub fn is_connect(&self) -> bool {
        matches!(self.request_error(), Error::Transport(e) if e.is_connect())
    }

    /// Whether the hub's success answer was not what the spec (or the type asked for)
    /// describes: an [`Error::Decode`], whose message names the failing field's path.
    pub fn is_decode(&self) -> bool {
        matches!(self.request_error(), Error::Decode(_))
    }

    /// Whether the hub may have received the request: `false` only when it provably did not (the
    /// request was invalid, the client misconfigured, the login failed, the connection never
    /// opened), so a `false` means repeating an update cannot apply it twice.
    pub fn request_sent(&self) -> bool {
        match self.request_error() {
            Error::InvalidRequest(_)
            | Error::Config(_)
            | Error::Credentials(_)
            | Error::Auth(_) => false,
            Error::Transport(transport) => !transport.is_connect(),
            Error::Api(_)
            | Error::Decode(_)
            | Error::ResponseTooLarge { .. }
            | Error::UnexpectedStatus { .. } => true,
            // Inconsistent: the page's request was answered.
            Error::Page(_) => true,
        }
    }
}

/// Statuses worth retrying: the server may answer differently next time.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// A server-provided text cut to [`BODY_PREFIX_LIMIT`] bytes, so that no error message grows
/// with what a server sends.
pub(crate) fn bounded(text: &str) -> String {
    body_prefix(text.as_bytes())
}

/// At most [`BODY_PREFIX_LIMIT`] bytes of a body as text, cut at a character boundary.
pub(crate) fn body_prefix(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_PREFIX_LIMIT)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > BODY_PREFIX_LIMIT {
        // A multi-byte character split by the cut shows as U+FFFD; drop it.
        text = text.trim_end_matches('\u{FFFD}').to_string();
        text.push('…');
    }
    text
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => {
                write!(f, "360dialog API error: HTTP {}", api.status)?;
                match (&api.body, &api.body_prefix) {
                    (Some(body), _) => write_error_body(f, body)?,
                    (None, Some(prefix)) => write!(
                        f,
                        "; the body is not a hub error, it starts with: {prefix:?}"
                    )?,
                    (None, None) => {}
                }
                if let Some(wait) = api.retry_after {
                    write!(f, " (Retry-After: {} s)", wait.as_secs())?;
                }
                Ok(())
            }
            Error::Auth(auth) => {
                write!(f, "authentication failed")?;
                if let Some(status) = auth.status {
                    write!(f, ": HTTP {status}")?;
                }
                write!(f, ": {}", auth.message)?;
                write_trace_id(f, auth.trace_id.as_deref())
            }
            Error::Decode(decode) => {
                write!(
                    f,
                    "could not decode the HTTP {} response body",
                    decode.status
                )?;
                if let Some(path) = &decode.path {
                    write!(f, " at `{path}`")?;
                }
                write!(
                    f,
                    ": {}; body starts with: {:?}",
                    decode.message, decode.body_prefix
                )
            }
            Error::ResponseTooLarge { status, limit } => write!(
                f,
                "the response body (HTTP {status}) is larger than the limit of {limit} bytes"
            ),
            Error::UnexpectedStatus { status } => write!(f, "unexpected HTTP status {status}"),
            Error::Transport(transport) => transport.fmt(f),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            // Credentials are part of the client's configuration; the variant tells them apart.
            Error::Config(message) | Error::Credentials(message) => {
                write!(f, "invalid client configuration: {message}")
            }
            Error::Page(page) => {
                write!(f, "{}: the page at offset {}", page.operation, page.offset)?;
                match &page.failure {
                    PageFailure::Request(error) => write!(f, " failed: {error}"),
                    PageFailure::Inconsistent(why) => write!(f, " ends the list: {why}"),
                }
            }
        }
    }
}

/// `: <developer_message> (360dialog_trace_id: ..)`, or the body's fields when it has no `meta`.
fn write_error_body(f: &mut fmt::Formatter<'_>, body: &ApiErrorBody) -> fmt::Result {
    match &body.meta {
        Some(meta) => {
            write!(f, ": {}", bounded(&meta.developer_message))?;
            write_trace_id(f, meta.trace_id.as_deref())
        }
        // Another shape (OAuth-style, say): its fields, as much as an error message should hold.
        None if !body.extra.is_empty() => {
            let fields = Value::Object(body.extra.clone()).to_string();
            write!(f, ": {}", body_prefix(fields.as_bytes()))
        }
        None => Ok(()),
    }
}

fn write_trace_id(f: &mut fmt::Formatter<'_>, trace_id: Option<&str>) -> fmt::Result {
    match trace_id {
        Some(trace_id) => write!(f, " (360dialog_trace_id: {})", bounded(trace_id)),
        None => Ok(()),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // `Display` shows the transport error's own text, so its cause comes next.
            Error::Transport(transport) => std::error::Error::source(&**transport),
            Error::Auth(auth) => auth
                .cause
                .as_deref()
                .map(|cause| cause as &(dyn std::error::Error + 'static)),
            // `Display` shows the page's error too, so its cause comes next.
            Error::Page(page) => page.error().and_then(std::error::Error::source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_body_is_cut_to_the_limit_at_a_character_boundary() {
        let body = "é".repeat(BODY_PREFIX_LIMIT);
        let prefix = body_prefix(body.as_bytes());
        assert!(prefix.len() <= BODY_PREFIX_LIMIT + '…'.len_utf8());
        assert!(prefix.ends_with("é…"), "{prefix}");
        assert_eq!(body_prefix(b"<html>"), "<html>");
    }

    fn api(status: u16, body: &str) -> Error {
        Error::Api(Box::new(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            body: serde_json::from_str(body).ok(),
            body_prefix: serde_json::from_str::<ApiErrorBody>(body)
                .is_err()
                .then(|| body_prefix(body.as_bytes())),
            retry_after: None,
            raw_body: Bytes::copy_from_slice(body.as_bytes()),
        }))
    }

    #[test]
    fn display_names_status_message_and_trace_id() {
        let error = api(
            404,
            r#"{"meta":{"developer_message":"Partner not found","http_code":404,"success":false,"360dialog_trace_id":"t-1"}}"#,
        );
        assert_eq!(
            error.to_string(),
            "360dialog API error: HTTP 404 Not Found: Partner not found (360dialog_trace_id: t-1)"
        );
        assert_eq!(error.trace_id(), Some("t-1"));
        assert!(!error.is_retryable());
        assert!(error.request_sent());
    }

    #[test]
    fn bodies_of_other_shapes_still_decode_and_show() {
        let error = api(
            401,
            r#"{"error":"invalid_grant","error_description":"bad password"}"#,
        );
        assert!(error.to_string().contains("bad password"), "{error}");
        let error = api(502, "<html><body>Bad Gateway</body></html>");
        assert_eq!(
            error.to_string(),
            "360dialog API error: HTTP 502 Bad Gateway; the body is not a hub error, it starts with: \"<html><body>Bad Gateway</body></html>\""
        );
        assert!(error.is_retryable());
    }

    #[test]
    fn server_texts_of_any_length_give_a_bounded_message() {
        let long = "x".repeat(1_000_000);
        let body =
            serde_json::json!({"meta": {"developer_message": long, "360dialog_trace_id": long}});
        let error = api(500, &body.to_string());
        assert!(
            error.to_string().len() < 3 * BODY_PREFIX_LIMIT,
            "{}",
            error.to_string().len()
        );
        assert_eq!(
            error.developer_message().map(str::len),
            Some(1_000_000),
            "the field keeps it all"
        );
    }

    #[test]
    fn the_hubs_answer_is_reached_through_a_page_error_too() {
        let body =
            r#"{"meta":{"developer_message":"Database unavailable","360dialog_trace_id":"t-5"}}"#;
        let page = |failure| {
            Error::Page(Box::new(PageError {
                operation: "get_clients",
                offset: 20,
                failure,
            }))
        };
        let failed = page(PageFailure::Request(api(500, body)));
        let api = failed.as_api().expect("the page's request got an answer");
        assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(api.raw_body(), body.as_bytes());
        assert_eq!(
            failed
                .api_error_meta()
                .map(|m| m.developer_message.as_str()),
            Some("Database unavailable")
        );
        let inconsistent = page(PageFailure::Inconsistent("offsets".into()));
        assert!(inconsistent.as_api().is_none());
        assert!(Error::InvalidRequest("x".into()).as_api().is_none());
        let decode = Error::Decode(Box::new(DecodeError {
            status: StatusCode::OK,
            path: None,
            message: "x".into(),
            body_prefix: String::new(),
        }));
        assert!(decode.is_decode() && !decode.is_connect());
        assert!(page(PageFailure::Request(decode)).is_decode());
    }

    /// The error of a request to a port nothing listens on.
    async fn refused() -> reqwest::Error {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        crate::tls::configure(reqwest::ClientBuilder::new(), &[])
            .unwrap()
            .build()
            .unwrap()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err()
    }

    #[tokio::test]
    async fn a_transport_error_keeps_the_origin_of_the_url_only() {
        for (url, origin) in [
            (
                "https://user:pw@hub.example:443/p/secret?key=v#f",
                "https://hub.example",
            ),
            ("http://hub.example:8080/p", "http://hub.example:8080"),
            ("http://[::1]:9/", "http://[::1]:9"),
        ] {
            let url = reqwest::Url::parse(url).unwrap();
            let mut error = TransportError::new(refused().await, &url);
            assert!(error.is_connect());
            assert_eq!(error.origin(), origin);
            assert_eq!(error.attempts(), 1);
            assert_eq!(error.to_string(), format!("could not connect to {origin}"));
            error.set_attempts(4);
            assert_eq!(error.attempts(), 4);
            assert_eq!(error.to_string(), format!("could not connect to {origin}"));
        }
    }

    #[test]
    fn errors_refused_before_sending_say_so() {
        for error in [
            Error::InvalidRequest("x".into()),
            Error::Config("x".into()),
            Error::Credentials("x".into()),
        ] {
            assert!(!error.request_sent(), "{error}");
            assert!(std::error::Error::source(&error).is_none());
        }
    }
}
