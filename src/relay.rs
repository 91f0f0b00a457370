//! Carries a typed error from the request hooks to [`Error`] through the generated code.
//!
//! progenitor's `exec` hook can only return a `reqwest::Result`, and its `post` hook only
//! progenitor's own error variants. So when `exec` finds a failure the generated code cannot
//! express (the token flow refused the credentials, an error body is an HTML page, a body is
//! larger than the limit), it attaches a [`Relayed`] to the response it returns;
//! `post` turns that into `progenitor_client::Error::Custom` holding the failure as JSON, and
//! `From<progenitor_client::Error>` for [`Error`] turns it back into the typed error.

use crate::error::{ApiError, AuthError, Error};
use bytes::Bytes;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// The key that marks a `Custom` message as a relayed failure rather than free text.
const ENVELOPE_KEY: &str = "d360_partner_relayed_error";

/// A failure found by the hooks, on its way to the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum Relayed {
    Api(Box<ApiError>),
    Auth(Box<AuthError>),
    TooLarge { status: u16, limit: usize },
}

impl Relayed {
    /// The failure as the text of a `progenitor_client::Error::Custom`.
    pub(crate) fn encode(&self) -> String {
        serde_json::json!({ ENVELOPE_KEY: self }).to_string()
    }

    /// The failure in a `Custom` message, or `None` when the message is something else.
    pub(crate) fn decode(message: &str) -> Option<Relayed> {
        let mut envelope: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(message).ok()?;
        serde_json::from_value(envelope.remove(ENVELOPE_KEY)?).ok()
    }

    /// The status of the answer that failed; `None` when no server answered.
    pub(crate) fn status(&self) -> Option<StatusCode> {
        match self {
            Relayed::Api(api) => Some(api.status),
            Relayed::Auth(auth) => auth.status,
            Relayed::TooLarge { status, .. } => StatusCode::from_u16(*status).ok(),
        }
    }

    /// The hub's trace id, when the failing answer had one.
    pub(crate) fn trace_id(&self) -> Option<&str> {
        match self {
            Relayed::Api(api) => api.meta().and_then(|meta| meta.trace_id.as_deref()),
            Relayed::Auth(auth) => auth.trace_id.as_deref(),
            _ => None,
        }
    }

    /// A response carrying this failure, for `exec` to return in place of the real one. Its
    /// status only steers the generated code to the `post` hook, which reports the failure.
    pub(crate) fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = self.status().unwrap_or(StatusCode::UNAUTHORIZED);
        response.extensions_mut().insert(self);
        reqwest::Response::from(response)
    }

    /// The failure `exec` attached to its response, if any.
    pub(crate) fn attached(result: &reqwest::Result<reqwest::Response>) -> Option<&Relayed> {
        result.as_ref().ok()?.extensions().get::<Relayed>()
    }
}

impl From<Relayed> for Error {
    fn from(relayed: Relayed) -> Self {
        match relayed {
            Relayed::Api(api) => Error::Api(api),
            Relayed::Auth(auth) => Error::Auth(auth),
            Relayed::TooLarge { status, limit } => Error::ResponseTooLarge {
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                limit,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relayed_failure_survives_the_trip_through_a_custom_message() {
        let relayed = Relayed::Auth(Box::new(AuthError {
            status: Some(StatusCode::UNAUTHORIZED),
            message: "Invalid credentials".into(),
            trace_id: Some("t-9".into()),
        }));
        let error = Error::from(progenitor_client::Error::<crate::ApiErrorBody>::Custom(
            relayed.encode(),
        ));
        assert_eq!(
            error.to_string(),
            "authentication failed: HTTP 401 Unauthorized: Invalid credentials (360dialog_trace_id: t-9)"
        );
    }

    #[test]
    fn other_custom_messages_stay_text() {
        for message in [
            "plain words",
            "{\"other\": 1}",
            "{\"d360_partner_relayed_error\": 5}",
        ] {
            let error = Error::from(progenitor_client::Error::<crate::ApiErrorBody>::Custom(
                message.into(),
            ));
            assert_eq!(error.to_string(), format!("invalid request: {message}"));
        }
    }
}
