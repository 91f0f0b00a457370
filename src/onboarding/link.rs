//! The integrated-onboarding link a partner sends its clients to, with the values it prefills
//! and, optionally, the IO signature that proves the link comes from the partner's platform.

use crate::secret::PlatformSecret;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;
use std::fmt;

/// Where each flow's onboarding page is: its origin and its path before the partner id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnboardingPage {
    /// The hub's page (v1): `https://hub.360dialog.com/dashboard/app/{partnerId}`.
    V1,
    /// The v2 flow's: `https://app.360dialog.com/onboarding/{partnerId}`.
    V2,
}

impl OnboardingPage {
    fn origin(self) -> &'static str {
        match self {
            OnboardingPage::V1 => "https://hub.360dialog.com",
            OnboardingPage::V2 => "https://app.360dialog.com",
        }
    }

    fn path(self) -> &'static str {
        match self {
            OnboardingPage::V1 => "/dashboard/app/",
            OnboardingPage::V2 => "/onboarding/",
        }
    }
}

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
/// use d360_partner::PlatformSecret;
/// use d360_partner::onboarding::Link;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = PlatformSecret::new("the-platform-secret")?; // or PlatformSecret::from_env()?
/// let now = std::time::SystemTime::now()
///     .duration_since(std::time::UNIX_EPOCH)
///     .expect("after 1970")
///     .as_secs();
/// let url = Link::new("aAbBcCPA")
///     .email("owner@client.example")
///     .state("session 42")
///     .redirect_url("https://partner.example/onboarded")
///     .signed(&secret, now)
///     .url()?;
/// assert!(url.as_str().starts_with(
///     "https://hub.360dialog.com/dashboard/app/aAbBcCPA?email=owner%40client.example&state=session%2042&redirect_url=https%3A%2F%2F"
/// ));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Link {
    partner_id: String,
    page: OnboardingPage,
    /// Another hub's origin (a staging hub, `d360 mock`), as given.
    origin: Option<String>,
    /// Prefilled values by name, in the order of the setters below.
    values: [Option<String>; PARAMETERS.len()],
    signature: Option<(PlatformSecret, u64)>,
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
            page: OnboardingPage::V1,
            origin: None,
            values: Default::default(),
            signature: None,
        }
    }

    /// Use the v2 onboarding page instead (`https://app.360dialog.com/onboarding/{partnerId}`).
    pub fn v2(mut self) -> Link {
        self.page = OnboardingPage::V2;
        self
    }

    /// Point the link at another hub, keeping the page's path: a staging hub, or a simulated
    /// one (`d360 mock`, `MockHub::sandbox`): `http://127.0.0.1:8360` gives
    /// `http://127.0.0.1:8360/dashboard/app/{partnerId}`. An `http://` or `https://` URL, whose
    /// own path (a gateway's prefix) is kept before the page's.
    pub fn origin(mut self, url: impl Into<String>) -> Link {
        self.origin = Some(url.into());
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

    /// A value of yours, added to the link as `state`. Our sources do not say that the hub hands
    /// it back: the redirect they describe carries `client`, `channels` and `revoked` only
    /// ([`Redirect::state`](super::Redirect::state) reads one should it come). Bind the
    /// redirect to your user's session on your side (a cookie set before sending the link),
    /// not through this value.
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

    /// Sign the link with the platform secret at `unix_seconds` (now, as seconds since 1970):
    /// adds `io_timestamp` and `io_signature`, the HMAC-SHA512 of `{partnerId}|{unix_seconds}`
    /// in lowercase hex. 360dialog's docs do not show the signature's text encoding; lowercase
    /// hex is what this crate writes for every digest.
    pub fn signed(mut self, secret: &PlatformSecret, unix_seconds: u64) -> Link {
        self.signature = Some((secret.clone(), unix_seconds));
        self
    }

    /// The link: every value percent-encoded. Fails for a partner id that is empty or would
    /// change the page's path (`.`, `..`, or one holding `/`, `?` or `#`), and for an origin
    /// that is no `http(s)://` URL.
    pub fn url(&self) -> Result<Url, LinkError> {
        let partner_id = self.partner_id.trim();
        if partner_id.is_empty() {
            return Err(LinkError::EmptyPartnerId);
        }
        if matches!(partner_id, "." | "..") {
            return Err(LinkError::PartnerId(PartnerIdProblem::DotSegment));
        }
        if let Some(c) = partner_id
            .chars()
            .find(|c| matches!(c, '/' | '?' | '#') || c.is_control())
        {
            return Err(LinkError::PartnerId(PartnerIdProblem::Character(c)));
        }
        let origin = match &self.origin {
            Some(origin) => checked_origin(origin)?,
            None => self.page.origin().to_string(),
        };
        let mut text = format!(
            "{origin}{}{}",
            self.page.path(),
            utf8_percent_encode(partner_id, VALUE)
        );
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
            append("io_timestamp", &seconds.to_string());
            append(
                "io_signature",
                &crate::webhooks::io_signature(secret, partner_id, *seconds),
            );
        }
        Ok(Url::parse(&text).expect("an origin and percent-encoded parts make a URL"))
    }
}

/// An origin given to [`Link::origin`], without a trailing `/`, when it is an `http(s)://`
/// URL with a host and neither query nor fragment.
fn checked_origin(origin: &str) -> Result<String, LinkError> {
    let refused = || LinkError::Origin(origin.to_string());
    let url = Url::parse(origin.trim()).map_err(|_| refused())?;
    let usable = matches!(url.scheme(), "http" | "https")
        && url.has_host()
        && url.query().is_none()
        && url.fragment().is_none();
    match usable {
        true => Ok(url.as_str().trim_end_matches('/').to_string()),
        false => Err(refused()),
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
            .field("page", &self.page)
            .field("origin", &self.origin)
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
    /// The partner id would change the page's path.
    PartnerId(PartnerIdProblem),
    /// The origin given to [`Link::origin`] is no `http(s)://` URL with a host (and without a
    /// query or fragment); the origin as given.
    Origin(String),
}

/// How a partner id would change the onboarding page's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PartnerIdProblem {
    /// It is `.` or `..`, which a URL resolves away.
    DotSegment,
    /// It holds `/`, `?`, `#` or a control character.
    Character(char),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot make an onboarding link: ")?;
        match self {
            LinkError::EmptyPartnerId => f.write_str("the partner id is empty"),
            LinkError::PartnerId(PartnerIdProblem::DotSegment) => {
                f.write_str("the partner id is `.` or `..`, which would leave the onboarding page")
            }
            LinkError::PartnerId(PartnerIdProblem::Character(c)) => write!(
                f,
                "the partner id holds {c:?}, which would leave the onboarding page"
            ),
            LinkError::Origin(origin) => write!(
                f,
                "the origin `{}` is no http:// or https:// URL with a host",
                origin.escape_debug()
            ),
        }
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
        let secret = PlatformSecret::new("platform-secret").unwrap();
        let url = Link::new("aAbBcCPA")
            .signed(&secret, 1775653748)
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
        let url = Link::new("P 1ü")
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
            "https://app.360dialog.com/onboarding/P%201%C3%BC?number=%2B49%2030%201234\
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
    fn a_partner_id_that_would_leave_the_page_is_refused_and_debug_hides_the_secret() {
        assert_eq!(Link::new(" ").url(), Err(LinkError::EmptyPartnerId));
        for (id, problem) in [
            ("..", PartnerIdProblem::DotSegment),
            (".", PartnerIdProblem::DotSegment),
            ("a/b", PartnerIdProblem::Character('/')),
            ("a?b", PartnerIdProblem::Character('?')),
            ("a#b", PartnerIdProblem::Character('#')),
        ] {
            assert_eq!(
                Link::new(id).url(),
                Err(LinkError::PartnerId(problem)),
                "{id}"
            );
        }
        assert!(Link::new("a.b").url().is_ok());
        let secret = PlatformSecret::new("very-secret-value").unwrap();
        let link = Link::new("PA").signed(&secret, 7);
        let shown = format!("{link:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("signed_at: Some(7)"), "{shown}");
    }

    #[test]
    fn another_origin_keeps_the_pages_path() {
        let link = Link::new("PA").origin("http://127.0.0.1:8360/").state("s");
        assert_eq!(
            link.url().unwrap().as_str(),
            "http://127.0.0.1:8360/dashboard/app/PA?state=s"
        );
        assert_eq!(
            link.clone()
                .v2()
                .origin("https://gw.example/hub")
                .url()
                .unwrap()
                .as_str(),
            "https://gw.example/hub/onboarding/PA?state=s"
        );
        for origin in [
            "127.0.0.1:8360",
            "ftp://x.example",
            "https://x.example/?a=1",
        ] {
            assert_eq!(
                Link::new("PA").origin(origin).url(),
                Err(LinkError::Origin(origin.into())),
                "{origin}"
            );
        }
    }
}
