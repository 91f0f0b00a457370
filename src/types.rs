//! The model types of the spec: request bodies, responses, and what they hold. Generated at
//! build time from `openapi/partners-v2.json`.
//!
//! Build a body with a struct literal and `..Default::default()` for the fields you leave out,
//! so a field upstream adds later does not break your code. String enums are open: a value the
//! spec does not list decodes as their `Unknown` variant instead of failing the call.
#![allow(missing_docs, clippy::all)]

pub use crate::open_enum::UnknownValue;

include!(concat!(env!("OUT_DIR"), "/types.rs"));
