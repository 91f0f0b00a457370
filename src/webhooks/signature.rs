//! The HMACs made with the platform secret: webhook signatures (HMAC-SHA256 of the body) and
//! the IO signatures of onboarding links (HMAC-SHA512 of `{partnerId}|{unixSeconds}`). The one
//! place that decides how a digest is written as text, and which texts are read back as a
//! signature.

use crate::secret::PlatformSecret;
use base64::Engine;
use ring::hmac;

/// The `x-360dialog-signature` value the hub sends with `body`: its HMAC-SHA256 under the
/// platform secret, in lowercase hex. For tests of a receiver, and for a sender of your own;
/// [`Verifier`](super::Verifier) reads it back.
///
/// ```
/// use d360_partner::PlatformSecret;
/// use d360_partner::webhooks::{self, Verifier};
/// let secret = PlatformSecret::new("the-platform-secret")?;
/// let body = br#"{"event":"channel_created","data":{"id":"CH1"}}"#;
/// let signature = webhooks::sign(&secret, body);
/// let event = Verifier::new("the-platform-secret")?.verify_signature(&signature, body);
/// assert_eq!(event.unwrap().name(), "channel_created");
/// # Ok::<(), d360_partner::SecretError>(())
/// ```
pub fn sign(secret: &PlatformSecret, body: &[u8]) -> String {
    digest_text(&hmac::sign(&secret.webhook_key(), body))
}

/// The IO signature of an onboarding link of `partner_id` made at `unix_seconds`: the
/// HMAC-SHA512 of `{partnerId}|{unixSeconds}` under the platform secret, in lowercase hex.
pub(crate) fn io_signature(secret: &PlatformSecret, partner_id: &str, unix_seconds: u64) -> String {
    let message = format!("{partner_id}|{unix_seconds}");
    digest_text(&hmac::sign(&secret.io_key(), message.as_bytes()))
}

/// How every digest this crate writes is spelled: lowercase hex. 360dialog's docs never show
/// the encoding of either signature; the public receivers of webhooks compare `hexdigest()`.
pub(crate) fn digest_text(tag: &hmac::Tag) -> String {
    hex::encode(tag.as_ref())
}

/// The bytes of a webhook signature: HMAC-SHA256 is 32 bytes.
pub(crate) const WEBHOOK_DIGEST_BYTES: usize = 32;

/// Why a header value is no webhook signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unreadable {
    Empty,
    /// Neither 64 hex digits nor base64 of 32 bytes; the length in characters.
    Length(usize),
    /// The right length, but characters of neither alphabet.
    Alphabet,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Empty => f.write_str("it is empty"),
            Unreadable::Length(n) => write!(
                f,
                "it has {n} characters, where an HMAC-SHA256 is 64 hex digits or 43 or 44 \
                 base64 characters"
            ),
            Unreadable::Alphabet => write!(
                f,
                "its characters are not the hex or base64 of {WEBHOOK_DIGEST_BYTES} bytes"
            ),
        }
    }
}

/// The 32 bytes a webhook signature header spells: hex in either case, or base64 (standard or
/// URL-safe, padded or not), each with or without a `sha256=` prefix.
pub(crate) fn read_webhook_signature(text: &str) -> Result<[u8; WEBHOOK_DIGEST_BYTES], Unreadable> {
    let text = text.trim();
    let text = match text.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => text[7..].trim_start(),
        _ => text,
    };
    let mut digest = [0u8; WEBHOOK_DIGEST_BYTES];
    match text.len() {
        0 => Err(Unreadable::Empty),
        64 => hex::decode_to_slice(text, &mut digest)
            .map(|()| digest)
            .map_err(|_| Unreadable::Alphabet),
        // Base64 of 32 bytes: 43 characters, 44 with its one `=`.
        43 | 44 => {
            let unpadded = text.strip_suffix('=').unwrap_or(text);
            let engines = [
                &base64::engine::general_purpose::STANDARD_NO_PAD,
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ];
            engines
                .iter()
                .find_map(|engine| engine.decode_slice(unpadded, &mut digest).ok())
                .filter(|&n| n == WEBHOOK_DIGEST_BYTES)
                .map(|_| digest)
                .ok_or(Unreadable::Alphabet)
        }
        n => Err(Unreadable::Length(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> PlatformSecret {
        PlatformSecret::new(text).unwrap()
    }

    /// Pinned with another implementation:
    /// `printf '{"event":"channel_created"}' | openssl dgst -sha256 -hmac platform-secret`.
    #[test]
    fn the_webhook_digest_is_lowercase_hex_of_hmac_sha256() {
        assert_eq!(
            sign(
                &secret("platform-secret"),
                br#"{"event":"channel_created"}"#
            ),
            "60accdc2df1e4db2bd33c9f39ccd9b8f772701365e5f4b566983171b339f4bff"
        );
    }

    #[test]
    fn every_accepted_spelling_reads_as_the_same_bytes() {
        let bytes: Vec<u8> = (0..32u8).map(|b| b.wrapping_mul(37)).collect();
        let hex = hex::encode(&bytes);
        let standard = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let url_safe = base64::engine::general_purpose::URL_SAFE.encode(&bytes);
        assert!(standard.contains(['+', '/']) && url_safe.contains(['-', '_']));
        for spelling in [
            hex.clone(),
            hex.to_uppercase(),
            format!("sha256={hex}"),
            format!("SHA256={}", hex.to_uppercase()),
            standard.clone(),
            standard.trim_end_matches('=').to_string(),
            url_safe.clone(),
            url_safe.trim_end_matches('=').to_string(),
            format!("sha256={standard}"),
            format!(" {hex} "),
        ] {
            assert_eq!(
                read_webhook_signature(&spelling).as_ref().map(|d| &d[..]),
                Ok(&bytes[..]),
                "{spelling}"
            );
        }
    }

    #[test]
    fn other_texts_are_refused_with_the_reason() {
        let hex = "ab".repeat(32);
        for (text, why) in [
            ("", Unreadable::Empty),
            ("sha256=", Unreadable::Empty),
            (&hex[..63], Unreadable::Length(63)),
            (&format!("{hex}0"), Unreadable::Length(65)),
            (&format!("{}zz", &hex[..62]), Unreadable::Alphabet),
            (&"!".repeat(44), Unreadable::Alphabet),
            // 44 characters of base64 without padding are 33 bytes, not 32.
            (&"A".repeat(44), Unreadable::Alphabet),
            ("sha512=abcd", Unreadable::Length(11)),
        ] {
            assert_eq!(read_webhook_signature(text), Err(why), "{text:?}");
        }
    }
}
