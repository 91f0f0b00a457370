//! A builder filled from the environment ([`ClientBuilder::from_env`]), or from any lookup
//! ([`ClientBuilder::from_lookup`]), so code built on the environment can be tested without
//! touching it.

use crate::client::builder::ClientBuilder;
use crate::client::credentials::Auth;
use crate::env;
use crate::error::{ConfigError, Credential, CredentialsError, ErrorKind, Result};
use secrecy::SecretString;

impl ClientBuilder {
    /// A builder filled from the environment: [`env::API_KEY`], else [`env::BEARER_TOKEN`], else
    /// [`env::USERNAME`] with [`env::PASSWORD`]; and [`env::BASE_URL`] when set. Fails when a
    /// variable is set but empty, or a username comes without its password (or the other way
    /// round); with none of them set, [`build`](Self::build) fails naming the variables, unless
    /// the builder is [`dry_run_only`](Self::dry_run_only). Which credential was chosen is
    /// logged at debug level.
    pub fn from_env() -> Result<ClientBuilder> {
        Self::from_lookup(crate::env::process)
    }

    /// [`from_env`](Self::from_env) over `lookup` (a variable's value, `None` when unset)
    /// instead of the process environment: for tests of code built on `from_env`, without
    /// `set_var`.
    ///
    /// ```
    /// use d360_partner::ClientBuilder;
    /// let client = ClientBuilder::from_lookup(|name| match name {
    ///     "D360_PARTNER_API_KEY" => Some("test-key".into()),
    ///     "D360_PARTNER_BASE_URL" => Some("http://127.0.0.1:8080".into()),
    ///     _ => None,
    /// })?
    /// .build()?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    /// # Ok::<(), d360_partner::Error>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let read = |name: &'static str| match lookup(name) {
            Some(value) if value.trim().is_empty() => Err(name),
            other => Ok(other),
        };
        let credential = |credential: Credential| {
            read(credential.variable()).map_err(|_| {
                crate::Error::from(ErrorKind::Credentials(CredentialsError::Empty {
                    credential,
                    from_environment: true,
                }))
            })
        };
        let key = credential(Credential::ApiKey)?;
        let token = credential(Credential::BearerToken)?;
        let username = credential(Credential::Username)?;
        let password = credential(Credential::Password)?;
        let incomplete = |given, missing| {
            ErrorKind::Credentials(CredentialsError::Incomplete { given, missing })
        };
        let auth = match (key, token, username, password) {
            (Some(key), ..) => Some(Auth::ApiKey(SecretString::from(key))),
            (None, Some(token), ..) => Some(Auth::Bearer(SecretString::from(token))),
            (None, None, Some(username), Some(password)) => Some(Auth::Credentials {
                username,
                password: SecretString::from(password),
            }),
            (None, None, Some(_), None) => {
                return Err(incomplete(Credential::Username, Credential::Password).into());
            }
            (None, None, None, Some(_)) => {
                return Err(incomplete(Credential::Password, Credential::Username).into());
            }
            (None, None, None, None) => None,
        };
        if let Some(auth) = &auth {
            tracing::debug!(
                credential = auth.kind(),
                "chose credentials from the environment"
            );
        }
        let mut builder = ClientBuilder::default();
        builder.auth = auth;
        builder.from_environment = true;
        let base_url = read(env::BASE_URL)
            .map_err(|variable| ErrorKind::Config(ConfigError::EmptyVariable { variable }))?;
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }
}
