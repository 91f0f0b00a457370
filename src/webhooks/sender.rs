//! Sending webhook deliveries as the hub does, signed with the platform secret (feature
//! `webhook-sender`): for testing a receiver. The mock hub's deliveries and `d360 webhook send`
//! are made here; signing alone is [`sign`](super::sign), in every build.

use crate::error::{ErrorKind, RequestCause, Result, TransportError};
use crate::secret::{PlatformSecret, SecretError};
use reqwest::StatusCode;
use secrecy::SecretString;
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

/// What refusals of a delivery call the request.
const DELIVERY: &str = "webhook delivery";

/// Signs and POSTs webhook bodies as the hub does, to test a receiver: the body as given,
/// `Content-Type: application/json`, and its HMAC-SHA256 under the platform secret in
/// `x-360dialog-signature` (lowercase hex). Redirects are not followed; each delivery is
/// bounded by 10 s unless [`timeout`](Self::timeout) says otherwise.
///
/// ```
/// use d360_partner::webhooks::{Sender, Verifier};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sender = Sender::new("the-platform-secret")?;
/// let body = br#"{"id":"ev-1","event":"channel_created","data":{"id":"CH1"}}"#;
/// let signature = sender.sign(body);
/// # let mut headers = d360_partner::HeaderMap::new();
/// # headers.insert("x-360dialog-signature", signature.parse().unwrap());
/// # let verifier = Verifier::new("the-platform-secret").unwrap();
/// # assert_eq!(verifier.verify(&headers, body).unwrap().name(), "channel_created");
/// // let status = sender.send("https://partner.example/360dialog", body.to_vec()).await?;
/// # Ok(()) }
/// ```
pub struct Sender {
    secret: PlatformSecret,
    timeout: Duration,
    /// Built on the first delivery: signing alone needs no HTTP client (nor its TLS setup).
    http: OnceLock<reqwest::Client>,
}

impl Sender {
    /// A sender signing with the platform secret (a `&str`, `String` or
    /// `secrecy::SecretString`); refused when it is empty or blank.
    pub fn new(secret: impl Into<SecretString>) -> Result<Sender, SecretError> {
        Ok(Self::with_secret(&PlatformSecret::new(secret)?))
    }

    /// A sender signing with a platform secret already checked.
    pub fn with_secret(secret: &PlatformSecret) -> Sender {
        Sender {
            secret: secret.clone(),
            timeout: Duration::from_secs(10),
            http: OnceLock::new(),
        }
    }

    /// The limit of one delivery, from connecting to the receiver's answer (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Sender {
        self.timeout = timeout;
        self
    }

    /// The `x-360dialog-signature` value the hub sends with `body`.
    pub fn sign(&self, body: &[u8]) -> String {
        super::sign(&self.secret, body)
    }

    /// POSTs `body` to `url`, signed, and returns the status the receiver answered (whatever
    /// it is). `Err` only when no answer came: the connection failed or timed out.
    pub async fn send(&self, url: &str, body: impl Into<Vec<u8>>) -> Result<StatusCode> {
        let body = body.into();
        let signature = self.sign(&body);
        self.send_with_signature(url, body, Some(&signature)).await
    }

    /// POSTs `body` to `url` with `signature` as the signature header, or none: for deliveries
    /// a receiver must refuse (a forged signature, one of another secret, none at all). A `url`
    /// that is no `http(s)://` URL, or a signature that cannot be a header value, is refused
    /// before anything is sent ([`RequestCause::NotHttpUrl`](crate::error::RequestCause),
    /// [`RequestCause::Header`](crate::error::RequestCause)).
    pub async fn send_with_signature(
        &self,
        url: &str,
        body: impl Into<Vec<u8>>,
        signature: Option<&str>,
    ) -> Result<StatusCode> {
        let url = Self::receiver(url)?;
        let mut request = self
            .http()?
            .post(url.clone())
            .timeout(self.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.into());
        if let Some(signature) = signature {
            let value = reqwest::header::HeaderValue::from_str(signature).map_err(|_| {
                let refused = crate::error::HeaderError {
                    name: super::SIGNATURE_HEADER.to_string(),
                    problem: crate::error::HeaderProblem::InvalidValue,
                };
                crate::Error::invalid(DELIVERY, RequestCause::Header(refused))
            })?;
            request = request.header(super::SIGNATURE_HEADER, value);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ErrorKind::Transport(TransportError::new(e, &url)))?;
        Ok(response.status())
    }

    /// The URL deliveries to `url` go to: an `http://` or `https://` URL; else the refusal
    /// ([`RequestCause::NotHttpUrl`](crate::error::RequestCause)), as a delivery would be refused.
    pub fn receiver(url: &str) -> Result<reqwest::Url> {
        reqwest::Url::parse(url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| crate::Error::invalid(DELIVERY, RequestCause::NotHttpUrl))
    }

    fn http(&self) -> Result<&reqwest::Client> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        // The timeout is set per delivery, so `timeout(..)` holds after the first one too.
        let http = crate::client::tls::configure(reqwest::ClientBuilder::new(), &[])
            .map_err(ErrorKind::Config)?
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "d360-partner-webhook-sender/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| {
                ErrorKind::Config(crate::error::ConfigError::Http(format!(
                    "cannot build the HTTP client: {e}"
                )))
            })?;
        Ok(self.http.get_or_init(|| http))
    }
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
