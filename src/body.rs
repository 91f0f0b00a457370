//! Reading a response body within a size limit; checking error bodies before the generated code
//! decodes them (so an HTML error page keeps its status); and explaining a success body the
//! generated code failed to decode, with the failing field's path.

use crate::error::{ApiError, ApiErrorBody, body_prefix};
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
    /// [`Relayed`] failure attached when an error body is not a hub error.
    pub(crate) response: reqwest::Response,
    /// The hub's trace id, from an error body.
    pub(crate) trace_id: Option<String>,
}

/// Checks an error body the way the generated code will decode it, and rebuilds the response.
/// Success bodies pass unchecked: decoding them twice would cost every call.
pub(crate) fn examine(parts: http::response::Parts, body: Bytes) -> Examined {
    let status = parts.status;
    let mut trace_id = None;
    let mut failure = None;
    if status.is_client_error() || status.is_server_error() {
        match serde_json::from_slice::<ApiErrorBody>(&body) {
            Ok(decoded) => trace_id = decoded.meta.and_then(|meta| meta.trace_id),
            Err(_) => {
                failure = Some(Relayed::Api(Box::new(ApiError {
                    status,
                    body: None,
                    body_prefix: Some(body_prefix(&body)),
                    retry_after: crate::retry::retry_after(&parts.headers, SystemTime::now()),
                })))
            }
        }
    }
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
    /// serde's message, unabridged.
    pub(crate) message: String,
}

/// Decodes `body` as `T` exactly as the generated code does (whole body, no trailing data),
/// tracking the path, and keeps only the verdict.
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

/// Something done once per JSON success type of the operations; the generated
/// `success_types(visitor)` calls it for each.
pub(crate) trait SuccessTypes {
    fn visit<T: DeserializeOwned>(&mut self);
}

/// The path of the field where decoding `body` failed with `message`: the body re-decoded, with
/// path tracking, as each success type until one fails with that same message (same words, same
/// line and column). Runs only after a failure, so success bodies are decoded once.
pub(crate) fn explain_decode_failure(body: &[u8], message: &str) -> Option<PathError> {
    struct Explain<'a> {
        body: &'a [u8],
        message: &'a str,
        found: Option<PathError>,
    }
    impl SuccessTypes for Explain<'_> {
        fn visit<T: DeserializeOwned>(&mut self) {
            if self.found.is_none()
                && let Err(error) = check::<T>(self.body)
                && error.message == self.message
            {
                self.found = Some(error);
            }
        }
    }
    let mut explain = Explain {
        body,
        message,
        found: None,
    };
    crate::generated::success_types(&mut explain);
    explain.found
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
        assert_eq!(
            error.message,
            "invalid type: string \"yes\", expected a boolean at line 1 column 81"
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

/// Random and mutated JSON through every response decoder: never a panic, every error message
/// bounded, and every success body the generated decoding refuses explained with its path.
#[cfg(test)]
mod properties {
    use super::*;
    use crate::Error;
    use crate::generated::success_types;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// Error statuses: declared (400, 404) and not (401, 429, 502).
    const ERROR_STATUSES: [u16; 5] = [400, 401, 404, 429, 502];

    /// Keys of the hub's bodies, so random objects hit real fields with wrong types.
    const KEYS: [&str; 12] = [
        "id",
        "brand_name",
        "settings",
        "payment_plan",
        "webhook_url",
        "meta",
        "developer_message",
        "360dialog_trace_id",
        "details",
        "io_secure",
        "partner_change_request",
        "account_sharing",
    ];

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
            // Long strings: error texts quote values, and must stay bounded anyway.
            (0..3000usize).prop_map(|n| Value::from("x".repeat(n))),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::vec(
                    (
                        prop_oneof![
                            prop::sample::select(&KEYS[..]).prop_map(str::to_string),
                            ".{0,8}"
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    fn partner() -> Value {
        json!({
            "id": "p1", "brand_name": "Acme", "payment_plan": {"plan": "basic"},
            "webhook_url": "https://acme.example/hook", "country": "DE",
            "settings": {"partner_change_request": {"auto_approve": true},
                         "io_secure": {"io_signature_verification_enabled": true},
                         "account_sharing": null},
            "meta": {"developer_message": "x", "360dialog_trace_id": "t"}
        })
    }

    /// A valid body cut, flipped, spliced or stretched.
    fn mutated_body() -> impl Strategy<Value = Vec<u8>> {
        let body = partner().to_string().into_bytes();
        let length = body.len();
        (
            0..length,
            any::<u8>(),
            0..4u8,
            prop::collection::vec(any::<u8>(), 0..16),
        )
            .prop_map(move |(at, byte, how, insert)| {
                let mut body = body.clone();
                match how {
                    0 => body.truncate(at),
                    1 => body[at] = byte,
                    2 => {
                        body.splice(at..at, insert);
                    }
                    _ => {
                        body.drain(at..(at + insert.len()).min(length));
                    }
                }
                body
            })
    }

    fn bodies() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            any_json().prop_map(|v| v.to_string().into_bytes()),
            mutated_body(),
            prop::collection::vec(any::<u8>(), 0..64),
        ]
    }

    fn parts(status: u16) -> http::response::Parts {
        let mut response = http::Response::new(());
        *response.status_mut() = reqwest::StatusCode::from_u16(status).unwrap();
        response.into_parts().0
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn every_decoder_survives_any_body(body in bodies()) {
            let mut success_decoders = SuccessDecoders { body: &body, problems: Vec::new() };
            success_types(&mut success_decoders);
            prop_assert!(success_decoders.problems.is_empty(), "{:?}", success_decoders.problems);

            for status in ERROR_STATUSES {
                let examined = examine(parts(status), Bytes::from(body.clone()));
                let error = match Relayed::attached(&Ok(examined.response)).cloned() {
                    Some(relayed) => Error::from(progenitor_client::Error::<ApiErrorBody>::Custom(relayed.encode())),
                    None => {
                        let decoded = serde_json::from_slice::<ApiErrorBody>(&body);
                        prop_assert!(decoded.is_ok(), "an error body passed the check but does not decode");
                        Error::Api(Box::new(ApiError { status: parts(status).status, body: decoded.ok(), body_prefix: None, retry_after: None }))
                    }
                };
                prop_assert!(error.to_string().len() < 4 * crate::BODY_PREFIX_LIMIT, "{}", error);
                prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            }
        }
    }

    /// Decodes the body as each success type the way the generated code does, and checks what a
    /// caller would get.
    struct SuccessDecoders<'a> {
        body: &'a [u8],
        problems: Vec<String>,
    }

    impl SuccessTypes for SuccessDecoders<'_> {
        fn visit<T: DeserializeOwned>(&mut self) {
            let generated = serde_json::from_slice::<T>(self.body);
            let checked = check::<T>(self.body);
            match generated {
                Ok(_) if checked.is_err() => self.problems.push(format!(
                    "{}: check refused what decodes",
                    std::any::type_name::<T>()
                )),
                Ok(_) => {}
                Err(error) => {
                    let message = error.to_string();
                    let explained = explain_decode_failure(self.body, &message);
                    if explained.as_ref().map(|e| &e.message) != Some(&message) {
                        self.problems
                            .push(format!("{message:?} not explained: {explained:?}"));
                    }
                    let error = Error::from(
                        progenitor_client::Error::<ApiErrorBody>::InvalidResponsePayload(
                            Bytes::copy_from_slice(self.body),
                            error,
                        ),
                    );
                    if error.to_string().len() >= 4 * crate::BODY_PREFIX_LIMIT {
                        self.problems.push(format!("unbounded: {error}"));
                    }
                }
            }
        }
    }
}
