//! What the hub accepts and signs with, and the partner it simulates: one place for the values
//! [`MockHub`](super::MockHub) publishes as its constants and the router, the token endpoint and
//! the sandbox check against.

pub(super) const API_KEY: &str = "mock-partner-api-key";
pub(super) const BEARER_TOKEN: &str = "mock-bearer-token";
pub(super) const USERNAME: &str = "partner-user@mock.example";
pub(super) const PASSWORD: &str = "mock-partner-password";
pub(super) const PLATFORM_SECRET: &str = "mock-platform-secret";
pub(super) const PARTNER_ID: &str = "MockPartner01";

/// The platform secret, as what signs and checks signatures takes it.
pub(super) fn platform_secret() -> crate::PlatformSecret {
    crate::PlatformSecret::new(PLATFORM_SECRET).expect("the mock platform secret is not empty")
}
