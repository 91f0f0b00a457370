//! [`MockHub`]: the hub's server, on a thread of its own, and its lifetime: started on a free
//! port of 127.0.0.1 (or where a [`Sandbox`] says), stopped, its port closed, when dropped.

use super::credentials;
use super::router::Router;
use super::sandbox::{Sandbox, SandboxState};
use super::state::HubState;
use crate::Client;
use crate::serve::{Limits, Server};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running mock hub. Stops when dropped: see the [module](crate::mock) docs.
pub struct MockHub {
    address: SocketAddr,
    pub(super) state: Arc<Mutex<HubState>>,
    /// Signs and sends the deliveries a test asks for (its HTTP client made on the first).
    pub(super) sender: crate::webhooks::Sender,
    /// Stops the server; `None` once stopped.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the hub's server holds to: it serves tests and `d360 mock`, which may listen beyond
/// this machine.
const LIMITS: Limits = Limits {
    max_connections: 256,
    max_body_bytes: 2 * 1024 * 1024,
    max_buffered_bytes: 64 * 1024 * 1024,
    header_timeout: Duration::from_secs(10),
    body_timeout: Duration::from_secs(30),
    keep_alive: true,
};

/// How long a stopping hub gives the requests in flight.
const GRACE: Duration = Duration::from_millis(200);

impl MockHub {
    /// The API key the hub accepts (sent as `X-API-Key`).
    pub const API_KEY: &'static str = credentials::API_KEY;
    /// The bearer token the hub accepts.
    pub const BEARER_TOKEN: &'static str = credentials::BEARER_TOKEN;
    /// The partner user's email the token endpoint accepts.
    pub const USERNAME: &'static str = credentials::USERNAME;
    /// That user's password.
    pub const PASSWORD: &'static str = credentials::PASSWORD;
    /// The partner's platform secret the hub signs webhook deliveries and checks IO signatures
    /// with (verify deliveries with `webhooks::Verifier::new(MockHub::PLATFORM_SECRET)`).
    pub const PLATFORM_SECRET: &'static str = credentials::PLATFORM_SECRET;
    /// The partner the sandbox simulates.
    pub const PARTNER_ID: &'static str = credentials::PARTNER_ID;
    /// The `expires_in` of issued tokens unless [`set_token_lifetime`](Self::set_token_lifetime)
    /// changes it (a day, as the hub's older API documents).
    pub const TOKEN_LIFETIME_S: u64 = 86400;
    /// How many items a list [`serve_list`](Self::serve_list) serves answers without a `limit`.
    pub const DEFAULT_PAGE_SIZE: usize = 10;

    /// Starts a hub on 127.0.0.1, on a free port, answering what a test arranges (and 501 for
    /// anything else).
    pub async fn start() -> MockHub {
        Self::launch("127.0.0.1:0".parse().expect("an address"), None)
            .expect("a free port on 127.0.0.1 can be bound")
    }

    /// Starts the simulated hub on 127.0.0.1, on a free port: what `d360 mock` runs (see
    /// [`Sandbox`]). What a test arranges still wins over the simulation.
    pub async fn sandbox() -> MockHub {
        Self::sandbox_with(Sandbox::new())
            .await
            .expect("a free port on 127.0.0.1 can be bound")
    }

    /// Starts the simulated hub as `sandbox` says: its address, faults, the channels' delay, IO
    /// signatures, a log of requests. Fails only when the address cannot be bound.
    pub async fn sandbox_with(sandbox: Sandbox) -> std::io::Result<MockHub> {
        let address = sandbox.address;
        Self::launch(address, Some(sandbox))
    }

    fn launch(address: SocketAddr, sandbox: Option<Sandbox>) -> std::io::Result<MockHub> {
        let listener = std::net::TcpListener::bind(address)?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let state = Arc::new(Mutex::new(HubState {
            token_lifetime_s: Self::TOKEN_LIFETIME_S,
            sandbox: sandbox.map(SandboxState::new),
            ..HubState::default()
        }));
        let router = Router::new(state.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // A thread and runtime of its own, as a real hub is another process: the hub answers
        // whatever the test's runtime is doing (a current-thread runtime blocked in `drop`,
        // say), and dropping it closes its port at once.
        let thread = std::thread::Builder::new()
            .name("d360-mock-hub".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the mock hub's runtime starts");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("a bound listener joins the runtime");
                    let server = Server::new(listener, LIMITS);
                    let stop = async {
                        let _ = stopped.await;
                    };
                    server
                        .serve(move |incoming| router.clone().answer(incoming), stop, GRACE)
                        .await;
                });
                // Dropping the runtime ends what is left: open connections, sandbox deliveries.
            })?;
        Ok(MockHub {
            address,
            state,
            sender: crate::webhooks::Sender::new(credentials::PLATFORM_SECRET)
                .expect("the mock platform secret is not empty"),
            stop: Some(stop),
            thread: Some(thread),
        })
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
}

/// Stops the server and waits for its thread: the port is closed when `drop` returns, so a call
/// right after fails to connect.
impl Drop for MockHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for MockHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockHub")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}
