//! The token endpoint of the username/password flow: tokens issued, expiring, revoked.

use super::hub::{HubState, lock};
use super::{MockError, MockHub};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

impl MockHub {
    /// Sets the `expires_in` of tokens issued from now on.
    pub fn set_token_lifetime(&self, seconds: u64) {
        lock(&self.state).token_lifetime_s = seconds;
    }

    /// Makes every token issued so far invalid, as if the hub revoked them: requests with them
    /// get 401.
    pub fn revoke_tokens(&self) {
        lock(&self.state).issued_tokens.clear();
    }

    /// How many token requests the hub received.
    pub fn token_requests(&self) -> usize {
        lock(&self.state)
            .requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == TOKEN_PATH)
            .count()
    }
}

/// The hub's token endpoint (not in the vendored spec, whose security scheme only names it).
pub(super) const TOKEN_PATH: &str = "/api/v2/token";

/// Answers `POST /api/v2/token`: a new token for the right username and password, else 401.
pub(super) fn issue_token(state: &mut HubState, body: &[u8]) -> ResponseTemplate {
    let credentials: Value = serde_json::from_slice(body).unwrap_or_default();
    let valid = credentials["username"] == MockHub::USERNAME
        && credentials["password"] == MockHub::PASSWORD;
    if !valid {
        return MockError::new(401, "Invalid username or password").response();
    }
    let token = format!(
        "mock-access-token-{}",
        state.issued_tokens.len() + state.requests.len()
    );
    state.issued_tokens.insert(token.clone());
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.token_lifetime_s,
    }))
}
