//! An in-process mock of the 360dialog hub, for testing code that uses this client without
//! credentials or network (feature `mock`).
//!
//! [`MockHub::start`] listens on 127.0.0.1 on a free port and serves every operation of the
//! spec, routed by the operation table: a test arranges an operation's typed answer with
//! [`MockHub::set`] (a fixed outcome) or [`MockHub::on`] (computed from the request), by the
//! operation's handle in [`operations`](crate::operations). An operation without an answer gets
//! 501 with a message saying how to arrange one. The hub accepts [`MockHub::API_KEY`],
//! [`MockHub::BEARER_TOKEN`], and the tokens its `POST /api/v2/token` issues for
//! [`MockHub::USERNAME`] and [`MockHub::PASSWORD`]; requests without valid credentials get 401
//! with the hub's `meta` error body. A test can queue transient faults (429, 503, slow answers)
//! and inspect every request the hub received.
//!
//! ```
//! use d360_partner::mock::{MockError, MockHub};
//! use d360_partner::{operations, types::PartnerOut};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> d360_partner::Result<()> {
//! let hub = MockHub::start().await;
//! hub.set(operations::GET_PARTNER, Ok(PartnerOut { brand_name: Some("Acme".into()), ..Default::default() }));
//!
//! // The code under test uses a client pointed at the hub.
//! let client = hub.client();
//! let partner = client.get_partner().partner_id("p-1").await?;
//! assert_eq!(partner.brand_name.as_deref(), Some("Acme"));
//!
//! // Arrange an error, then assert on the requests the hub received.
//! hub.set(operations::GET_PARTNER, Err(MockError::new(404, "Partner not found")));
//! let error = client.get_partner().partner_id("other").await.unwrap_err();
//! assert_eq!(error.developer_message(), Some("Partner not found"));
//!
//! let requests = hub.requests();
//! assert_eq!(requests.len(), 2);
//! assert_eq!(requests[1].operation, Some("get_partner"));
//! assert_eq!(requests[1].path, "/api/v2/partners/other");
//! assert_eq!(requests[1].path_parameter("partner_id"), Some("other"));
//! assert_eq!(requests[1].header("x-api-key"), Some(MockHub::API_KEY));
//! # Ok(())
//! # }
//! ```

use crate::Client;
use crate::error::REDACTED;
use crate::operation::{Operation, OperationInfo};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate, matchers::any};

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

/// A request the hub received. Its `Debug` shows the body as text and hides credentials: the
/// `X-API-Key` and `Authorization` headers, and the body of a token request (the password).
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `GET`, `PATCH`, ...
    pub method: String,
    /// The URL path, e.g. `/api/v2/partners/p-1`.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The operation the request was routed to (e.g. `get_partner`); `None` for the token
    /// endpoint, arranged routes and unknown paths.
    pub operation: Option<&'static str>,
    /// The path template of the [`MockHub::route`] it was routed to, as arranged.
    pub route: Option<String>,
    /// The path parameters of that operation or route, percent-decoded, in path order.
    pub path_parameters: Vec<(String, String)>,
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| match name.as_str() {
                "x-api-key" | "authorization" => (name.as_str(), REDACTED),
                _ => (name.as_str(), value.as_str()),
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field(
                "body",
                &if self.path == TOKEN_PATH {
                    REDACTED.into()
                } else {
                    String::from_utf8_lossy(&self.body)
                },
            )
            .field("operation", &self.operation)
            .field("route", &self.route)
            .field("path_parameters", &self.path_parameters)
            .finish()
    }
}

impl RecordedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A path parameter's decoded value.
    pub fn path_parameter(&self, name: &str) -> Option<&str> {
        self.path_parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, or `None` when empty or not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text (lossily decoded UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as `T`; a body that is not a `T` is a 400 answer, so `?` in an
    /// [`MockHub::on`] closure answers it as the hub would.
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T, MockError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| MockError::new(400, format!("Invalid payload: {e}")))
    }

    /// The query parameters, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    /// The first value of the query parameter `name`, decoded.
    pub fn query_parameter(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

type Responder = dyn Fn(&RecordedRequest) -> Result<Value, MockError> + Send + Sync;

/// What a test arranged for one operation.
#[derive(Clone)]
enum Answer {
    Fixed(Result<Value, MockError>),
    Computed(Arc<Responder>),
}

/// A route a test arranged for a path the operation table does not have.
struct Route {
    method: Method,
    template: String,
    answer: Answer,
}

/// What the hub knows and what a test arranged.
#[derive(Default)]
struct HubState {
    answers: HashMap<&'static str, Answer>,
    routes: Vec<Route>,
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

    /// Makes the list operation `operation` (one with `pages()` and `items()` on its builder)
    /// serve `items` as its whole collection, until arranged again: each request gets the items
    /// its `limit` and `offset` select (without a `limit`, [`DEFAULT_PAGE_SIZE`](Self::DEFAULT_PAGE_SIZE)),
    /// with `total`, `count`, `offset` and `limit` as the hub reports them, so code that walks
    /// the list can be tested against a collection of any size. Other parameters (`sort`,
    /// `filters`) do not change the answer; an `offset` or `limit` that is not a number of at
    /// least 0 is a 400.
    ///
    /// # Panics
    ///
    /// When `operation` answers with a list's page type but is no list operation itself (it
    /// takes no integer `limit` and `offset`).
    pub fn serve_list<P>(&self, operation: Operation<P>, items: Vec<P::Item>)
    where
        P: crate::operations::Page,
        P::Item: Serialize,
    {
        let list = operation.info().list().unwrap_or_else(|| {
            panic!(
                "`{}` is no list operation: it takes no integer `limit` and `offset`",
                operation.id()
            )
        });
        let items: Vec<Value> = items.iter().map(to_json).collect();
        let responder: Arc<Responder> = Arc::new(move |request| list_page(list, &items, request));
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

    /// POSTs `payload` as JSON to `url`, as the hub delivers a webhook to a partner's webhook
    /// URL, and returns the status the receiver answered: for testing your webhook receiver.
    /// Redirects are not followed; the delivery is bounded by 10 s.
    pub async fn deliver_webhook<W: crate::webhooks::Webhook>(
        &self,
        url: &str,
        payload: &W,
    ) -> crate::Result<u16> {
        let http = crate::tls::configure(reqwest::ClientBuilder::new(), &[])?
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent("d360-partner-mock-hub")
            .build()
            .map_err(|e| crate::Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let response =
            http.post(url).json(payload).send().await.map_err(|e| {
                crate::Error::Transport(Box::new(crate::error::TransportError::new(e)))
            })?;
        Ok(response.status().as_u16())
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

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("the generated types serialize to JSON")
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
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let method = request.method.to_string();
        let path = request.url.path().to_string();
        let mut state = lock(&self.state);
        // An arranged route wins over the table: a test said what this path answers.
        let arranged = state.routes.iter().find_map(|route| {
            let parameters = matching(route.method.as_str(), &route.template, &method, &path)?;
            Some((route.template.clone(), route.answer.clone(), parameters))
        });
        let operation = match arranged {
            Some(_) => None,
            None => crate::operations::ALL.iter().find_map(|info| {
                matching(info.method().as_str(), info.path(), &method, &path)
                    .map(|parameters| (*info, parameters))
            }),
        };
        let path_parameters = match (&arranged, &operation) {
            (Some((_, _, parameters)), _) | (None, Some((_, parameters))) => parameters.clone(),
            (None, None) => Vec::new(),
        };
        let recorded = RecordedRequest {
            method,
            path,
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
            operation: operation.as_ref().map(|(info, _)| info.id()),
            route: arranged.as_ref().map(|(template, ..)| template.clone()),
            path_parameters,
        };
        state.requests.push(recorded.clone());
        if recorded.method == "POST" && recorded.path == TOKEN_PATH {
            return issue_token(&mut state, &recorded.body);
        }
        let bearer = recorded
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "));
        let authorized = recorded.header("x-api-key") == Some(MockHub::API_KEY)
            || bearer.is_some_and(|token| {
                token == MockHub::BEARER_TOKEN || state.issued_tokens.contains(token)
            });
        if !authorized {
            return MockError::new(401, "Invalid or missing credentials").response();
        }
        if let Some(fault) = state.faults.pop_front() {
            return fault.response();
        }
        let operation = operation.map(|(info, _)| info);
        let (answer, success_status) = match (arranged, operation) {
            (Some((_, answer, _)), _) => (Some(answer), 200),
            (None, Some(info)) => (state.answers.get(info.id()).cloned(), info.success_status()),
            (None, None) => (None, 200),
        };
        // The lock is released before a test's closure runs: it may use the hub's other state.
        drop(state);
        let outcome = match answer {
            Some(Answer::Fixed(outcome)) => outcome,
            Some(Answer::Computed(respond)) => respond(&recorded),
            None => Err(MockError::new(501, not_arranged(&recorded, operation))),
        };
        match outcome {
            Ok(Value::Null) if success_status == 204 || recorded.route.is_some() => {
                ResponseTemplate::new(204)
            }
            Ok(body) => ResponseTemplate::new(success_status).set_body_json(body),
            Err(error) => error.response(),
        }
    }
}

/// The page of `items` a request to the list `list` asks for, with the counts the hub reports.
fn list_page(
    list: &crate::operations::ListInfo,
    items: &[Value],
    request: &RecordedRequest,
) -> Result<Value, MockError> {
    let number = |parameter: &crate::operations::ParameterInfo, default: usize| match request
        .query_parameter(parameter.name())
    {
        None => Ok(default),
        Some(text) => text.parse::<usize>().map_err(|_| {
            MockError::new(
                400,
                format!(
                    "`{}` must be a number of at least 0, not `{text}`",
                    parameter.name()
                ),
            )
        }),
    };
    let offset = number(list.offset_parameter(), 0)?;
    let limit = number(list.limit_parameter(), MockHub::DEFAULT_PAGE_SIZE)?;
    let start = offset.min(items.len());
    let page = &items[start..start.saturating_add(limit).min(items.len())];
    let mut answer = serde_json::Map::new();
    answer.insert(list.items_field().into(), Value::from(page.to_vec()));
    for (field, value) in [
        (list.total_field(), items.len()),
        (list.count_field(), page.len()),
        (list.offset_field(), offset),
        (list.limit_field(), limit),
    ] {
        if let Some(field) = field {
            answer.insert(field.into(), Value::from(value));
        }
    }
    Ok(Value::Object(answer))
}

/// What the 501 for a request without an arranged answer says: how to arrange one.
fn not_arranged(request: &RecordedRequest, operation: Option<&OperationInfo>) -> String {
    match operation {
        Some(info) => format!(
            "The mock hub has no answer arranged for `{id}` ({} {}); arrange one with \
             `hub.set(d360_partner::operations::{}, ..)` or `hub.on(..)`",
            info.method(),
            info.path(),
            info.id().to_ascii_uppercase(),
            id = info.id()
        ),
        None => format!(
            "The mock hub has no answer arranged for {method} {path}, which is no operation of \
             the spec; arrange one with `hub.route(Method::{method}, \"{path}\", ..)` (a \
             `{{placeholder}}` matches one segment) or `hub.on_route(..)`",
            method = request.method,
            path = request.path,
        ),
    }
}

/// The decoded path parameters if `method` and `path` are a request for the route `method` on
/// `template` (`/api/v2/partners/{partner_id}`; a placeholder takes a whole segment or part of
/// one, never an empty value).
fn matching(
    route_method: &str,
    template: &str,
    method: &str,
    path: &str,
) -> Option<Vec<(String, String)>> {
    if !route_method.eq_ignore_ascii_case(method) {
        return None;
    }
    let template: Vec<&str> = template.trim_matches('/').split('/').collect();
    let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
    if template.len() != actual.len() {
        return None;
    }
    let mut parameters = Vec::new();
    for (pattern, segment) in template.iter().zip(&actual) {
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned();
        match (pattern.find('{'), pattern.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&pattern[..open], &pattern[close + 1..]);
                let value = decoded.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                parameters.push((pattern[open + 1..close].to_string(), value.to_string()));
            }
            _ if *pattern == decoded => {}
            _ => return None,
        }
    }
    Some(parameters)
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::operation::{BodyKind, Location, ParameterInfo, Style};

    static GET_THING: OperationInfo = OperationInfo {
        id: "get_thing",
        method: reqwest::Method::GET,
        path: "/api/v2/partners/{partner_id}",
        summary: None,
        description: None,
        tags: &[],
        parameters: &[ParameterInfo {
            name: "partner_id",
            location: Location::Path,
            required: true,
            style: Style::Form,
            explode: false,
            kind: crate::operation::Kind::Any,
            description: None,
        }],
        body: BodyKind::None,
        body_properties: &[],
        success_status: 200,
        check: crate::body::check_empty,
        roundtrip: crate::body::roundtrip_empty,
        reserialize_body: None,
    };

    #[test]
    fn routes_match_whole_segments_and_decode_parameters() {
        let route = |method, path| matching("GET", GET_THING.path(), method, path);
        assert_eq!(
            route("GET", "/api/v2/partners/a%20b%2Fc"),
            Some(vec![("partner_id".to_string(), "a b/c".to_string())])
        );
        assert_eq!(
            route("get", "/api/v2/partners/"),
            None,
            "an empty segment is no id"
        );
        assert_eq!(route("GET", "/api/v2/partners/p/x"), None);
        assert_eq!(route("POST", "/api/v2/partners/p"), None);
    }
}
