//! The spec tool's integration tests, linked as one binary (`autotests = false` in Cargo.toml):
//! each file of `tests/` is a module here. A new test file gets a `mod` line here;
//! `test_targets.rs` checks that no file of any package's `tests/` is left out.

mod common;

mod catalogue;
mod cli;
mod live;
mod pipeline;
mod readme;
mod test_targets;
mod workflows;
