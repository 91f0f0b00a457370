//! Response bodies: read within a size limit, decoded once, and explained when they do not
//! decode (the failing field's path, the status, the start of the body).

#[cfg(any(feature = "metadata", feature = "mock"))]
use crate::error::BodyMismatch;
use crate::error::{DecodeError, ErrorKind, Result, body_prefix, bounded};
use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

/// Default limit on a response body (32 MiB): far above any Partner API answer, far below what
/// would hurt a process.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Why a body could not be read.
pub(crate) enum ReadFailure {
    /// The connection failed or timed out while the body was arriving.
    Transport(reqwest::Error),
    /// The body is larger than the limit.
    TooLarge,
}

/// A success response (or, for calls that take any answer, the last answer), read whole. What
/// the generated operations decode (through `crate::__private`).
pub struct Received {
    pub(crate) status: StatusCode,
    /// The response's headers, kept only by calls that hand the answer back (empty otherwise).
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Bytes,
}

impl Received {
    /// The body decoded as the operation's success type.
    pub fn json<T: DeserializeOwned>(self) -> Result<T> {
        decode(self.status, &self.body)
    }

    /// The body decoded as `T`, an empty one as JSON `null`, so that `()`, `Option<_>` and
    /// `serde_json::Value` take a success without a body (raw requests, whose answer the spec
    /// does not describe).
    pub(crate) fn json_or_null<T: DeserializeOwned>(self) -> Result<T> {
        decode_or_null(self.status, &self.body)
    }

    /// For operations whose success response has no body: whatever came is ignored.
    pub fn empty(self) -> Result<()> {
        Ok(())
    }
}

/// Reads the whole body, refusing to buffer more than `limit` bytes.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, ReadFailure> {
    match response.content_length() {
        Some(length) if length > limit as u64 => return Err(ReadFailure::TooLarge),
        // The length is announced and acceptable: one read, no copying.
        Some(_) => return response.bytes().await.map_err(ReadFailure::Transport),
        None => {}
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadFailure::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(ReadFailure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// `body` decoded as `T`, once. A body that does not decode is explained: the failing field's
/// path is read off the body's text at the error's position (`json_path`).
pub(crate) fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|error| {
        let message = error.to_string();
        ErrorKind::Decode(DecodeError {
            status,
            path: crate::call::json_path::path_at(body, error.line(), error.column()),
            // serde quotes the offending value, which may be megabytes long.
            message: bounded(&message),
            body_prefix: body_prefix(body),
        })
        .into()
    })
}

/// [`decode`], an empty (or all-whitespace) body read as JSON `null`.
pub(crate) fn decode_or_null<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    match body.iter().all(crate::call::json_path::is_json_whitespace) {
        true => decode(status, b"null"),
        false => decode(status, body),
    }
}

/// Whether `body` decodes as `T` (the operation table's `check_response`): the same decoding a
/// typed call does, for calls that keep the body as JSON.
#[cfg(feature = "metadata")]
pub fn check<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<()> {
    decode::<T>(status, body).map(drop)
}

/// [`check`] for operations without a success body: whatever came is accepted.
#[cfg(feature = "metadata")]
pub fn check_empty(_: StatusCode, _: &[u8]) -> Result<()> {
    Ok(())
}

/// Whether a request body given as JSON decodes as the operation's body type `T` (the table's
/// `check_body`), naming the path of the value that does not fit.
#[cfg(feature = "metadata")]
pub fn check_body<T: DeserializeOwned>(body: &serde_json::Value) -> Result<(), BodyMismatch> {
    // Through the text, so the path is found as a response's is.
    let text = body.to_string();
    decode::<T>(StatusCode::OK, text.as_bytes())
        .map(drop)
        .map_err(|error| match error.into_kind() {
            ErrorKind::Decode(decode) => BodyMismatch::Invalid {
                path: decode.path,
                message: strip_position(&decode.message),
            },
            other => BodyMismatch::Invalid {
                path: None,
                message: other.to_string(),
            },
        })
}

/// A decoder's message without its ` at line 1 column 37`: the body was written by the caller
/// as data, so the path says where, not a position in text it never saw.
#[cfg(feature = "metadata")]
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// For the contract tests: `body` decoded as `T` and serialized again, to compare with what the
/// server sent.
#[cfg(feature = "mock")]
pub fn roundtrip<T: DeserializeOwned + serde::Serialize>(
    status: StatusCode,
    body: &[u8],
) -> Result<serde_json::Value> {
    let decoded: T = decode(status, body)?;
    Ok(serde_json::to_value(decoded).expect("a decoded value serializes"))
}

/// For the contract tests: a JSON request body decoded as the operation's body type and
/// serialized again, so what is sent is what the typed builder would send.
#[cfg(feature = "mock")]
pub fn reserialize<T: DeserializeOwned + serde::Serialize>(
    body: &serde_json::Value,
) -> Result<serde_json::Value, BodyMismatch> {
    let typed: T = serde_json::from_value(body.clone()).map_err(|e| BodyMismatch::Invalid {
        path: None,
        message: e.to_string(),
    })?;
    Ok(serde_json::to_value(typed).expect("a decoded value serializes"))
}

/// [`roundtrip`] for operations without a success body.
#[cfg(feature = "mock")]
pub fn roundtrip_empty(_: StatusCode, _: &[u8]) -> Result<serde_json::Value> {
    Ok(serde_json::Value::Null)
}

/// A body type shaped like the hub's (nested optional objects), so the tests do not depend on
/// which spec the crate was generated from.
#[cfg(test)]
mod shapes {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // decoded, never read
    pub struct PartnerOut {
        pub id: Option<String>,
        pub brand_name: Option<String>,
        pub settings: Option<Settings>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    pub struct Settings {
        pub io_secure: Option<IoSecure>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    pub struct IoSecure {
        pub io_signature_verification_enabled: Option<bool>,
    }
}

/// The reference the body scan (`json_path`) is checked against: a path-tracking decode,
/// serde_path_to_error, only in tests.
#[cfg(test)]
mod reference {
    use serde::de::DeserializeOwned;

    /// Where and why a body failed to decode, as serde_path_to_error says.
    #[derive(Debug, PartialEq)]
    pub struct PathError {
        /// The path to the failing value; `None` at the top level.
        pub path: Option<String>,
        /// serde's message, unabridged.
        pub message: String,
    }

    /// Decodes `body` as `T` as `decode` does (whole body, no trailing data), tracking the path.
    pub fn check<T: DeserializeOwned>(body: &[u8]) -> Result<(), PathError> {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let verdict = serde_path_to_error::deserialize::<_, T>(&mut deserializer)
            .map(drop)
            .map_err(|error| {
                // A last segment `?` stands for a key that was still being read (a truncated
                // body): the object holding it is the useful answer. A `?` inside a key stays.
                let path = error.path().to_string();
                let path = match path.strip_suffix(".?") {
                    Some(holder) => holder,
                    None if path == "?" => "",
                    None => &path,
                };
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
}

#[cfg(test)]
mod tests {
    use super::reference::check;
    use super::shapes::PartnerOut;
    use super::*;

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

    #[test]
    fn a_body_that_does_not_decode_names_status_path_and_start() {
        let error =
            decode::<PartnerOut>(StatusCode::OK, br#"{"settings": {"io_secure": 7}}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "could not decode the HTTP 200 OK response body at `settings.io_secure`: invalid type: integer `7`, expected struct IoSecure at line 1 column 28; body starts with: \"{\\\"settings\\\": {\\\"io_secure\\\": 7}}\""
        );
    }
}

/// Random and mutated JSON through every response decoder: never a panic, every error message
/// bounded, and every success body that does not decode explained with its path.
#[cfg(all(test, feature = "mock"))]
mod properties {
    use super::*;
    use crate::error::{ApiError, BODY_PREFIX_LIMIT, Error};
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

    /// Any JSON pretty-printed, each whitespace byte kept or swapped for a byte JSON does or
    /// does not count as whitespace (form feed and vertical tab look like it and are not).
    fn respaced_body() -> impl Strategy<Value = Vec<u8>> {
        const SPACES: &[u8] = b" \t\n\r\x0c\x0b";
        (
            any_json(),
            prop::collection::vec(prop::sample::select(SPACES), 64),
        )
            .prop_map(|(value, spaces)| {
                let mut body = serde_json::to_vec_pretty(&value).unwrap();
                let mut next = spaces.iter().cycle();
                for byte in body
                    .iter_mut()
                    .filter(|b| crate::call::json_path::is_json_whitespace(b))
                {
                    *byte = *next.next().unwrap();
                }
                body
            })
    }

    fn bodies() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            any_json().prop_map(|v| v.to_string().into_bytes()),
            mutated_body(),
            respaced_body(),
            prop::collection::vec(any::<u8>(), 0..64),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn every_decoder_survives_any_body(body in bodies()) {
            for hooks in crate::mock::contract::HOOKS {
                match (hooks.roundtrip)(StatusCode::OK, &body).map_err(Error::into_kind) {
                    Ok(_) => {}
                    Err(ErrorKind::Decode(decode)) => {
                        prop_assert!(decode.message.len() <= BODY_PREFIX_LIMIT + 4, "{}", decode.message);
                        let error: Error = ErrorKind::Decode(decode).into();
                        prop_assert!(error.to_string().len() < 4 * BODY_PREFIX_LIMIT);
                    }
                    Err(other) => prop_assert!(false, "{}: {other}", hooks.operation.id()),
                }
            }
            for status in ERROR_STATUSES {
                let status = StatusCode::from_u16(status).unwrap();
                let error: Error = ErrorKind::Api(ApiError::new(status, None, &Bytes::from(body.clone()))).into();
                prop_assert!(error.to_string().len() < 4 * BODY_PREFIX_LIMIT, "{}", error);
                prop_assert_eq!(error.status(), Some(status));
            }
        }

        #[test]
        fn every_refused_success_body_is_explained_with_the_path_a_tracking_decoder_names(body in bodies()) {
            if let Err(ErrorKind::Decode(error)) = decode::<super::shapes::PartnerOut>(StatusCode::OK, &body).map_err(Error::into_kind) {
                let reference = super::reference::check::<super::shapes::PartnerOut>(&body).unwrap_err();
                prop_assert_eq!(&error.message, &crate::error::bounded(&reference.message));
                // Inside a field the type ignores the tracking decoder stops at the field; the
                // scan goes on to where the text broke.
                let agrees = match (&error.path, &reference.path) {
                    (found, expected) if found == expected => true,
                    (Some(found), Some(expected)) => found
                        .strip_prefix(expected.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '['])),
                    // Stopped at an ignored field at the top.
                    (Some(_), None) => true,
                    _ => false,
                };
                prop_assert!(agrees, "{:?} vs {:?}: {}", error.path, reference.path, String::from_utf8_lossy(&body));
            }
        }
    }
}
