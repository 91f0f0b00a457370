//! A mock of the 360dialog hub, for testing code that uses this client without credentials or
//! network (feature `mock`), served on a thread of its own.
//!
//! Two ways to run it: [`MockHub::start`] answers what a test arranges, and
//! [`MockHub::sandbox`] simulates the hub (a partner, onboarding, channels, API keys, signed
//! events; what `d360 mock` runs, see [`Sandbox`]), where what a test arranges still wins.
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
//!
//! A hub stops when dropped: its port is closed before `drop` returns, so a call to its old URL
//! fails to connect ([`Error::is_connect`](crate::Error::is_connect)), and a hub started later
//! never answers with an earlier hub's arrangement (each hub is its own server, none is reused).
//! (A client that kept an idle connection to it learns that the connection is closed by using
//! it: that attempt breaks off, and a call the client may repeat, such as a GET, is sent again
//! and fails to connect.)
//!
//! The module by concern: the hub and its server (`hub.rs`), what a test arranges and reads
//! (`arrange.rs`, with the answers and faults it is told in `answers.rs`, the requests it
//! records in `recorded.rs` and the lists it serves in `lists.rs`), the router that answers each
//! request (`router.rs`, over `state.rs`), the token endpoint (`tokens.rs`), what the hub
//! accepts and signs with (`credentials.rs`), webhook delivery (`deliver.rs`), the simulated hub
//! (`sandbox/`), a browser's visit of an onboarding link (`visit.rs`) and the contract tests'
//! hooks (`contract.rs`).

mod answers;
mod arrange;
#[doc(hidden)]
pub mod contract;
mod credentials;
mod deliver;
mod hub;
mod lists;
mod recorded;
mod router;
mod sandbox;
mod state;
mod tokens;
mod visit;

pub use answers::{MockError, MockFault};
pub use hub::MockHub;
pub use recorded::RecordedRequest;
pub use sandbox::{Sandbox, Served};
