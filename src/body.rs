//! Reading a response body within a size limit, and checking it before the generated code
//! decodes it, so that every failure keeps its status, the failing field's path and the start
//! of the body.

use crate::error::{ApiError, ApiErrorBody, DecodeError, body_prefix};
use crate::relay::Relayed;
use bytes::{Bytes, BytesMut};
use serde::de::DeserializeOwned;
use std::time::SystemTime;

/// Default limit on a response body (32 MiB): far above any Partner API answer, far below what
/// would hurt a process.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Why a body could not be read.
pub(crate) enum ReadFailure {
    /// The connection failed or timed out while the body was arriving.
    Transport(reqwest::Error),
    /// The body is larger than the limit.
    TooLarge,
}

/// Reads the whole body, refusing to buffer more than `limit` bytes.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(http::response::Parts, Bytes), ReadFailure> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(ReadFailure::TooLarge);
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadFailure::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(ReadFailure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let (parts, _) = http::Response::from(response).into_parts();
    Ok((parts, body.freeze()))
}

/// What a read body turned out to be.
pub(crate) struct Examined {
    /// The response to hand to the generated code: the same status, headers and body, with a
    /// [`Relayed`] failure attached when the body is not what the operation expects.
    pub(crate) response: reqwest::Response,
    /// The hub's trace id, from an error body.
    pub(crate) trace_id: Option<String>,
}

/// Checks a body the way the generated code will decode it, and rebuilds the response.
///
/// `check_success_body` is the generated table of each operation's success type.
pub(crate) fn examine(operation_id: &str, parts: http::response::Parts, body: Bytes) -> Examined {
    let status = parts.status;
    let mut trace_id = None;
    let failure = if status.is_success() {
        match crate::generated::check_success_body(operation_id, &body) {
            Some(Err(PathError { path, message })) => {
                Some(Relayed::Decode(Box::new(DecodeError {
                    status: Some(status),
                    path,
                    message,
                    body_prefix: body_prefix(&body),
                })))
            }
            _ => None,
        }
    } else if status.is_client_error() || status.is_server_error() {
        match serde_json::from_slice::<ApiErrorBody>(&body) {
            Ok(decoded) => {
                trace_id = decoded.meta.and_then(|meta| meta.trace_id);
                None
            }
            Err(_) => Some(Relayed::Api(Box::new(ApiError {
                status,
                body: None,
                body_prefix: Some(body_prefix(&body)),
                retry_after: crate::retry::retry_after(&parts.headers, SystemTime::now()),
            }))),
        }
    } else {
        None
    };
    let mut response = http::Response::from_parts(parts, body);
    if let Some(failure) = failure {
        response.extensions_mut().insert(failure);
    }
    Examined {
        response: reqwest::Response::from(response),
        trace_id,
    }
}

/// Where and why a body failed to decode.
#[derive(Debug, PartialEq)]
pub(crate) struct PathError {
    /// The path to the failing value, e.g. `settings.io_secure`; `None` at the top level.
    pub(crate) path: Option<String>,
    pub(crate) message: String,
}

/// Decodes `body` as `T` exactly as the generated code will (whole body, no trailing data),
/// tracking the path, and keeps only the verdict. Called by the generated table
/// `check_success_body`.
pub(crate) fn check<T: DeserializeOwned>(body: &[u8]) -> Result<(), PathError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let verdict = serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .map(drop)
        .map_err(|error| {
            // `?` stands for a key that was still being read (a truncated body): the object
            // holding it is the useful answer.
            let path = error.path().to_string();
            let path = path.trim_end_matches(".?").trim_end_matches('?');
            PathError {
                path: (!path.is_empty() && path != ".").then(|| path.to_string()),
                message: error.into_inner().to_string(),
            }
        });
    verdict.and_then(|()| {
        deserializer.end().map_err(|error| PathError {
            path: None,
            message: error.to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::PartnerOut;

    #[test]
    fn check_names_the_path_of_the_failing_field() {
        let error = check::<PartnerOut>(br#"{"id": "p", "settings": {"io_secure": {"io_signature_verification_enabled": "yes"}}}"#)
            .unwrap_err();
        assert_eq!(
            error.path.as_deref(),
            Some("settings.io_secure.io_signature_verification_enabled")
        );
        assert!(
            error
                .message
                .starts_with("invalid type: string \"yes\", expected a boolean"),
            "{}",
            error.message
        );
    }

    #[test]
    fn check_refuses_truncated_bodies_and_trailing_data() {
        let error = check::<PartnerOut>(br#"{"id": "p", "brand_na"#).unwrap_err();
        assert!(
            error.message.starts_with("EOF while parsing"),
            "{}",
            error.message
        );
        let error = check::<PartnerOut>(br#"{"id": "p"} {}"#).unwrap_err();
        assert_eq!(error.path, None);
        assert!(
            error.message.starts_with("trailing characters"),
            "{}",
            error.message
        );
        assert_eq!(check::<PartnerOut>(br#"{"id": "p"}"#), Ok(()));
    }
}
