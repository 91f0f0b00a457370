//! One error type for every failure of every operation.
//!
//! Generated operations return `progenitor_client::Error<ApiErrorBody>`; `?` converts it into
//! [`Error`], which keeps the HTTP status, the hub's error body (with its `360dialog_trace_id`,
//! which 360dialog support asks for) and, when a body does not decode, a bounded prefix of it.

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::time::{Duration, SystemTime};

/// How much of an undecodable body an error keeps: enough to recognize an HTML error page or a
/// truncated document, never megabytes.
pub const BODY_PREFIX_LIMIT: usize = 512;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The body of a hub error response: `{"meta": {...}}`.
///
/// Decodes any JSON object: fields the hub adds, or bodies of another shape (such as OAuth-style
/// `{"error": ..}`), land in [`ApiErrorBody::extra`] instead of failing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// The hub's error description, when the body has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ApiErrorMeta>,
    /// Every other field of the body.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `meta` object of a hub error response (the spec's `MetaSchemaErrorWithDetails`, the
/// superset of its error shapes).
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
    /// The username/password token flow failed: the hub refused the credentials, or its token
    /// response was unusable.
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
    /// The hub answered a status the generated code does not expect (for example a 1xx or 3xx).
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
    },
    /// The request could not be sent, or the response not received: connection, TLS, timeout.
    Transport(reqwest::Error),
    /// The request was incomplete or invalid before sending (e.g. a required parameter unset).
    InvalidRequest(String),
    /// The client could not be configured (e.g. no credentials, a malformed base URL).
    Config(String),
}

/// An error status from the hub, with what its body said.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    #[serde(with = "status_code")]
    pub status: StatusCode,
    /// The decoded error body; `None` when the body was not a JSON object (an HTML error page
    /// from a proxy, say), in which case [`body_prefix`](Self::body_prefix) holds its start.
    pub body: Option<ApiErrorBody>,
    /// The first [`BODY_PREFIX_LIMIT`] bytes of a body that did not decode.
    pub body_prefix: Option<String>,
    /// How long the hub asked the client to wait (`Retry-After`), on 429 and 503.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// The hub's error description, when the body has one.
    pub fn meta(&self) -> Option<&ApiErrorMeta> {
        self.body.as_ref().and_then(|body| body.meta.as_ref())
    }
}

/// Why the username/password token flow failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthError {
    /// The token endpoint's HTTP status; `None` when it did not answer.
    #[serde(with = "status_code::optional")]
    pub status: Option<StatusCode>,
    /// The server's message (`developer_message`, or OAuth's `error_description`/`error`), or
    /// what was wrong with its answer. Never contains the password.
    pub message: String,
    /// The hub's `360dialog_trace_id`, when its body had one.
    pub trace_id: Option<String>,
}

/// Why a success response's body did not decode.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DecodeError {
    /// Where in the body decoding failed, e.g. `settings.io_secure`; `None` when unknown.
    pub path: Option<String>,
    /// What was wrong there.
    pub message: String,
    /// The first [`BODY_PREFIX_LIMIT`] bytes of the body, lossily decoded.
    pub body_prefix: String,
}

impl Error {
    /// The HTTP status, when the hub answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Auth(auth) => auth.status,
            Error::ResponseTooLarge { status, .. } | Error::UnexpectedStatus { status } => {
                Some(*status)
            }
            Error::Transport(e) => e.status(),
            Error::Decode(_) | Error::InvalidRequest(_) | Error::Config(_) => None,
        }
    }

    /// The hub's error description, for [`Error::Api`] with a `meta` body.
    pub fn api_error(&self) -> Option<&ApiErrorMeta> {
        match self {
            Error::Api(api) => api.meta(),
            _ => None,
        }
    }

    /// The hub's `developer_message` (or, for [`Error::Auth`], the server's message).
    pub fn developer_message(&self) -> Option<&str> {
        match self {
            Error::Auth(auth) => Some(&auth.message),
            _ => self.api_error().map(|meta| meta.developer_message.as_str()),
        }
    }

    /// The hub's `360dialog_trace_id`: quote it to 360dialog support.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            Error::Auth(auth) => auth.trace_id.as_deref(),
            _ => self.api_error().and_then(|meta| meta.trace_id.as_deref()),
        }
    }

    /// How long the hub asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// Whether the same request may succeed when sent again: connection failures, timeouts,
    /// 408, 429, 502, 503 and 504. The client has already retried these as far as its retry
    /// settings allow.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => {
                e.is_connect() || e.is_timeout() || e.status().is_some_and(is_retryable_status)
            }
            Error::Api(api) => is_retryable_status(api.status),
            // No answer from the token endpoint, or a transient one.
            Error::Auth(auth) => auth.status.is_none_or(is_retryable_status),
            _ => false,
        }
    }

    /// Whether the request or connection timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }
}

/// Statuses worth retrying: the server may answer differently next time.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// The error and its causes, e.g. "error sending request for url (..): connection refused".
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
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
                write!(f, "could not decode the response body")?;
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
            // reqwest's own message names only the URL; the cause is in its sources.
            Error::Transport(e) => write!(f, "request failed: {}", error_chain(e)),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
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
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

impl From<progenitor_client::Error<ApiErrorBody>> for Error {
    fn from(error: progenitor_client::Error<ApiErrorBody>) -> Self {
        use progenitor_client::Error as Generated;
        match error {
            Generated::ErrorResponse(response) => Error::Api(Box::new(ApiError {
                status: response.status(),
                retry_after: crate::retry::retry_after(response.headers(), SystemTime::now()),
                body: Some(response.into_inner()),
                body_prefix: None,
            })),
            // A success body the generated code could not decode: find the failing field.
            Generated::InvalidResponsePayload(body, source) => {
                let message = source.to_string();
                let path = crate::body::explain_decode_failure(&body, &message)
                    .and_then(|explained| explained.path);
                Error::Decode(Box::new(DecodeError {
                    path,
                    // serde quotes the offending value, which may be megabytes long.
                    message: bounded(&message),
                    body_prefix: body_prefix(&body),
                }))
            }
            Generated::UnexpectedResponse(response) => Error::UnexpectedStatus {
                status: response.status(),
            },
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e) => Error::Transport(e),
            Generated::Custom(message) => crate::relay::Relayed::decode(&message)
                .map(Error::from)
                .unwrap_or(Error::InvalidRequest(message)),
            Generated::InvalidRequest(message) => Error::InvalidRequest(message),
        }
    }
}

/// `StatusCode` as its number, for the relayed errors' serde.
mod status_code {
    use reqwest::StatusCode;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(status: &StatusCode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(status.as_u16())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<StatusCode, D::Error> {
        StatusCode::from_u16(u16::deserialize(d)?).map_err(D::Error::custom)
    }

    pub mod optional {
        use super::*;

        pub fn serialize<S: Serializer>(
            status: &Option<StatusCode>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match status {
                Some(status) => super::serialize(status, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<StatusCode>, D::Error> {
            Option::<u16>::deserialize(d)?
                .map(|code| StatusCode::from_u16(code).map_err(D::Error::custom))
                .transpose()
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
}
