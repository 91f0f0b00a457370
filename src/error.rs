//! One error type for every failure of every operation.
//!
//! Generated operations return `progenitor_client::Error<ApiErrorBody>`; `?` converts it into
//! [`Error`], which keeps the HTTP status, the hub's error body (with its `360dialog_trace_id`,
//! which 360dialog support asks for) and, when a body does not decode, a bounded prefix of it.

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

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
    /// The hub answered with an error status.
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The decoded error body (boxed: it keeps `Result<_, Error>` small on the happy path).
        body: Box<ApiErrorBody>,
    },
    /// A response body (success or error) was not what the spec describes.
    Decode {
        /// The HTTP status, when known.
        status: Option<StatusCode>,
        /// The first [`BODY_PREFIX_LIMIT`] bytes of the body, lossily decoded.
        body_prefix: String,
        /// Why decoding failed.
        source: serde_json::Error,
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

impl Error {
    /// The HTTP status, when the hub answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedStatus { status } => Some(*status),
            Error::Decode { status, .. } => *status,
            Error::Transport(e) => e.status(),
            Error::InvalidRequest(_) | Error::Config(_) => None,
        }
    }

    /// The hub's error description, for [`Error::Api`] with a `meta` body.
    pub fn api_error(&self) -> Option<&ApiErrorMeta> {
        match self {
            Error::Api { body, .. } => body.meta.as_ref(),
            _ => None,
        }
    }

    /// The hub's `developer_message`.
    pub fn developer_message(&self) -> Option<&str> {
        self.api_error().map(|meta| meta.developer_message.as_str())
    }

    /// The hub's `360dialog_trace_id`: quote it to 360dialog support.
    pub fn trace_id(&self) -> Option<&str> {
        self.api_error().and_then(|meta| meta.trace_id.as_deref())
    }

    /// Whether the same request may succeed when sent again: connection failures, timeouts,
    /// 408, 429, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => {
                e.is_connect() || e.is_timeout() || e.status().is_some_and(is_retryable_status)
            }
            _ => self.status().is_some_and(is_retryable_status),
        }
    }

    pub(crate) fn decode(
        status: Option<StatusCode>,
        body: &[u8],
        source: serde_json::Error,
    ) -> Self {
        Error::Decode {
            status,
            body_prefix: body_prefix(body),
            source,
        }
    }
}

/// Statuses worth retrying: the server may answer differently next time.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// At most [`BODY_PREFIX_LIMIT`] bytes of a body as text, cut at a character boundary.
fn body_prefix(body: &[u8]) -> String {
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
            Error::Api { status, body } => {
                write!(f, "360dialog API error: HTTP {status}")?;
                match &body.meta {
                    Some(meta) => {
                        write!(f, ": {}", meta.developer_message)?;
                        if let Some(trace_id) = &meta.trace_id {
                            write!(f, " (360dialog_trace_id: {trace_id})")?;
                        }
                        Ok(())
                    }
                    None if !body.extra.is_empty() => {
                        write!(f, ": {}", Value::Object(body.extra.clone()))
                    }
                    None => Ok(()),
                }
            }
            Error::Decode {
                status,
                body_prefix,
                source,
            } => {
                write!(f, "could not decode the response body")?;
                if let Some(status) = status {
                    write!(f, " (HTTP {status})")?;
                }
                write!(f, ": {source}; body starts with: {body_prefix:?}")
            }
            Error::UnexpectedStatus { status } => write!(f, "unexpected HTTP status {status}"),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

impl From<progenitor_client::Error<ApiErrorBody>> for Error {
    fn from(error: progenitor_client::Error<ApiErrorBody>) -> Self {
        use progenitor_client::Error as Generated;
        match error {
            Generated::ErrorResponse(response) => Error::Api {
                status: response.status(),
                body: Box::new(response.into_inner()),
            },
            Generated::InvalidResponsePayload(body, source) => Error::decode(None, &body, source),
            Generated::UnexpectedResponse(response) => Error::UnexpectedStatus {
                status: response.status(),
            },
            Generated::CommunicationError(e)
            | Generated::ResponseBodyError(e)
            | Generated::InvalidUpgrade(e) => Error::Transport(e),
            Generated::InvalidRequest(message) | Generated::Custom(message) => {
                Error::InvalidRequest(message)
            }
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

    #[test]
    fn display_names_status_message_and_trace_id() {
        let body: ApiErrorBody = serde_json::from_str(
            r#"{"meta":{"developer_message":"Partner not found","http_code":404,"success":false,"360dialog_trace_id":"t-1"}}"#,
        )
        .unwrap();
        let error = Error::Api {
            status: StatusCode::NOT_FOUND,
            body: Box::new(body),
        };
        assert_eq!(
            error.to_string(),
            "360dialog API error: HTTP 404 Not Found: Partner not found (360dialog_trace_id: t-1)"
        );
        assert_eq!(error.trace_id(), Some("t-1"));
        assert!(!error.is_retryable());
    }

    #[test]
    fn bodies_of_other_shapes_still_decode_and_show() {
        let body: ApiErrorBody =
            serde_json::from_str(r#"{"error":"invalid_grant","error_description":"bad password"}"#)
                .unwrap();
        assert_eq!(body.meta, None);
        let error = Error::Api {
            status: StatusCode::UNAUTHORIZED,
            body: Box::new(body),
        };
        assert!(error.to_string().contains("bad password"), "{error}");
    }
}
