//! What a test arranges and reads: answers by operation or route, faults, tokens, and the
//! requests the hub received.

use super::state::{Answer, Responder, Route, lock, to_json};
use super::{MockError, MockFault, MockHub, RecordedRequest};
use crate::path_template::PathTemplate;
use crate::table::Operation;
use reqwest::Method;
use serde::Serialize;
use std::sync::Arc;

impl MockHub {
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
    /// calls the spec does not describe, made with [`Client::request`](crate::Client::request). `path` is a template like
    /// [`Client::request`](crate::Client::request)'s (`/api/v2/partners/{partner_id}/balance`), each `{placeholder}`
    /// matching one segment. `Ok(value)` answers 200 with `value` as JSON (a `serde_json::Value`
    /// or any serializable type; `()` answers 204 without a body), `Err` the error. An arranged
    /// route wins over the operation table and over the sandbox's simulation.
    ///
    /// # Panics
    ///
    /// When `path` is no path template (as [`PathTemplate::parse`](crate::PathTemplate::parse)
    /// says).
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
        let template = PathTemplate::parse(&template)
            .unwrap_or_else(|error| panic!("the route `{template}` is no path template: {error}"));
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

    /// Every request received so far, in order (the last 10,000).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.iter().cloned().collect()
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
        lock(&self.state).token_requests
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
