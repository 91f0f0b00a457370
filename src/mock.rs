//! An in-process mock of the 360dialog hub, for testing code that uses this client without
//! credentials or network (feature `mock`).
//!
//! [`MockHub::start`] listens on 127.0.0.1 on a free port and serves one partner,
//! [`MockHub::PARTNER_ID`]: `get_partner` returns it and `patch_partner` updates it, as the hub
//! does. It accepts [`MockHub::API_KEY`], [`MockHub::BEARER_TOKEN`], and the tokens its
//! `POST /api/v2/token` issues for [`MockHub::USERNAME`] and [`MockHub::PASSWORD`]. Requests
//! without valid credentials get 401, unknown partners 404, both with the hub's `meta` error
//! body. A test can replace any operation's outcome with a typed value, queue transient faults
//! (429, 503, slow answers) in front of the partner routes, and inspect every request the hub
//! received.
//!
//! ```
//! use d360_partner::mock::{MockError, MockHub};
//! use d360_partner::types::PartnerOut;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), d360_partner::Error> {
//! let hub = MockHub::start().await;
//! hub.set_get_partner(Ok(PartnerOut { brand_name: Some("Acme".into()), ..Default::default() }));
//!
//! // The code under test uses a client pointed at the hub.
//! let client = hub.client();
//! let partner = client.get_partner().partner_id(MockHub::PARTNER_ID).send().await?;
//! assert_eq!(partner.brand_name.as_deref(), Some("Acme"));
//!
//! // Arrange an error, then assert on the requests the hub received.
//! hub.set_get_partner(Err(MockError::new(404, "Partner not found")));
//! let error = d360_partner::Error::from(client.get_partner().partner_id("other").send().await.unwrap_err());
//! assert_eq!(error.developer_message(), Some("Partner not found"));
//!
//! let requests = hub.requests();
//! assert_eq!(requests.len(), 2);
//! assert_eq!(requests[1].method, "GET");
//! assert_eq!(requests[1].path, "/api/v2/partners/other");
//! assert_eq!(requests[1].header("x-api-key"), Some(MockHub::API_KEY));
//! # Ok(())
//! # }
//! ```

use crate::Client;
use crate::types::{PartnerOut, PatchPartnerIn};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

/// A running mock hub. Stops when dropped.
pub struct MockHub {
    server: MockServer,
    state: Arc<Mutex<HubState>>,
}

/// An error answer: an HTTP status with the hub's `meta` error body.
#[derive(Clone, Debug, PartialEq)]
pub struct MockError {
    /// The HTTP status to answer with.
    pub status: u16,
    /// The body's `developer_message`.
    pub developer_message: String,
    /// The body's `360dialog_trace_id`.
    pub trace_id: String,
}

impl MockError {
    /// An error with the given status and message, and trace id `mock-trace-<status>`.
    pub fn new(status: u16, developer_message: impl Into<String>) -> Self {
        MockError {
            status,
            developer_message: developer_message.into(),
            trace_id: format!("mock-trace-{status}"),
        }
    }

    fn response(&self) -> ResponseTemplate {
        ResponseTemplate::new(self.status).set_body_json(json!({"meta": {
            "developer_message": self.developer_message,
            "http_code": self.status,
            "success": false,
            "360dialog_trace_id": self.trace_id,
        }}))
    }
}

/// A transient failure the hub answers with once, before serving normally again.
#[derive(Clone, Debug, PartialEq)]
pub struct MockFault {
    status: u16,
    retry_after: Option<String>,
    delay: Option<Duration>,
    body: Option<String>,
}

impl MockFault {
    /// Answer with `status` and the hub's `meta` error body.
    pub fn status(status: u16) -> Self {
        MockFault {
            status,
            retry_after: None,
            delay: None,
            body: None,
        }
    }

    /// Add a `Retry-After` header, in seconds.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.to_string());
        self
    }

    /// Answer only after `delay` (to exceed a client's timeout).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answer with this raw body instead of the hub's error body (an HTML proxy page, say).
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    fn response(&self) -> ResponseTemplate {
        let mut response = match &self.body {
            Some(body) => ResponseTemplate::new(self.status).set_body_string(body.clone()),
            None => MockError::new(self.status, "Injected fault").response(),
        };
        if let Some(seconds) = &self.retry_after {
            response = response.insert_header("retry-after", seconds.as_str());
        }
        if let Some(delay) = self.delay {
            response = response.set_delay(delay);
        }
        response
    }
}

/// A request the hub received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, `PATCH`, ...
    pub method: String,
    /// The URL path, e.g. `/api/v2/partners/MockPartner01`.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, or `None` when empty or not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What the hub knows and what a test arranged.
#[derive(Default)]
struct HubState {
    partners: HashMap<String, PartnerOut>,
    get_partner: Option<Result<PartnerOut, MockError>>,
    patch_partner: Option<Result<PartnerOut, MockError>>,
    faults: VecDeque<MockFault>,
    issued_tokens: HashSet<String>,
    token_lifetime_s: u64,
    requests: Vec<RecordedRequest>,
}

impl MockHub {
    /// The API key the hub accepts (sent as `X-API-Key`).
    pub const API_KEY: &'static str = "mock-partner-api-key";
    /// The bearer token the hub accepts.
    pub const BEARER_TOKEN: &'static str = "mock-bearer-token";
    /// The partner user's email the token endpoint accepts.
    pub const USERNAME: &'static str = "partner-user@mock.example";
    /// That user's password.
    pub const PASSWORD: &'static str = "mock-partner-password";
    /// The id of the partner the hub serves.
    pub const PARTNER_ID: &'static str = "MockPartner01";
    /// The `expires_in` of issued tokens unless [`set_token_lifetime`](Self::set_token_lifetime)
    /// changes it (a day, as the hub's older API documents).
    pub const TOKEN_LIFETIME_S: u64 = 86400;

    /// Starts a hub on 127.0.0.1, on a free port.
    pub async fn start() -> MockHub {
        let state = Arc::new(Mutex::new(HubState {
            token_lifetime_s: Self::TOKEN_LIFETIME_S,
            ..HubState::default()
        }));
        lock(&state)
            .partners
            .insert(Self::PARTNER_ID.into(), Self::default_partner());
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(Router {
                state: state.clone(),
            })
            .mount(&server)
            .await;
        MockHub { server, state }
    }

    /// The hub's base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// A client for this hub, authenticated with [`MockHub::API_KEY`].
    pub fn client(&self) -> Client {
        Client::builder()
            .api_key(Self::API_KEY)
            .base_url(self.base_url())
            .build()
            .expect("a client for a loopback URL with a valid key always builds")
    }

    /// A client for this hub that logs in with [`MockHub::USERNAME`] and [`MockHub::PASSWORD`].
    pub fn token_client(&self) -> Client {
        Client::builder()
            .credentials(Self::USERNAME, Self::PASSWORD)
            .base_url(self.base_url())
            .build()
            .expect("a client for a loopback URL with credentials always builds")
    }

    /// The partner a new hub serves.
    pub fn default_partner() -> PartnerOut {
        serde_json::from_value(json!({
            "id": Self::PARTNER_ID,
            "brand_name": "Mock Partner",
            "logo_url": null,
            "webhook_url": "https://partner.example/webhooks/360dialog",
            "partner_redirect_url": "https://partner.example/onboarding/done",
            "country": "DE",
            "allow_client_to_add_phone_no": true,
            "payment_plan": null,
            "settings": {
                "partner_change_request": {"auto_approve": false},
                "account_sharing": null,
                "default_data_localization_region": null,
                "use_marketing_messages_api": false,
                "bearer_token_auth_disabled": false,
                "io_secure": {"io_signature_verification_enabled": false},
                "is_direct_360dialog_partner": true
            }
        }))
        .expect("the default partner matches the generated type")
    }

    /// The partner as the hub holds it now (after any `patch_partner`).
    pub fn partner(&self, partner_id: &str) -> Option<PartnerOut> {
        lock(&self.state).partners.get(partner_id).cloned()
    }

    /// Makes `get_partner` answer with `outcome` for any partner id, until set again.
    pub fn set_get_partner(&self, outcome: Result<PartnerOut, MockError>) {
        lock(&self.state).get_partner = Some(outcome);
    }

    /// Makes `patch_partner` answer with `outcome` for any partner id, until set again.
    pub fn set_patch_partner(&self, outcome: Result<PartnerOut, MockError>) {
        lock(&self.state).patch_partner = Some(outcome);
    }

    /// Queues `fault` as the answer to the next request to a partner route (after the faults
    /// already queued). Token requests are not affected.
    pub fn push_fault(&self, fault: MockFault) {
        lock(&self.state).faults.push_back(fault);
    }

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

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }
}

fn lock(state: &Mutex<HubState>) -> MutexGuard<'_, HubState> {
    // A test that panicked while holding the lock leaves consistent data; keep serving.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Answers every request the way the hub would, or as the test arranged.
struct Router {
    state: Arc<Mutex<HubState>>,
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        state.requests.push(RecordedRequest {
            method: request.method.to_string(),
            path: request.url.path().to_string(),
            query: request.url.query().map(str::to_string),
            headers: request
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: request.body.clone(),
        });
        if request.method.as_str() == "POST" && request.url.path() == TOKEN_PATH {
            return issue_token(&mut state, &request.body);
        }
        let bearer = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let authorized = request
            .headers
            .get("x-api-key")
            .is_some_and(|v| v == MockHub::API_KEY)
            || bearer.is_some_and(|token| {
                token == MockHub::BEARER_TOKEN || state.issued_tokens.contains(token)
            });
        if !authorized {
            return MockError::new(401, "Invalid or missing credentials").response();
        }
        if let Some(fault) = state.faults.pop_front() {
            return fault.response();
        }
        let segments: Vec<&str> = request.url.path().trim_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["api", "v2", "partners", id]) => match &state.get_partner {
                Some(outcome) => answer(outcome),
                None => match state.partners.get(*id) {
                    Some(partner) => ResponseTemplate::new(200).set_body_json(partner),
                    None => partner_not_found(id),
                },
            },
            ("PATCH", ["api", "v2", "partners", id]) => {
                if let Some(outcome) = &state.patch_partner {
                    return answer(outcome);
                }
                let patch: PatchPartnerIn = match serde_json::from_slice(&request.body) {
                    Ok(patch) => patch,
                    Err(e) => {
                        return MockError::new(400, format!("Invalid payload: {e}")).response();
                    }
                };
                match state.partners.get_mut(*id) {
                    Some(partner) => {
                        apply(partner, patch);
                        ResponseTemplate::new(200).set_body_json(&*partner)
                    }
                    None => partner_not_found(id),
                }
            }
            _ => MockError::new(
                404,
                format!(
                    "The mock hub has no route {} {}",
                    request.method,
                    request.url.path()
                ),
            )
            .response(),
        }
    }
}

/// The hub's token endpoint (not in the vendored spec, whose security scheme only names it).
const TOKEN_PATH: &str = "/api/v2/token";

/// Answers `POST /api/v2/token`: a new token for the right username and password, else 401.
fn issue_token(state: &mut HubState, body: &[u8]) -> ResponseTemplate {
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

fn answer(outcome: &Result<PartnerOut, MockError>) -> ResponseTemplate {
    match outcome {
        Ok(partner) => ResponseTemplate::new(200).set_body_json(partner),
        Err(error) => error.response(),
    }
}

fn partner_not_found(id: &str) -> ResponseTemplate {
    MockError::new(404, format!("Partner {id} not found")).response()
}

/// Applies the fields a PATCH sets; unset fields keep their value.
fn apply(partner: &mut PartnerOut, patch: PatchPartnerIn) {
    if let Some(url) = patch.webhook_url {
        partner.webhook_url = Some(url);
    }
    if let Some(url) = patch.partner_redirect_url {
        partner.partner_redirect_url = Some(url);
    }
    if let Some(allow) = patch.allow_client_to_add_phone_no {
        partner.allow_client_to_add_phone_no = Some(allow);
    }
}
