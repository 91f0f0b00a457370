//! The credentials a builder is given, and their check: the Partner API key (`X-API-Key`,
//! preferred by 360dialog), a bearer token, or a partner user's email and password for the token
//! flow. Each is refused, naming which, when empty or not fit for a header; secrets live in
//! [`SecretString`] until they become header values marked sensitive.

use crate::call::auth::{API_KEY_HEADER, RequestAuth};
use crate::call::login::{TokenSource, bearer_header, sensitive_header};
use crate::error::{Credential, CredentialsError};
use crate::secret::REDACTED;
use reqwest::header::AUTHORIZATION;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;

/// The credentials a builder was given. Users choose through the builder's `api_key`,
/// `bearer_token` and `credentials`, each replacing the others.
#[derive(Clone)]
pub(crate) enum Auth {
    ApiKey(SecretString),
    Bearer(SecretString),
    Credentials {
        username: String,
        password: SecretString,
    },
}

impl Auth {
    /// What requests carry to authenticate; `from_environment` says where the credential came
    /// from, for the refusal's words.
    pub(crate) fn for_requests(
        &self,
        from_environment: bool,
    ) -> Result<RequestAuth, CredentialsError> {
        let empty = |credential| CredentialsError::Empty {
            credential,
            from_environment,
        };
        let not_a_header = |credential| CredentialsError::NotAHeader { credential };
        Ok(match self {
            Auth::ApiKey(key) => {
                if key.expose_secret().trim().is_empty() {
                    return Err(empty(Credential::ApiKey));
                }
                let value = sensitive_header(key.expose_secret())
                    .ok_or(not_a_header(Credential::ApiKey))?;
                RequestAuth::Fixed(API_KEY_HEADER, value)
            }
            Auth::Bearer(token) => {
                if token.expose_secret().trim().is_empty() {
                    return Err(empty(Credential::BearerToken));
                }
                let value = bearer_header(token.expose_secret())
                    .ok_or(not_a_header(Credential::BearerToken))?;
                RequestAuth::Fixed(AUTHORIZATION, value)
            }
            Auth::Credentials { username, password } => {
                if username.trim().is_empty() {
                    return Err(empty(Credential::Username));
                }
                if password.expose_secret().is_empty() {
                    return Err(empty(Credential::Password));
                }
                RequestAuth::Token(Arc::new(TokenSource::new(
                    username.clone(),
                    password.clone(),
                )))
            }
        })
    }

    /// What kind of credential this is, for logs and `Debug`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Auth::ApiKey(_) => "api_key",
            Auth::Bearer(_) => "bearer_token",
            Auth::Credentials { .. } => "username_password",
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The username is an account name, not a secret; showing it helps tell clients apart.
            Auth::Credentials { username, .. } => f
                .debug_struct("Credentials")
                .field("username", username)
                .field("password", &REDACTED)
                .finish(),
            _ => write!(f, "{}({REDACTED})", self.kind()),
        }
    }
}
