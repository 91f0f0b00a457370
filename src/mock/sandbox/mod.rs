//! The simulated hub ([`MockHub::sandbox`](super::MockHub::sandbox), `d360 mock`): one partner
//! whose webhook and redirect URLs a client can set, onboarding pages that check IO signatures
//! and send the browser back, clients and channels they create, the channels' API keys, and the
//! signed events the hub posts about them.
//!
//! What is the real hub's, as far as our sources say, and what is the simulator's choice:
//!
//! | | the real hub (sources) | the simulator's choice |
//! |---|---|---|
//! | partner | `GET`/`PATCH /api/v2/partners/{id}`, `PartnerOut` and `PatchPartnerIn` (the spec) | which fields it starts with |
//! | onboarding | `/dashboard/app/{id}` (v1), `/onboarding/{id}` (v2); IO signature = HMAC-SHA512 of `{id}\|{seconds}`, refused when reused | lowercase hex; 5 minutes of clock skew; 403 with a JSON body; one client and one channel per visit |
//! | redirect | `client=<id>&channels=[<id>]` to `partner_redirect_url` | `redirect_url` in the link wins; 302 |
//! | events | `{"id", "event", "data"}`, HMAC-SHA256 hex in `x-360dialog-signature` | the events sent (`client_created`, `channel_created`, `channel_running`) and the retry schedule below |
//! | channels | `partner_channels` with `count`, `total`, `limit`, `offset`, `sort`; API keys only for a running channel, answered `{address, api_key, app_id, id}` | default page size 20; the channel runs [`channel_delay`](Sandbox::channel_delay) after it is made |
//! | faults | 429 from rate limits | [`faults`](Sandbox::faults): 429 with `Retry-After: 1` or 503, chosen by a seeded generator |
//!
//! A delivery not answered 2xx within 10 s is sent again with the same `id`, 1, 2, 4, 8 and 16 s
//! after each failure (6 attempts in all): the simulator's own policy, not one 360dialog
//! documents.

mod channels;
mod events;
mod onboarding;
mod partner;

pub(super) use onboarding::redirect_location;

use super::{MockError, RecordedRequest};
use crate::path_template::PathTemplate;
use crate::serve::Response;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a [`MockHub::sandbox_with`](super::MockHub::sandbox_with) simulates the hub.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use d360_partner::mock::{MockHub, Sandbox};
/// use std::time::Duration;
/// let hub = MockHub::sandbox_with(
///     Sandbox::new()
///         .channel_delay(Duration::from_millis(100))
///         .faults(0.1)
///         .seed(7),
/// )
/// .await?;
/// # drop(hub);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Sandbox {
    pub(super) address: SocketAddr,
    io_signature: bool,
    channel_delay: Duration,
    faults: f64,
    seed: u64,
    log: Option<ServedLog>,
}

/// What [`Sandbox::on_request`] is given: called for every request answered.
type ServedLog = Arc<dyn Fn(&Served) + Send + Sync>;

/// A request the sandbox answered, for [`Sandbox::on_request`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Served {
    /// `GET`, `PATCH`, ...
    pub method: String,
    /// The path, as the request line had it (percent-encoded, without the query).
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// From the request's head to the answer.
    pub elapsed: Duration,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Sandbox {
    /// The sandbox's defaults: 127.0.0.1 on a free port, IO signature verification on,
    /// channels running 1 s after they are made, no faults.
    pub fn new() -> Sandbox {
        Sandbox {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            io_signature: true,
            channel_delay: Duration::from_secs(1),
            faults: 0.0,
            seed: 0,
            log: None,
        }
    }

    /// Where to listen (port 0: a free one).
    pub fn address(mut self, address: SocketAddr) -> Sandbox {
        self.address = address;
        self
    }

    /// Whether the partner has IO signature verification on (default `true`): its onboarding
    /// pages then refuse a link without a valid, fresh, unused IO signature.
    pub fn io_signature(mut self, on: bool) -> Sandbox {
        self.io_signature = on;
        self
    }

    /// How long after onboarding a channel runs (default 1 s): only then does it take API keys,
    /// and its `channel_running` event is sent.
    pub fn channel_delay(mut self, delay: Duration) -> Sandbox {
        self.channel_delay = delay;
        self
    }

    /// The fraction of API requests (not onboarding pages, not the token endpoint) answered with
    /// a fault: 429 with `Retry-After: 1`, or 503. Clamped to 0..=1.
    pub fn faults(mut self, rate: f64) -> Sandbox {
        self.faults = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
        self
    }

    /// The seed of the generator choosing faults: the same seed, the same faults for the same
    /// requests in the same order.
    pub fn seed(mut self, seed: u64) -> Sandbox {
        self.seed = seed;
        self
    }

    /// Calls `log` with each request answered (after the answer is decided), for a log line.
    pub fn on_request(mut self, log: impl Fn(&Served) + Send + Sync + 'static) -> Sandbox {
        self.log = Some(Arc::new(log));
        self
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("address", &self.address)
            .field("io_signature", &self.io_signature)
            .field("channel_delay", &self.channel_delay)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

/// The simulated hub's state.
pub(in crate::mock) struct SandboxState {
    /// The partner, shared with the deliveries under way (they read its `webhook_url` when
    /// they send).
    partner: Arc<Mutex<Value>>,
    clients: Vec<Value>,
    channels: Vec<channels::Channel>,
    /// IO signatures accepted within the timestamps' window, with their timestamp: each is
    /// accepted once (older ones are refused by their timestamp, so they are forgotten).
    used_signatures: std::collections::HashMap<String, u64>,
    /// The last id given to a client, channel, event or key.
    last_id: u64,
    channel_delay: Duration,
    faults: f64,
    rng: fastrand::Rng,
    pub(in crate::mock) log: Option<ServedLog>,
    deliveries: events::Deliveries,
}

/// The paths the sandbox answers beyond the operation table's arranged answers.
struct Routes {
    partner: PathTemplate,
    channels: PathTemplate,
    api_keys: PathTemplate,
    onboarding: [PathTemplate; 2],
}

fn routes() -> &'static Routes {
    static ROUTES: std::sync::OnceLock<Routes> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| {
        let parse = |text| PathTemplate::parse(text).expect("the sandbox's paths are templates");
        Routes {
            partner: parse("/api/v2/partners/{partner_id}"),
            channels: parse("/api/v2/partners/{partner_id}/channels"),
            api_keys: parse("/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys"),
            onboarding: [
                parse("/dashboard/app/{partner_id}"),
                parse("/onboarding/{partner_id}"),
            ],
        }
    })
}

impl SandboxState {
    pub(in crate::mock) fn new(options: Sandbox) -> SandboxState {
        SandboxState {
            partner: Arc::new(Mutex::new(partner::initial(options.io_signature))),
            clients: Vec::new(),
            channels: Vec::new(),
            used_signatures: Default::default(),
            last_id: 0,
            channel_delay: options.channel_delay,
            faults: options.faults,
            rng: fastrand::Rng::with_seed(options.seed),
            log: options.log,
            deliveries: events::Deliveries::new(),
        }
    }

    /// A new id: a counter and the suffix 360dialog's ids of that kind end with (`CL`, `CH`).
    fn next_id(&mut self, suffix: &str) -> String {
        self.last_id += 1;
        format!("sbx{:05}{suffix}", self.last_id)
    }

    /// The answer of an onboarding page, when `request` is for one (no credentials needed).
    pub(in crate::mock) fn onboarding(&mut self, request: &RecordedRequest) -> Option<Response> {
        if request.method != "GET" {
            return None;
        }
        let partner_id = routes()
            .onboarding
            .iter()
            .find_map(|template| template.matches(&request.path))?
            .pop()?
            .1;
        Some(onboarding::page(self, &partner_id, request))
    }

    /// A fault in place of the answer to an API request, as often as the sandbox's rate says.
    pub(in crate::mock) fn fault(&mut self) -> Option<Response> {
        if self.faults <= 0.0 || self.rng.f64() >= self.faults {
            return None;
        }
        Some(match self.rng.bool() {
            true => {
                let mut response =
                    MockError::new(429, "Rate limit exceeded (a simulated fault)").response();
                response.headers_mut().insert(
                    hyper::header::RETRY_AFTER,
                    hyper::header::HeaderValue::from_static("1"),
                );
                response
            }
            false => MockError::new(503, "Service unavailable (a simulated fault)").response(),
        })
    }

    /// The simulated answer to an authenticated API request; `None` when the sandbox has none.
    pub(in crate::mock) fn api(&mut self, request: &RecordedRequest) -> Option<Response> {
        let routes = routes();
        let parameter = |template: &PathTemplate, name: &str| {
            template
                .matches(&request.path)?
                .into_iter()
                .find(|(n, _)| n == name)
                .map(|(_, value)| value)
        };
        let method = request.method.as_str();
        if let Some(partner_id) = parameter(&routes.partner, "partner_id") {
            return match method {
                "GET" | "PATCH" => Some(
                    self.known_partner(&partner_id)
                        .unwrap_or_else(|| partner::answer(&self.partner, request)),
                ),
                _ => None,
            };
        }
        if method == "GET"
            && let Some(partner_id) = parameter(&routes.channels, "partner_id")
        {
            return Some(
                self.known_partner(&partner_id)
                    .unwrap_or_else(|| channels::list(self, request)),
            );
        }
        if method == "POST"
            && let Some(values) = routes.api_keys.matches(&request.path)
        {
            let value = |name: &str| {
                values
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            let (partner_id, channel_id) = (value("partner_id")?, value("channel_id")?);
            return Some(
                self.known_partner(&partner_id)
                    .unwrap_or_else(|| channels::api_key(self, &channel_id)),
            );
        }
        None
    }

    /// `None` for the simulated partner, else the hub's 404.
    fn known_partner(&self, partner_id: &str) -> Option<Response> {
        (partner_id != super::credentials::PARTNER_ID)
            .then(|| MockError::new(404, format!("Partner {partner_id} not found")).response())
    }
}

/// The current time as RFC 3339, as the hub's objects carry it.
fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
