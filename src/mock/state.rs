//! What the hub knows and what a test arranged: answers by operation, routes for other paths,
//! queued faults, issued tokens, the requests received, and the simulated hub's state when it
//! is a sandbox.

use super::sandbox::SandboxState;
use super::{MockError, MockFault, RecordedRequest};
use crate::path_template::PathTemplate;
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// How many requests the hub keeps for [`MockHub::requests`](super::MockHub::requests): a
/// long-running sandbox (`d360 mock`) must not grow without bound. The oldest are dropped first.
pub(super) const KEPT_REQUESTS: usize = 10_000;
/// The body bytes the kept requests hold at most (each body is at most the server's 2 MiB):
/// 10,000 large bodies would be gigabytes.
pub(super) const KEPT_BODY_BYTES: usize = 64 << 20;
/// How many tokens the token endpoint remembers: beyond, it forgets them all, and clients log
/// in again on their next 401 (as after `revoke_tokens`), so a login loop cannot grow the hub.
pub(super) const KEPT_TOKENS: usize = 10_000;

pub(super) type Responder = dyn Fn(&RecordedRequest) -> Result<Value, MockError> + Send + Sync;

/// What a test arranged for one operation or route.
#[derive(Clone)]
pub(super) enum Answer {
    Fixed(Result<Value, MockError>),
    Computed(Arc<Responder>),
}

/// A route a test arranged for a path the operation table does not have.
pub(super) struct Route {
    pub(super) method: Method,
    pub(super) template: PathTemplate,
    pub(super) answer: Answer,
}

/// What the hub knows and what a test arranged.
#[derive(Default)]
pub(super) struct HubState {
    pub(super) answers: HashMap<&'static str, Answer>,
    pub(super) routes: Vec<Route>,
    pub(super) faults: VecDeque<MockFault>,
    pub(super) issued_tokens: HashSet<String>,
    pub(super) tokens_issued: u64,
    pub(super) token_lifetime_s: u64,
    pub(super) requests: VecDeque<RecordedRequest>,
    /// The body bytes of `requests`.
    pub(super) kept_body_bytes: usize,
    /// Token requests received (kept apart: the requests kept may have been cut).
    pub(super) token_requests: usize,
    /// How many events `deliver_event` sent (their ids count up).
    pub(super) delivered_events: u64,
    /// The simulated hub, for a sandbox.
    pub(super) sandbox: Option<SandboxState>,
}

impl HubState {
    /// Keeps `request`, dropping the oldest beyond [`KEPT_REQUESTS`] requests or
    /// [`KEPT_BODY_BYTES`] of bodies (the newest is always kept).
    pub(super) fn record(&mut self, request: RecordedRequest) {
        self.kept_body_bytes += request.body.len();
        self.requests.push_back(request);
        while self.requests.len() > 1
            && (self.requests.len() > KEPT_REQUESTS || self.kept_body_bytes > KEPT_BODY_BYTES)
        {
            if let Some(oldest) = self.requests.pop_front() {
                self.kept_body_bytes -= oldest.body.len();
            }
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
