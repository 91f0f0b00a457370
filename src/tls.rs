//! The TLS backend, chosen at compile time by feature.
//!
//! Default `rustls`: rustls with the `ring` provider and the operating system's certificate
//! verifier. reqwest's own default (rustls on `aws-lc-rs`) builds `aws-lc-sys`, which alone took
//! half of a cold build on a 2-core machine; `ring` builds in a fraction of that. `native-tls`
//! uses the platform library (OpenSSL on Linux) instead.

use crate::error::{Error, Result};

/// Installs the selected TLS backend on a reqwest builder.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    #[cfg(feature = "rustls")]
    {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_platform_verifier())
            .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
            .with_no_client_auth();
        Ok(builder.tls_backend_preconfigured(config))
    }
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    {
        Ok(builder.tls_backend_native())
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    {
        // Plain HTTP still works (a local mock hub); HTTPS fails at connect time.
        let _ = Error::Config;
        Ok(builder)
    }
}
