//! What the hub said when it answered: an error status with its body ([`ApiError`]), or a
//! success body that is not what the spec describes ([`DecodeError`]); and the bound on how much
//! of a server's text any error keeps.

use bytes::Bytes;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Duration;

/// How much of an undecodable body, or of a server's message, an error keeps: enough to
/// recognize an HTML error page or a truncated document, never megabytes.
pub(crate) const BODY_PREFIX_LIMIT: usize = 512;

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

/// An error status from the hub, with what its body said.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The decoded error body; `None` when the body was not a JSON object (an HTML error page
    /// from a proxy, say), in which case [`body_prefix`](Self::body_prefix) holds its start.
    pub body: Option<ApiErrorBody>,
    /// The first 512 bytes of a body that did not decode.
    pub body_prefix: Option<String>,
    /// How long the hub asked the client to wait (`Retry-After`), on 429 and 503.
    pub retry_after: Option<Duration>,
    /// The body as received.
    pub(crate) raw_body: Bytes,
}

impl ApiError {
    /// An error answer: its status, the hub's error body when it is one (else the body's start),
    /// and the wait its `Retry-After` asked for.
    pub(crate) fn new(status: StatusCode, retry_after: Option<Duration>, body: &Bytes) -> ApiError {
        let decoded = serde_json::from_slice::<ApiErrorBody>(body).ok();
        ApiError {
            status,
            body_prefix: decoded.is_none().then(|| body_prefix(body)),
            body: decoded,
            retry_after,
            raw_body: body.clone(),
        }
    }

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

impl std::fmt::Display for ApiError {
    /// `HTTP 404 Not Found: <developer_message> (360dialog_trace_id: ..)`, or the start of a
    /// body that is no hub error.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match (&self.body, &self.body_prefix) {
            (Some(body), _) => match &body.meta {
                Some(meta) => {
                    write!(f, ": {}", bounded(&meta.developer_message))?;
                    write_trace_id(f, meta.trace_id.as_deref())?;
                }
                // Another shape (OAuth-style, say): its fields, as much as a message should hold.
                None if !body.extra.is_empty() => {
                    let fields = Value::Object(body.extra.clone()).to_string();
                    write!(f, ": {}", body_prefix(fields.as_bytes()))?;
                }
                None => {}
            },
            (None, Some(prefix)) => write!(
                f,
                "; the body is not a hub error, it starts with: {prefix:?}"
            )?,
            (None, None) => {}
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (Retry-After: {} s)", wait.as_secs())?;
        }
        Ok(())
    }
}

/// Why a success response's body did not decode.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// Where in the body decoding failed, e.g. `settings.io_secure`; `None` when unknown.
    pub path: Option<String>,
    /// What was wrong there (cut to 512 bytes).
    pub message: String,
    /// The first 512 bytes of the body, lossily decoded.
    pub body_prefix: String,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not decode the HTTP {} response body", self.status)?;
        if let Some(path) = &self.path {
            write!(f, " at `{path}`")?;
        }
        write!(
            f,
            ": {}; body starts with: {:?}",
            self.message, self.body_prefix
        )
    }
}

/// ` (360dialog_trace_id: ..)` when there is one.
pub(crate) fn write_trace_id(
    f: &mut std::fmt::Formatter<'_>,
    trace_id: Option<&str>,
) -> std::fmt::Result {
    match trace_id {
        Some(trace_id) => write!(f, " (360dialog_trace_id: {})", bounded(trace_id)),
        None => Ok(()),
    }
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
}
