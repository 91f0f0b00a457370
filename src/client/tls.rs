//! The TLS backend, chosen at compile time by feature, with the extra root certificates a
//! builder was given.
//!
//! Default `rustls`: rustls with the `ring` provider and the operating system's certificate
//! verifier. reqwest's own default (rustls on `aws-lc-rs`) builds `aws-lc-sys`, which alone took
//! half of a cold build on a 2-core machine; `ring` builds in a fraction of that. `native-tls`
//! uses the platform library (OpenSSL on Linux) instead.

use crate::error::ConfigError;

/// Installs rustls with the `ring` provider and the platform verifier, trusting `extra_roots`
/// (PEM) besides the platform's roots.
#[cfg(feature = "rustls")]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, ConfigError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    // rustls 0.23.48 deprecates ring's provider because it offers no post-quantum key exchange
    // (aws-lc-rs does). Kept on purpose: aws-lc-rs's C build doubles a cold build of this crate,
    // and the hub negotiates the classic X25519 and P-256 key exchanges ring has. The
    // `native-tls` feature is the other choice.
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = Vec::new();
    for (index, pem) in extra_roots.iter().enumerate() {
        let found = CertificateDer::pem_slice_iter(pem)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| bad_root(index, &e.to_string()))?;
        if found.is_empty() {
            return Err(bad_root(index, "it holds no PEM certificate"));
        }
        roots.extend(found);
    }
    let tls = |e: &dyn std::fmt::Display| ConfigError::Http(format!("cannot set up TLS: {e}"));
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(|e| tls(&e))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(&e))?
        .dangerous() // rustls's name for "a verifier of your choice": the platform's, here
        .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

/// Selects the platform TLS library on a reqwest builder, trusting `extra_roots` (PEM) too.
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
pub(crate) fn configure(
    mut builder: reqwest::ClientBuilder,
    extra_roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, ConfigError> {
    for (index, pem) in extra_roots.iter().enumerate() {
        let certificate =
            reqwest::Certificate::from_pem(pem).map_err(|e| bad_root(index, &e.to_string()))?;
        builder = builder.add_root_certificate(certificate);
    }
    Ok(builder.tls_backend_native())
}

/// No TLS feature: plain HTTP still works (a local mock hub); HTTPS fails at connect time.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, ConfigError> {
    if extra_roots.is_empty() {
        Ok(builder)
    } else {
        Err(ConfigError::Http(
            "a root certificate needs a TLS backend: enable the `rustls` or `native-tls` feature"
                .into(),
        ))
    }
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn bad_root(index: usize, reason: &str) -> ConfigError {
    ConfigError::RootCertificate {
        index,
        reason: reason.to_string(),
    }
}
