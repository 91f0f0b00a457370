//! The integrated-onboarding link a partner sends its clients to, with the values it prefills
//! and, optionally, the IO signature that proves the link comes from the partner's platform.

use crate::signature::PlatformSecret;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;
use secrecy::SecretString;
use std::fmt;

/// The onboarding page of the hub (v1): `/dashboard/app/{partnerId}`.
const V1_BASE: &str = "https://hub.360dialog.com/dashboard/app/";
/// The onboarding page of the v2 flow: `/onboarding/{partnerId}`.
const V2_BASE: &str = "https://app.360dialog.com/onboarding/";

/// Every character but the unreserved ones (RFC 3986) is percent-encoded, so a value can hold
/// `&`, `=`, `#`, `+`, spaces or a whole URL and still arrive as given.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An integrated-onboarding link for a partner: the hub's onboarding page, the values it
/// prefills, and, with [`signed`](Self::signed), the IO signature (`io_timestamp` and
/// `io_signature`) the hub checks when the partner has IO signature verification on.
///
/// Compute a signed link on your server for each visitor, just before you send it: the IO
/// signature is made with the platform secret (never ship that to a browser), and the hub
/// refuses a signature it has seen before, so a signed link is never cached or reused.
///
/// ```
/// use d360_partner::onboarding::Link;
/// # fn main() -> Result<(), d360_partner::onboarding::LinkError> {
/// let now = std::time::SystemTime::now()
///     .duration_since(std::time::UNIX_EPOCH)
///     .expect("after 1970")
///     .as_secs();
/// let url = Link::new("aAbBcCPA")
///     .email("owner@client.example")
///     .state("session 42")
///     .redirect_url("https://partner.example/onboarded")
///     .signed("the-platform-secret", now)
///     .url()?;
/// assert!(url.as_str().starts_with(
///     "https://hub.360dialog.com/dashboard/app/aAbBcCPA?email=owner%40client.example&state=session%2042&redirect_url=https%3A%2F%2F"
/// ));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Link {
    partner_id: String,
    base: &'static str,
    /// Prefilled values by name, in the order of the setters below.
    values: [Option<String>; PARAMETERS.len()],
    signature: Option<(SecretString, u64)>,
}

/// The values a link may prefill, in the order they are written (and of the setters' indexes).
const PARAMETERS: [&str; 9] = [
    "number",
    "email",
    "name",
    "state",
    "redirect_url",
    "next",
    "plan_selection",
    "flow",
    "preverified_phone_number_id",
];

impl Link {
    /// A link to the hub's onboarding page for `partner_id`
    /// (`https://hub.360dialog.com/dashboard/app/{partnerId}`).
    pub fn new(partner_id: impl Into<String>) -> Link {
        Link {
            partner_id: partner_id.into(),
            base: V1_BASE,
            values: Default::default(),
            signature: None,
        }
    }

    /// Use the v2 onboarding page instead (`https://app.360dialog.com/onboarding/{partnerId}`).
    pub fn v2(mut self) -> Link {
        self.base = V2_BASE;
        self
    }

    /// The client's phone number, prefilled.
    pub fn number(self, value: impl Into<String>) -> Link {
        self.set(0, value)
    }

    /// The client's email address, prefilled.
    pub fn email(self, value: impl Into<String>) -> Link {
        self.set(1, value)
    }

    /// The client's name, prefilled.
    pub fn name(self, value: impl Into<String>) -> Link {
        self.set(2, value)
    }

    /// A value of yours the hub hands back on the redirect (a session id, say).
    pub fn state(self, value: impl Into<String>) -> Link {
        self.set(3, value)
    }

    /// Where the hub sends the browser when onboarding ends (else the partner's
    /// `partner_redirect_url`).
    pub fn redirect_url(self, value: impl Into<String>) -> Link {
        self.set(4, value)
    }

    /// The page to show after onboarding.
    pub fn next(self, value: impl Into<String>) -> Link {
        self.set(5, value)
    }

    /// Whether and which plan selection the client sees.
    pub fn plan_selection(self, value: impl Into<String>) -> Link {
        self.set(6, value)
    }

    /// The onboarding flow to run.
    pub fn flow(self, value: impl Into<String>) -> Link {
        self.set(7, value)
    }

    /// A phone number id verified beforehand, to onboard without verifying it again.
    pub fn preverified_phone_number_id(self, value: impl Into<String>) -> Link {
        self.set(8, value)
    }

    fn set(mut self, index: usize, value: impl Into<String>) -> Link {
        self.values[index] = Some(value.into());
        self
    }

    /// Sign the link with the platform secret (a `&str`, `String` or `secrecy::SecretString`)
    /// at `unix_seconds` (now, as seconds since 1970): adds `io_timestamp` and `io_signature`,
    /// the HMAC-SHA512 of `{partnerId}|{unix_seconds}` in lowercase hex. 360dialog's docs do not
    /// show the signature's text encoding; lowercase hex is what this crate writes for every
    /// digest.
    pub fn signed(mut self, secret: impl Into<SecretString>, unix_seconds: u64) -> Link {
        self.signature = Some((secret.into(), unix_seconds));
        self
    }

    /// The link: every value percent-encoded. Fails for an empty partner id, or a signature
    /// asked for with an empty secret.
    pub fn url(&self) -> Result<Url, LinkError> {
        let partner_id = self.partner_id.trim();
        if partner_id.is_empty() {
            return Err(LinkError::EmptyPartnerId);
        }
        let mut text = format!("{}{}", self.base, utf8_percent_encode(partner_id, VALUE));
        let mut separator = '?';
        let mut append = |name: &str, value: &str| {
            text.push(separator);
            text.push_str(name);
            text.push('=');
            text.extend(utf8_percent_encode(value, VALUE));
            separator = '&';
        };
        for (name, value) in PARAMETERS.iter().zip(&self.values) {
            if let Some(value) = value {
                append(name, value);
            }
        }
        if let Some((secret, seconds)) = &self.signature {
            let secret = PlatformSecret::new(secret.clone()).ok_or(LinkError::EmptySecret)?;
            let message = format!("{partner_id}|{seconds}");
            let tag = ring::hmac::sign(&secret.io_key(), message.as_bytes());
            append("io_timestamp", &seconds.to_string());
            append("io_signature", &crate::signature::digest_text(&tag));
        }
        Ok(Url::parse(&text).expect("a base URL and percent-encoded parts make a URL"))
    }
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values: Vec<(&str, &String)> = PARAMETERS
            .iter()
            .zip(&self.values)
            .filter_map(|(name, value)| Some((*name, value.as_ref()?)))
            .collect();
        f.debug_struct("Link")
            .field("partner_id", &self.partner_id)
            .field("base", &self.base)
            .field("values", &values)
            .field(
                "signed_at",
                &self.signature.as_ref().map(|(_, seconds)| seconds),
            )
            .finish()
    }
}

/// Why an onboarding link could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    /// The partner id is empty.
    EmptyPartnerId,
    /// [`Link::signed`] was given an empty or blank secret.
    EmptySecret,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LinkError::EmptyPartnerId => "cannot make an onboarding link: the partner id is empty",
            LinkError::EmptySecret => {
                "cannot sign the onboarding link: the platform secret is empty"
            }
        })
    }
}

impl std::error::Error for LinkError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned with another implementation: Python's
    /// `hmac.new(b"platform-secret", b"aAbBcCPA|1775653748", hashlib.sha512).hexdigest()`.
    const PYTHON_IO_SIGNATURE: &str = "d499e13698aaea360f5e560d0fad1747f79e1ba85fb04a69b6839c45bffcead0c43c2af8a8c931ffadcf25bdf6b73681c9a64fd45b4b7ae19e7c824b9fa0570c";

    #[test]
    fn a_signed_link_carries_the_timestamp_and_the_hmac_sha512_in_lowercase_hex() {
        let url = Link::new("aAbBcCPA")
            .signed("platform-secret", 1775653748)
            .url()
            .unwrap();
        assert_eq!(
            url.as_str(),
            format!(
                "https://hub.360dialog.com/dashboard/app/aAbBcCPA?io_timestamp=1775653748&io_signature={PYTHON_IO_SIGNATURE}"
            )
        );
    }

    #[test]
    fn every_value_is_percent_encoded_in_a_fixed_order() {
        let url = Link::new("P/1 x")
            .v2()
            .preverified_phone_number_id("pn-1")
            .flow("flow a")
            .plan_selection("basic")
            .next("/after?x=1")
            .redirect_url("https://partner.example/done?a=1&b=2#frag")
            .state("s&t=u+v")
            .name("Zoë Ltd")
            .email("a+b@c.example")
            .number("+49 30 1234")
            .url()
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://app.360dialog.com/onboarding/P%2F1%20x?number=%2B49%2030%201234\
             &email=a%2Bb%40c.example&name=Zo%C3%AB%20Ltd&state=s%26t%3Du%2Bv\
             &redirect_url=https%3A%2F%2Fpartner.example%2Fdone%3Fa%3D1%26b%3D2%23frag\
             &next=%2Fafter%3Fx%3D1&plan_selection=basic&flow=flow%20a\
             &preverified_phone_number_id=pn-1"
        );
        let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(decoded[1], ("email".into(), "a+b@c.example".into()));
        assert_eq!(decoded[3], ("state".into(), "s&t=u+v".into()));
    }

    #[test]
    fn a_value_set_twice_keeps_the_last_and_the_base_has_no_query_without_values() {
        let url = Link::new("PA").state("a").state("b").url().unwrap();
        assert_eq!(
            url.as_str(),
            "https://hub.360dialog.com/dashboard/app/PA?state=b"
        );
        assert_eq!(
            Link::new("PA").url().unwrap().as_str(),
            "https://hub.360dialog.com/dashboard/app/PA"
        );
    }

    #[test]
    fn an_empty_partner_id_or_secret_is_refused_and_debug_hides_the_secret() {
        assert_eq!(Link::new(" ").url(), Err(LinkError::EmptyPartnerId));
        assert_eq!(
            Link::new("PA").signed("", 1).url(),
            Err(LinkError::EmptySecret)
        );
        let link = Link::new("PA").signed("very-secret-value", 7);
        let shown = format!("{link:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("signed_at: Some(7)"), "{shown}");
    }
}
