//! The router that answers every request as the hub would, or as the test arranged: the token
//! endpoint, the sandbox's onboarding pages, then credentials, faults, arranged routes, the
//! operation table's arranged answers, the sandbox's simulation, and 501 for what was not
//! arranged.

use super::answers::status;
use super::sandbox::Served;
use super::state::{Answer, HubState, lock};
use super::tokens::{authorized, issue_token};
use super::{MockError, RecordedRequest};
use crate::call::login::TOKEN_PATH;
use crate::serve::{self, BodyRefused, Incoming, Response};
use crate::table::OperationInfo;
use hyper::StatusCode;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Answers every request the way the hub would, or as the test arranged.
#[derive(Clone)]
pub(super) struct Router {
    state: Arc<Mutex<HubState>>,
}

/// What a request gets, decided under the lock and carried out after it.
enum Outcome {
    Now(Response),
    /// A queued fault that answers late.
    Later(Duration, Response),
    /// A test's closure computes the answer (run without the lock: it may use the hub), with
    /// the success status and whether it answers a route.
    Computed(Arc<super::state::Responder>, RecordedRequest, u16, bool),
}

impl Router {
    pub(super) fn new(state: Arc<Mutex<HubState>>) -> Router {
        Router { state }
    }

    /// Reads the request, records it, and answers it.
    pub(super) async fn answer(self, mut incoming: Incoming) -> Response {
        let started = Instant::now();
        let body = match incoming.body().await {
            Ok(body) => body.bytes.to_vec(),
            Err(refused) => return refusal(&refused, incoming),
        };
        let head = &incoming.head;
        let recorded = RecordedRequest {
            method: head.method.to_string(),
            path: head.uri.path().to_string(),
            query: head.uri.query().map(str::to_string),
            headers: head
                .headers
                .iter()
                .map(|(n, v)| {
                    let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                    (n.as_str().to_string(), value)
                })
                .collect(),
            body,
            operation: None,
            route: None,
            path_parameters: Vec::new(),
        };
        let (method, path) = (recorded.method.clone(), recorded.path.clone());
        let outcome = self.decide(recorded);
        let response = match outcome {
            Outcome::Now(response) => response,
            Outcome::Later(delay, response) => {
                tokio::time::sleep(delay).await;
                response
            }
            Outcome::Computed(respond, recorded, success, route) => {
                answered(respond(&recorded), success, route)
            }
        };
        let log = lock(&self.state)
            .sandbox
            .as_ref()
            .and_then(|sandbox| sandbox.log.clone());
        if let Some(log) = log {
            log(&Served {
                method,
                path,
                status: response.status().as_u16(),
                elapsed: started.elapsed(),
            });
        }
        response
    }

    fn decide(&self, mut recorded: RecordedRequest) -> Outcome {
        let mut state = lock(&self.state);
        let method = recorded.method.as_str();
        let path = recorded.path.as_str();
        // An arranged route wins over the table: a test said what this path answers.
        let arranged = state.routes.iter().find_map(|route| {
            let matched = route.method.as_str() == method;
            let parameters = matched.then(|| route.template.matches(path)).flatten()?;
            Some((route.template.to_string(), route.answer.clone(), parameters))
        });
        let operation = match arranged {
            Some(_) => None,
            None => crate::operations::ALL.iter().find_map(|info| {
                let matched = info.method().as_str() == method;
                let parameters = matched.then(|| info.template().matches(path)).flatten()?;
                Some((*info, parameters))
            }),
        };
        recorded.path_parameters = match (&arranged, &operation) {
            (Some((_, _, parameters)), _) | (None, Some((_, parameters))) => parameters.clone(),
            (None, None) => Vec::new(),
        };
        recorded.operation = operation.as_ref().map(|(info, _)| info.id());
        recorded.route = arranged.as_ref().map(|(template, ..)| template.clone());
        state.record(recorded.clone());
        if recorded.method == "POST" && recorded.path == TOKEN_PATH {
            return Outcome::Now(issue_token(&mut state, &recorded.body));
        }
        if let Some(sandbox) = state.sandbox.as_mut()
            && let Some(page) = sandbox.onboarding(&recorded)
        {
            return Outcome::Now(page);
        }
        if !authorized(
            &state,
            recorded.header("x-api-key"),
            recorded.header("authorization"),
        ) {
            let message = match state.sandbox {
                Some(_) => format!(
                    "Invalid or missing credentials: send X-API-Key: {}, or Authorization: Bearer <token> with a token from POST {TOKEN_PATH}",
                    super::credentials::API_KEY
                ),
                None => "Invalid or missing credentials".into(),
            };
            return Outcome::Now(MockError::new(401, message).response());
        }
        if let Some(fault) = state.faults.pop_front() {
            return match fault.waits() {
                Some(delay) => Outcome::Later(delay, fault.response()),
                None => Outcome::Now(fault.response()),
            };
        }
        if let Some(fault) = state.sandbox.as_mut().and_then(|sandbox| sandbox.fault()) {
            return Outcome::Now(fault);
        }
        let operation = operation.map(|(info, _)| info);
        let answer = match (arranged, operation) {
            (Some((_, answer, _)), _) => Some((answer, 200, true)),
            (None, Some(info)) => state
                .answers
                .get(info.id())
                .cloned()
                .map(|answer| (answer, info.success_status(), false)),
            (None, None) => None,
        };
        match answer {
            Some((Answer::Fixed(outcome), success, route)) => {
                Outcome::Now(answered(outcome, success, route))
            }
            Some((Answer::Computed(respond), success, route)) => {
                Outcome::Computed(respond, recorded, success, route)
            }
            None => match state.sandbox.as_mut().and_then(|s| s.api(&recorded)) {
                Some(response) => Outcome::Now(response),
                None => {
                    Outcome::Now(MockError::new(501, not_arranged(&recorded, operation)).response())
                }
            },
        }
    }
}

/// The response to an arranged outcome: the success status with the value as JSON, `()` (JSON
/// `null`) as 204 without a body for a route or a 204 operation, or the error.
fn answered(outcome: Result<Value, MockError>, success: u16, route: bool) -> Response {
    match outcome {
        Ok(Value::Null) if success == 204 || route => serve::text(StatusCode::NO_CONTENT, ""),
        Ok(body) => super::answers::json(status(success), &body),
        Err(error) => error.response(),
    }
}

/// The answer to a body the server would not read, as the hub's error body.
fn refusal(refused: &BodyRefused, incoming: Incoming) -> Response {
    let error = match refused {
        BodyRefused::TooLarge {
            declared: Some(size),
            limit,
        } => MockError::new(
            413,
            format!("The body has {size} bytes, over the limit of {limit}"),
        ),
        BodyRefused::TooLarge { limit, .. } => {
            MockError::new(413, format!("The body is over the limit of {limit} bytes"))
        }
        BodyRefused::Busy => MockError::new(503, "The hub is busy; try again"),
        BodyRefused::Slow(limit) => MockError::new(
            408,
            format!("The body did not arrive within {} s", limit.as_secs()),
        ),
        BodyRefused::Broken(error) => {
            MockError::new(400, format!("The body could not be read: {error}"))
        }
    };
    if matches!(refused, BodyRefused::TooLarge { .. }) {
        incoming.drain();
    }
    error.response()
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
