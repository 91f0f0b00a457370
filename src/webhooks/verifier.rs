//! Verifying a webhook delivery: the hub signs each body with HMAC-SHA256 under the partner's
//! platform secret and sends the signature in `x-360dialog-signature`; a receiver checks it over
//! the raw bytes, in constant time, before reading anything of the body.

use super::event::{Event, NotAnEvent};
use super::signature::Unreadable;
use crate::secret::{PlatformSecret, SecretError};
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use ring::hmac;
use secrecy::SecretString;
use std::fmt;

/// The header that carries a webhook's signature.
pub const SIGNATURE_HEADER: &str = "x-360dialog-signature";

/// Checks that a webhook delivery comes from the hub, and reads its event.
///
/// Made from the partner's platform secret; during a rotation it also accepts the secret being
/// rotated out ([`previous`](Self::previous)). [`verify`](Self::verify) takes the request's
/// headers and its body exactly as received, and refuses, before any hashing, a body over
/// [`max_body_bytes`](Self::max_body_bytes) (1 MiB by default). The signature is compared in
/// constant time over its 32 decoded bytes, so hex in either case, with or without `sha256=`,
/// and base64 (standard or URL-safe, padded or not) are all read.
///
/// ```
/// use d360_partner::webhooks::Verifier;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = Verifier::new("the-platform-secret")?
///     .previous("the-secret-being-rotated-out")?;
/// // Or, from D360_PARTNER_PLATFORM_SECRET and D360_PARTNER_PREVIOUS_PLATFORM_SECRET:
/// // let verifier = Verifier::from_env()?;
/// # let body = br#"{"event":"channel_created","data":{"id":"CH1"}}"#;
/// # let signature = d360_partner::webhooks::sign(&d360_partner::PlatformSecret::new("the-platform-secret")?, body);
/// # let mut headers = d360_partner::HeaderMap::new();
/// # headers.insert("x-360dialog-signature", signature.parse().unwrap());
///
/// // In your handler, with the request's headers and raw body:
/// match verifier.verify(&headers, body) {
///     Ok(event) => println!("{} {}", event.name(), event.data()),
///     // Answer with `error.status()`: 401, 413 or 400.
///     Err(error) => eprintln!("refused: {error} ({})", error.status()),
/// }
/// # Ok(()) }
/// ```
///
/// Its `Debug` shows how many secrets it holds, never a secret.
#[derive(Clone)]
pub struct Verifier {
    current: hmac::Key,
    previous: Option<hmac::Key>,
    max_body_bytes: usize,
}

impl Verifier {
    /// The largest body [`verify`](Self::verify) reads unless told otherwise: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

    /// A verifier for the platform secret (a `&str`, `String` or `secrecy::SecretString`);
    /// refused when it is empty or blank.
    pub fn new(secret: impl Into<SecretString>) -> Result<Verifier, SecretError> {
        Ok(Self::with_secret(&PlatformSecret::new(secret)?))
    }

    /// A verifier for a platform secret already checked.
    pub fn with_secret(secret: &PlatformSecret) -> Verifier {
        Verifier {
            current: secret.webhook_key(),
            previous: None,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// A verifier for the platform secret in `D360_PARTNER_PLATFORM_SECRET`, also accepting the
    /// one being rotated out when `D360_PARTNER_PREVIOUS_PLATFORM_SECRET` is set; refused,
    /// naming the variable, when the first is unset, or either is empty or not UTF-8.
    pub fn from_env() -> Result<Verifier, SecretError> {
        let verifier = Self::with_secret(&PlatformSecret::from_env()?);
        Ok(match PlatformSecret::previous_from_env()? {
            Some(previous) => verifier.previous_secret(&previous),
            None => verifier,
        })
    }

    /// Also accept signatures made with `secret`, the platform secret being rotated out, until
    /// the hub signs with the new one; refused when it is empty or blank.
    pub fn previous(self, secret: impl Into<SecretString>) -> Result<Verifier, SecretError> {
        Ok(self.previous_secret(&PlatformSecret::new(secret)?))
    }

    /// As [`previous`](Self::previous), for a secret already checked.
    pub fn previous_secret(mut self, secret: &PlatformSecret) -> Verifier {
        self.previous = Some(secret.webhook_key());
        self
    }

    /// Whether signatures made with a previous secret are accepted too.
    pub fn accepts_previous(&self) -> bool {
        self.previous.is_some()
    }

    /// The largest body read, in bytes; a larger one is refused with 413 before any hashing.
    pub fn max_body_bytes(mut self, limit: usize) -> Verifier {
        self.max_body_bytes = limit;
        self
    }

    /// The body limit in force, e.g. to size a server's own body limit from it.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// The event of a delivery whose `x-360dialog-signature` header signs `body` (the raw bytes,
    /// as received) under the platform secret (or the previous one).
    ///
    /// Refused, with the status to answer ([`VerifyError::status`]): no header, two of them, a
    /// value that is no signature, or one that does not match the body (401); a body over the
    /// limit (413); a signed body that is not JSON or not an event object (400).
    ///
    /// `body` is the raw body: `&Bytes` (what axum, hyper and reqwest hand over) or owned bytes
    /// are kept as they are; borrowed bytes (`&[u8]`, `&Vec<u8>`, `&str`) are copied into the
    /// event, after the checks.
    pub fn verify(&self, headers: &HeaderMap, body: impl RawBody) -> Result<Event, VerifyError> {
        self.check(one_signature(headers), &body)?;
        super::event::parse(body.into_bytes()).map_err(not_an_event)
    }

    /// As [`verify`](Self::verify), for a body that holds one event or a JSON array of events;
    /// each event's [`raw`](Event::raw) is its own element of the body.
    pub fn verify_all(
        &self,
        headers: &HeaderMap,
        body: impl RawBody,
    ) -> Result<Vec<Event>, VerifyError> {
        self.check(one_signature(headers), &body)?;
        super::event::parse_all(body.into_bytes()).map_err(not_an_event)
    }

    /// As [`verify`](Self::verify), with the signature header's value given as text: for
    /// servers whose header type is not `http` 1.x's `HeaderMap`.
    pub fn verify_signature(
        &self,
        signature: &str,
        body: impl RawBody,
    ) -> Result<Event, VerifyError> {
        self.check(Ok(signature), &body)?;
        super::event::parse(body.into_bytes()).map_err(not_an_event)
    }

    /// As [`verify_all`](Self::verify_all), with the signature header's value given as text.
    pub fn verify_signature_all(
        &self,
        signature: &str,
        body: impl RawBody,
    ) -> Result<Vec<Event>, VerifyError> {
        self.check(Ok(signature), &body)?;
        super::event::parse_all(body.into_bytes()).map_err(not_an_event)
    }

    /// The size first (nothing is hashed for a body over the limit), then the signature.
    fn check(
        &self,
        signature: Result<&str, VerifyError>,
        body: &impl RawBody,
    ) -> Result<(), VerifyError> {
        let body = body.as_slice();
        if body.len() > self.max_body_bytes {
            return Err(VerifyError::BodyTooLarge {
                size: body.len(),
                limit: self.max_body_bytes,
            });
        }
        let digest = super::signature::read_webhook_signature(signature?)
            .map_err(|why| VerifyError::MalformedSignature(why.to_string()))?;
        // `hmac::verify` compares in constant time.
        let signs = |body: &[u8]| {
            let signed_by = |key: &hmac::Key| hmac::verify(key, body, &digest).is_ok();
            signed_by(&self.current) || self.previous.as_ref().is_some_and(signed_by)
        };
        if signs(body) {
            return Ok(());
        }
        // A body saved with `echo` gains a final line break the hub never signed.
        let unbroken = body
            .strip_suffix(b"\n")
            .map(|body| body.strip_suffix(b"\r").unwrap_or(body));
        Err(VerifyError::SignatureMismatch {
            matches_without_final_newline: unbroken.is_some_and(signs),
        })
    }

    /// Whether `headers` carry one signature header whose value can be a signature: what can be
    /// known of a delivery before its body is read. The body still has to be verified.
    #[cfg(feature = "listener")]
    pub(crate) fn check_header(&self, headers: &HeaderMap) -> Result<(), VerifyError> {
        let signature = one_signature(headers)?;
        super::signature::read_webhook_signature(signature)
            .map(drop)
            .map_err(|why| VerifyError::MalformedSignature(why.to_string()))
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &(1 + usize::from(self.previous.is_some())))
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// The value of the request's one signature header.
fn one_signature(headers: &HeaderMap) -> Result<&str, VerifyError> {
    let mut values = headers.get_all(SIGNATURE_HEADER).iter();
    let value = values.next().ok_or(VerifyError::MissingSignature)?;
    let more = values.count();
    if more > 0 {
        return Err(VerifyError::RepeatedSignature { count: more + 1 });
    }
    value
        .to_str()
        .map_err(|_| VerifyError::MalformedSignature(Unreadable::Alphabet.to_string()))
}

/// A delivery's raw body, as the [`Verifier`] takes it: `&Bytes` or owned bytes (`Bytes`,
/// `Vec<u8>`, `String`) become the event's [`raw`](Event::raw) bytes without a copy; borrowed
/// ones (`&[u8]`, `&[u8; N]`, `&Vec<u8>`, `&str`, `&String`) are copied once verified. Sealed.
pub trait RawBody: sealed::Sealed {
    #[doc(hidden)]
    fn as_slice(&self) -> &[u8];
    #[doc(hidden)]
    fn into_bytes(self) -> Bytes;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! raw_body {
    ([$($generic:tt)*] $type:ty => |$body:ident| $into:expr) => {
        impl<$($generic)*> sealed::Sealed for $type {}
        impl<$($generic)*> RawBody for $type {
            fn as_slice(&self) -> &[u8] {
                self.as_ref()
            }
            fn into_bytes(self) -> Bytes {
                let $body = self;
                $into
            }
        }
    };
}

raw_body!([] Bytes => |body| body);
raw_body!([] &Bytes => |body| body.clone());
raw_body!([] Vec<u8> => |body| Bytes::from(body));
raw_body!([] String => |body| Bytes::from(body));
raw_body!([] &[u8] => |body| Bytes::copy_from_slice(body));
raw_body!([const N: usize] &[u8; N] => |body| Bytes::copy_from_slice(body));
raw_body!([] &Vec<u8> => |body| Bytes::copy_from_slice(body));
raw_body!([] &str => |body| Bytes::copy_from_slice(body.as_bytes()));
raw_body!([] &String => |body| Bytes::copy_from_slice(body.as_bytes()));

/// Why a webhook delivery was refused. Its text names the cause and never holds a secret;
/// [`status`](Self::status) is what the receiver answers.
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyError {
    /// The request has no `x-360dialog-signature` header (401).
    MissingSignature,
    /// The request has the header more than once (401).
    RepeatedSignature {
        /// How many times.
        count: usize,
    },
    /// The header's value is no signature: not 64 hex digits or base64 of 32 bytes (401);
    /// says what is wrong with it.
    MalformedSignature(String),
    /// The signature is not the body's under the platform secret (nor the previous one): the
    /// body was changed, or signed with another secret (401).
    SignatureMismatch {
        /// Whether the body ends with a line break without which the signature matches: a body
        /// saved with `echo`, say.
        matches_without_final_newline: bool,
    },
    /// The body is larger than [`Verifier::max_body_bytes`]; nothing was hashed (413).
    BodyTooLarge {
        /// The body's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The signature is valid, but the body is not JSON (400). The parser's error is the
    /// [`source`](std::error::Error::source).
    NotJson(serde_json::Error),
    /// The signature is valid and the body JSON, but not an event object with an `event` name
    /// (400); says what it is instead.
    NotAnEvent(String),
}

impl VerifyError {
    /// What the receiver should answer: 401 for a signature that is missing, unreadable or
    /// wrong, 413 for a body over the limit, 400 for a signed body that is no event.
    pub fn status(&self) -> StatusCode {
        match self {
            VerifyError::MissingSignature
            | VerifyError::RepeatedSignature { .. }
            | VerifyError::MalformedSignature(_)
            | VerifyError::SignatureMismatch { .. } => StatusCode::UNAUTHORIZED,
            VerifyError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            VerifyError::NotJson(_) | VerifyError::NotAnEvent(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// Whether the delivery's signature was missing, unreadable or wrong (a 401): the request
    /// may not come from the hub.
    pub fn is_signature(&self) -> bool {
        self.status() == StatusCode::UNAUTHORIZED
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingSignature => {
                write!(f, "the request has no {SIGNATURE_HEADER} header")
            }
            VerifyError::RepeatedSignature { count } => write!(
                f,
                "the request has {count} {SIGNATURE_HEADER} headers; the hub sends one"
            ),
            VerifyError::MalformedSignature(why) => {
                write!(f, "the {SIGNATURE_HEADER} header is no signature: {why}")
            }
            VerifyError::SignatureMismatch {
                matches_without_final_newline,
            } => {
                write!(
                    f,
                    "the {SIGNATURE_HEADER} header does not sign this body with the platform \
                     secret (the body was changed, or signed with another secret)"
                )?;
                if *matches_without_final_newline {
                    f.write_str(
                        "; it signs the body without its final line break, which the hub \
                         never sends (was the body saved with `echo`?)",
                    )?;
                }
                Ok(())
            }
            VerifyError::BodyTooLarge { size, limit } => write!(
                f,
                "the body has {size} bytes, over the verifier's limit of {limit}"
            ),
            VerifyError::NotJson(_) => f.write_str("the signed body is not JSON"),
            VerifyError::NotAnEvent(why) => {
                write!(f, "the signed body is not a webhook event: {why}")
            }
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::NotJson(error) => Some(error),
            _ => None,
        }
    }
}

/// The refusal of a signed body that is no event.
fn not_an_event(why: NotAnEvent) -> VerifyError {
    match why {
        NotAnEvent::Syntax(error) => VerifyError::NotJson(error),
        NotAnEvent::Shape(why) => VerifyError::NotAnEvent(why),
    }
}
