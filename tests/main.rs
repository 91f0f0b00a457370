//! The library's integration tests, linked as one binary (`autotests = false` in Cargo.toml):
//! each file of `tests/` is a module here, so the dependencies' generic code is compiled once and
//! a change to `src/` relinks one test binary, not one per file. A new test file gets a `mod`
//! line here. `secrets.rs`, `tls.rs` and `fixture_api.rs` are binaries of their own (Cargo.toml
//! says why); `xtask/tests/test_targets.rs` checks that no file of `tests/` is left out.

mod common;

mod api_surface;
mod contract;
mod errors_through_anyhow;
mod get_partner;
mod http_options;
mod mock_hub;
mod module_dag;
mod onboarding;
mod owned_calls;
mod patch_partner;
mod quickstart;
mod raw_request;
mod readme;
mod resilience;
mod sandbox;
mod token_flow;
mod webhook_receiver;
mod webhooks;
