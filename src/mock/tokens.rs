//! The token endpoint of the username/password flow (`POST /api/v2/token`, not in the vendored
//! spec, whose security scheme only names it): a new token for the right username and password,
//! else 401.

use super::MockError;
use super::credentials;
use super::state::HubState;
use crate::serve::Response;
use serde_json::{Value, json};

/// Answers a token request whose body is `body`.
pub(super) fn issue_token(state: &mut HubState, body: &[u8]) -> Response {
    state.token_requests += 1;
    let given: Value = serde_json::from_slice(body).unwrap_or_default();
    let valid =
        given["username"] == credentials::USERNAME && given["password"] == credentials::PASSWORD;
    if !valid {
        return MockError::new(401, "Invalid username or password").response();
    }
    state.tokens_issued += 1;
    let token = format!("mock-access-token-{}", state.tokens_issued);
    if state.issued_tokens.len() >= super::state::KEPT_TOKENS {
        state.issued_tokens.clear();
    }
    state.issued_tokens.insert(token.clone());
    super::answers::json(
        hyper::StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": state.token_lifetime_s,
        }),
    )
}

/// Whether a request carries credentials the hub accepts: its API key in `X-API-Key`, or its
/// bearer token or an issued token as a bearer token.
pub(super) fn authorized(
    state: &HubState,
    api_key: Option<&str>,
    authorization: Option<&str>,
) -> bool {
    let bearer = authorization.and_then(|value| value.strip_prefix("Bearer "));
    api_key == Some(credentials::API_KEY)
        || bearer.is_some_and(|token| {
            token == credentials::BEARER_TOKEN || state.issued_tokens.contains(token)
        })
}
