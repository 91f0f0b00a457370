//! What every call of a client (and its clones) shares: the HTTP client, the base URL, the
//! credential, the retry policy and the limits. The request builders, pending calls and streams
//! each own one `Arc` of it, so they outlive the `Client` value they came from.

use crate::call::auth::RequestAuth;
use crate::call::retry::RetryPolicy;
use std::time::Duration;

/// What every request of a client shares.
pub struct Shared {
    pub(crate) http: reqwest::Client,
    /// Scheme, host, port and path prefix, without a trailing `/`.
    pub(crate) base_url: reqwest::Url,
    pub(crate) auth: RequestAuth,
    pub(crate) retry: RetryPolicy,
    /// The limit of one attempt (lowered to what is left of the retry budget).
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    /// What the HTTP client sends as `User-Agent` (kept to show in dry runs).
    pub(crate) user_agent: reqwest::header::HeaderValue,
}

impl Shared {
    /// The base URL as users write it: without a trailing `/`.
    pub(crate) fn base_url(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }
}
