//! The TLS backend, chosen at compile time by feature.
//!
//! Default `rustls`: rustls with the `ring` provider and the operating system's certificate
//! verifier. reqwest's own default (rustls on `aws-lc-rs`) builds `aws-lc-sys`, which alone took
//! half of a cold build on a 2-core machine; `ring` builds in a fraction of that. `native-tls`
//! uses the platform library (OpenSSL on Linux) instead.

use crate::error::Result;

/// Installs rustls with the `ring` provider and the platform verifier on a reqwest builder.
#[cfg(feature = "rustls")]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| crate::Error::Config(format!("cannot set up TLS: {e}")))?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

/// Selects the platform TLS library on a reqwest builder.
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    Ok(builder.tls_backend_native())
}

/// No TLS feature: plain HTTP still works (a local mock hub); HTTPS fails at connect time.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    Ok(builder)
}
