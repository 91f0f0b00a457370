//! The environment variables the library reads: [`ClientBuilder::from_env`] the credentials
//! and the base URL, [`PlatformSecret::from_env`] and [`Verifier::from_env`] the platform secret.
//! The `D360_PARTNER_` prefix keeps the Partner API key apart from a channel's messaging key
//! (`D360-API-KEY`).
//!
//! [`ClientBuilder::from_env`]: crate::ClientBuilder::from_env
//! [`PlatformSecret::from_env`]: crate::PlatformSecret::from_env
//! [`Verifier::from_env`]: crate::webhooks::Verifier::from_env

/// The Partner API key, sent as `X-API-Key`. Wins over the bearer token when both are set.
pub const API_KEY: &str = "D360_PARTNER_API_KEY";
/// A bearer token for the Partner API. Wins over username and password.
pub const BEARER_TOKEN: &str = "D360_PARTNER_BEARER_TOKEN";
/// A partner user's email, for the token flow (with [`PASSWORD`]).
pub const USERNAME: &str = "D360_PARTNER_USERNAME";
/// That user's password.
pub const PASSWORD: &str = "D360_PARTNER_PASSWORD";
/// Overrides the base URL (default `https://hub.360dialog.io`).
pub const BASE_URL: &str = "D360_PARTNER_BASE_URL";
/// The partner's platform secret, which signs webhooks and onboarding links.
pub const PLATFORM_SECRET: &str = "D360_PARTNER_PLATFORM_SECRET";
/// The platform secret being rotated out, still accepted on webhooks during a rotation.
pub const PREVIOUS_PLATFORM_SECRET: &str = "D360_PARTNER_PREVIOUS_PLATFORM_SECRET";

/// The process environment as a lookup: a variable's value, `None` when unset or not UTF-8
/// (the callers name the variable in their refusal either way).
pub(crate) fn process(name: &str) -> Option<String> {
    std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
}
