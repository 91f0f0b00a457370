//! The hub a test arranges and reads: [`MockHub`], its server, and what it knows.

use super::router::Router;
use super::{MockError, MockFault, RecordedRequest};
use crate::Client;
use crate::operation::Operation;
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use wiremock::{Mock, MockServer, matchers::any};

/// A running mock hub. Stops when dropped: see the [module](crate::mock) docs.
pub struct MockHub {
    /// `None` only while dropping.
    server: Option<MockServer>,
    address: SocketAddr,
    pub(super) state: Arc<Mutex<HubState>>,
    /// Signs and sends the hub's webhook deliveries (its HTTP client made on the first).
    pub(super) sender: crate::webhooks::Sender,
}

pub(super) type Responder = dyn Fn(&RecordedRequest) -> Result<Value, MockError> + Send + Sync;

/// What a test arranged for one operation.
#[derive(Clone)]
pub(super) enum Answer {
    Fixed(Result<Value, MockError>),
    Computed(Arc<Responder>),
}

/// A route a test arranged for a path the operation table does not have.
pub(super) struct Route {
    pub(super) method: Method,
    pub(super) template: String,
    pub(super) answer: Answer,
}

/// What the hub knows and what a test arranged.
#[derive(Default)]
pub(super) struct HubState {
    pub(super) answers: HashMap<&'static str, Answer>,
    pub(super) routes: Vec<Route>,
    pub(super) faults: VecDeque<MockFault>,
    pub(super) issued_tokens: HashSet<String>,
    pub(super) token_lifetime_s: u64,
    pub(super) requests: Vec<RecordedRequest>,
    /// How many events `deliver_event` sent (their ids count up).
    pub(super) delivered_events: u64,
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
    /// The partner's platform secret the hub signs webhook deliveries with (verify them with
    /// `webhooks::Verifier::new(MockHub::PLATFORM_SECRET)`).
    pub const PLATFORM_SECRET: &'static str = "mock-platform-secret";
    /// The `expires_in` of issued tokens unless [`set_token_lifetime`](Self::set_token_lifetime)
    /// changes it (a day, as the hub's older API documents).
    pub const TOKEN_LIFETIME_S: u64 = 86400;
    /// How many items a list [`serve_list`](Self::serve_list) serves answers without a `limit`.
    pub const DEFAULT_PAGE_SIZE: usize = 10;

    /// Starts a hub on 127.0.0.1, on a free port.
    pub async fn start() -> MockHub {
        let state = Arc::new(Mutex::new(HubState {
            token_lifetime_s: Self::TOKEN_LIFETIME_S,
            ..HubState::default()
        }));
        // A server of its own, not one from wiremock's pool (`MockServer::start`), which
        // would keep serving after the drop and hand the port to the next hub. The hub records
        // requests itself.
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(any())
            .respond_with(Router {
                state: state.clone(),
            })
            .mount(&server)
            .await;
        MockHub {
            address: *server.address(),
            server: Some(server),
            state,
            sender: crate::webhooks::Sender::new(Self::PLATFORM_SECRET)
                .expect("the mock platform secret is not empty"),
        }
    }

    /// The hub's base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
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

    /// Makes `operation` answer with `outcome` (its success status and `T` as JSON, or the
    /// error), whatever the request, until arranged again.
    pub fn set<T: Serialize>(&self, operation: Operation<T>, outcome: Result<T, MockError>) {
        let answer = Answer::Fixed(outcome.map(|value| to_json(&value)));
        lock(&self.state).answers.insert(operation.id(), answer);
    }

    /// Makes `operation` answer with what `respond` returns for each request, until arranged
    /// again: for answers that depend on the path parameters or the body
    /// ([`RecordedRequest::body_as`]).
    pub fn on<T: Serialize + 'static>(
        &self,
        operation: Operation<T>,
        respond: impl Fn(&RecordedRequest) -> Result<T, MockError> + Send + Sync + 'static,
    ) {
        let responder: Arc<Responder> =
            Arc::new(move |request| respond(request).map(|v| to_json(&v)));
        lock(&self.state)
            .answers
            .insert(operation.id(), Answer::Computed(responder));
    }

    /// Makes the hub answer `method` on `path` with `outcome` until arranged again: for the
    /// calls the spec does not describe, made with [`Client::request`]. `path` is a template like
    /// [`Client::request`]'s (`/api/v2/partners/{partner_id}/balance`), each `{placeholder}`
    /// matching one segment. `Ok(value)` answers 200 with `value` as JSON (a `serde_json::Value`
    /// or any serializable type; `()` answers 204 without a body), `Err` the error. An arranged
    /// route wins over the operation table.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> d360_partner::Result<()> {
    /// use d360_partner::Method;
    /// let hub = d360_partner::mock::MockHub::start().await;
    /// hub.route(Method::GET, "/api/v2/partners/{partner_id}/balance", Ok(serde_json::json!({"balance": 10})));
    /// let balance: serde_json::Value = hub
    ///     .client()
    ///     .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
    ///     .path_param("partner_id", "p-1")
    ///     .send()
    ///     .await?;
    /// assert_eq!(balance["balance"], 10);
    /// let requests = hub.requests_to_route(Method::GET, "/api/v2/partners/{partner_id}/balance");
    /// assert_eq!(requests[0].path_parameter("partner_id"), Some("p-1"));
    /// # Ok(()) }
    /// ```
    pub fn route<T: Serialize>(
        &self,
        method: Method,
        path: impl Into<String>,
        outcome: Result<T, MockError>,
    ) {
        let answer = Answer::Fixed(outcome.map(|value| to_json(&value)));
        self.arrange_route(method, path.into(), answer);
    }

    /// Like [`route`](Self::route), answering each request with what `respond` returns for it.
    pub fn on_route<T: Serialize + 'static>(
        &self,
        method: Method,
        path: impl Into<String>,
        respond: impl Fn(&RecordedRequest) -> Result<T, MockError> + Send + Sync + 'static,
    ) {
        let responder: Arc<Responder> =
            Arc::new(move |request| respond(request).map(|v| to_json(&v)));
        self.arrange_route(method, path.into(), Answer::Computed(responder));
    }

    fn arrange_route(&self, method: Method, template: String, answer: Answer) {
        let mut state = lock(&self.state);
        state
            .routes
            .retain(|route| !(route.method == method && route.template == template));
        state.routes.push(Route {
            method,
            template,
            answer,
        });
    }

    /// The requests routed to the route arranged for `method` and `path`, in order.
    pub fn requests_to_route(&self, method: Method, path: &str) -> Vec<RecordedRequest> {
        lock(&self.state)
            .requests
            .iter()
            .filter(|r| r.method == method.as_str() && r.route.as_deref() == Some(path))
            .cloned()
            .collect()
    }

    /// Queues `fault` as the answer to the next request to an operation (after the faults
    /// already queued). Token requests are not affected.
    pub fn push_fault(&self, fault: MockFault) {
        lock(&self.state).faults.push_back(fault);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// The requests routed to `operation`, in order.
    pub fn requests_to<T>(&self, operation: Operation<T>) -> Vec<RecordedRequest> {
        lock(&self.state)
            .requests
            .iter()
            .filter(|r| r.operation == Some(operation.id()))
            .cloned()
            .collect()
    }
}

/// Stops the server and waits, boundedly, until its port refuses connections: wiremock stops
/// a server on its own thread, so without the wait a call right after the drop could still
/// reach it.
impl Drop for MockHub {
    fn drop(&mut self) {
        drop(self.server.take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline
            && TcpStream::connect_timeout(&self.address, Duration::from_millis(100)).is_ok()
        {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

pub(super) fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("the generated types serialize to JSON")
}

pub(super) fn lock(state: &Mutex<HubState>) -> MutexGuard<'_, HubState> {
    // A test that panicked while holding the lock leaves consistent data; keep serving.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
