//! Project tooling behind `cargo xtask spec <sync|check|diff>`.
//!
//! - `sync` rewrites `openapi/partners-v2.json` from the upstream pages (snapshots under
//!   `openapi/upstream/`, or files and URLs given on the command line);
//! - `check` compares the vendored file with what those pages produce and prints the classified
//!   difference;
//! - `diff` classifies the changes between two spec files for users of this client;
//! - `check --live` and `sync --live` compare with, or take, what upstream serves now, per the
//!   manifest of the snapshots (`openapi/upstream/manifest.json`);
//! - `fixture-crate DIR` writes the workspace built from the fixture pages (see [`fixtures`]).
#![forbid(unsafe_code)]

pub mod cli;
pub mod diff;
pub mod fetch;
pub mod files;
pub mod fixtures;
pub mod live;
pub mod manifest;
pub mod raw;
pub mod repo;
pub mod report;
pub mod rules;
pub mod spec;

/// The code generation pipeline `build.rs` runs (`codegen/`): the spec tool reads the spec with
/// its passes (the generated method names, `name_operations`, and the walkers), so names are
/// derived in exactly one place; its unit tests run here.
#[path = "../../codegen/mod.rs"]
pub mod codegen;
pub mod upstream;
