//! The command line's integration tests, linked as one binary (`autotests = false` in
//! Cargo.toml): each file of `tests/` is a module here. A new test file gets a `mod` line here
//! (`xtask/tests/test_targets.rs` checks that none is left out); its insta snapshots are named
//! `integration__<file>__<name>.snap`.

mod common;

mod careful;
mod cli;
mod inbound;
mod whole_loop;
