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
mod pipeline;
mod quickstart;
mod raw_request;
mod readme;
mod resilience;
mod token_flow;
mod webhook_receiver;
mod webhooks;

// The code-generation passes `pipeline.rs` tests, compiled in from `codegen/` at the crate root,
// where they name each other (`crate::kinds`) as in build.rs.
#[path = "../codegen/kinds.rs"]
#[allow(dead_code)] // the list rule reads kinds; the operation table spells them
mod kinds;
/// The list rule's own unit tests.
#[path = "../codegen/lists.rs"]
#[allow(dead_code)]
mod lists;
#[path = "../codegen/normalize.rs"]
#[allow(unused_imports, dead_code)] // build.rs and xtask use the rest
mod normalize;
#[path = "../codegen/upstream.rs"]
#[allow(dead_code)] // the spec tool uses the rest
mod upstream;
