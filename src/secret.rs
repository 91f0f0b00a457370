//! The partner's platform secret: what signs webhook deliveries (HMAC-SHA256 of the body) and
//! the IO signatures of onboarding links (HMAC-SHA512 of `{partnerId}|{unixSeconds}`). Checked
//! once, here, for everything that takes it: a secret that is empty or blank is refused with
//! the one [`SecretError`].

use ring::hmac;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// What errors, `Debug` output, dry runs and the mock hub's records show in place of a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// A partner's platform secret, checked to be neither empty nor blank. Its `Debug` never shows
/// it.
///
/// ```
/// use d360_partner::PlatformSecret;
/// let secret = PlatformSecret::new("the-platform-secret")?;
/// assert!(!format!("{secret:?}").contains("the-platform-secret"));
/// assert!(PlatformSecret::new(" ").is_err());
/// # Ok::<(), d360_partner::SecretError>(())
/// ```
#[derive(Clone)]
pub struct PlatformSecret(SecretString);

impl PlatformSecret {
    /// The secret (a `&str`, `String` or `secrecy::SecretString`); refused when it is empty or
    /// only whitespace (an unset value, a blank line).
    pub fn new(secret: impl Into<SecretString>) -> Result<PlatformSecret, SecretError> {
        let secret = secret.into();
        match secret.expose_secret().trim().is_empty() {
            true => Err(SecretError::Empty { variable: None }),
            false => Ok(PlatformSecret(secret)),
        }
    }

    /// The secret in [`env::PLATFORM_SECRET`](crate::env::PLATFORM_SECRET); refused, naming the
    /// variable, when it is unset, empty or not UTF-8.
    pub fn from_env() -> Result<PlatformSecret, SecretError> {
        Self::from_lookup(crate::env::PLATFORM_SECRET, process)?.ok_or(SecretError::Unset {
            variable: crate::env::PLATFORM_SECRET,
        })
    }

    /// The secret being rotated out, in
    /// [`env::PREVIOUS_PLATFORM_SECRET`](crate::env::PREVIOUS_PLATFORM_SECRET): `None` when the
    /// variable is unset, refused when it is empty or not UTF-8.
    pub fn previous_from_env() -> Result<Option<PlatformSecret>, SecretError> {
        Self::from_lookup(crate::env::PREVIOUS_PLATFORM_SECRET, process)
    }

    /// The secret in `variable` as `lookup` finds it (`None`: unset), so code built on the
    /// environment can be tested without touching it. `lookup` answers `Err(())` for a value
    /// that is not UTF-8.
    pub(crate) fn from_lookup(
        variable: &'static str,
        lookup: impl Fn(&str) -> Result<Option<String>, ()>,
    ) -> Result<Option<PlatformSecret>, SecretError> {
        match lookup(variable) {
            Ok(None) => Ok(None),
            Ok(Some(value)) => {
                PlatformSecret::new(value)
                    .map(Some)
                    .map_err(|_| SecretError::Empty {
                        variable: Some(variable),
                    })
            }
            Err(()) => Err(SecretError::NotUnicode { variable }),
        }
    }

    /// The key for webhook signatures: HMAC-SHA256 over the secret's UTF-8 bytes.
    pub(crate) fn webhook_key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, self.0.expose_secret().as_bytes())
    }

    /// The key for IO signatures: HMAC-SHA512 over the secret's UTF-8 bytes.
    pub(crate) fn io_key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA512, self.0.expose_secret().as_bytes())
    }
}

/// A variable of the process environment, `Err(())` when it is not UTF-8.
fn process(name: &str) -> Result<Option<String>, ()> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(()),
    }
}

impl fmt::Debug for PlatformSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlatformSecret({REDACTED})")
    }
}

impl TryFrom<&str> for PlatformSecret {
    type Error = SecretError;

    fn try_from(secret: &str) -> Result<PlatformSecret, SecretError> {
        PlatformSecret::new(secret)
    }
}

impl TryFrom<String> for PlatformSecret {
    type Error = SecretError;

    fn try_from(secret: String) -> Result<PlatformSecret, SecretError> {
        PlatformSecret::new(secret)
    }
}

/// Why no platform secret could be had: the one error for an empty secret, wherever it is given
/// ([`PlatformSecret::new`], [`Verifier::new`](crate::webhooks::Verifier::new), the
/// `webhook-sender` feature's `Sender::new`), and for one read from the environment. It never
/// holds the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty or blank; `variable` names where it was read from.
    Empty {
        /// The environment variable it came from, if any.
        variable: Option<&'static str>,
    },
    /// The variable is not set.
    Unset {
        /// The variable.
        variable: &'static str,
    },
    /// The variable's value is not UTF-8.
    NotUnicode {
        /// The variable.
        variable: &'static str,
    },
}

impl SecretError {
    /// The environment variable the secret was to come from, if any.
    pub fn variable(&self) -> Option<&'static str> {
        match self {
            SecretError::Empty { variable } => *variable,
            SecretError::Unset { variable } | SecretError::NotUnicode { variable } => {
                Some(variable)
            }
        }
    }
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::Empty { variable: None } => f.write_str("the platform secret is empty"),
            SecretError::Empty {
                variable: Some(variable),
            } => write!(f, "{variable} is set but empty"),
            SecretError::Unset { variable } => {
                write!(f, "no platform secret: set {variable}")
            }
            SecretError::NotUnicode { variable } => write!(f, "{variable} is not valid UTF-8"),
        }
    }
}

impl std::error::Error for SecretError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_secrets_are_refused_with_the_one_error() {
        assert_eq!(
            PlatformSecret::new("").unwrap_err(),
            SecretError::Empty { variable: None }
        );
        assert!(PlatformSecret::new(" \n").is_err());
        assert!(PlatformSecret::new(" s ").is_ok());
    }

    #[test]
    fn the_environment_is_read_naming_the_variable() {
        let read = |value: Result<Option<&str>, ()>| {
            PlatformSecret::from_lookup("V", move |_| value.map(|v| v.map(String::from)))
                .map(|secret| secret.is_some())
                .map_err(|error| error.to_string())
        };
        assert_eq!(read(Ok(None)), Ok(false));
        assert_eq!(read(Ok(Some("s"))), Ok(true));
        assert_eq!(read(Ok(Some(" "))), Err("V is set but empty".into()));
        assert_eq!(read(Err(())), Err("V is not valid UTF-8".into()));
    }
}
