//! The generated code's one way into the runtime: every hand-written item the generated
//! `operations.rs`, `types.rs` and `webhooks.rs` name, under one path the emitter writes from one
//! constant (`codegen/emit/mod.rs`, `RUNTIME`). Public so that an item a spec happens not to use
//! (a list's page reader, an operation without a body) is still reachable, hence never dead
//! code; hidden, and not part of the API.

pub use crate::__d360_partner_impl_open_enum as impl_open_enum;
pub use crate::call::body::Received;
#[cfg(feature = "metadata")]
pub use crate::call::body::{check, check_body, check_empty};
#[cfg(feature = "mock")]
pub use crate::call::body::{reserialize, roundtrip, roundtrip_empty};
pub use crate::call::dry_run::{DryRun, dry_run};
pub use crate::call::pages::{IntegerField, Items, ItemsField, Page, PageSummary, Pages, integer};
pub use crate::call::request::Request;
pub use crate::call::send::Pending;
pub use crate::client::Client;
pub use crate::error::Result;
pub use crate::open_enum::UnknownValue;
#[cfg(feature = "mock")]
pub use crate::table::ContractHooks;
pub use crate::table::{ListInfo, Operation, OperationInfo, ParameterInfo};
#[cfg(feature = "metadata")]
pub use crate::table::{Metadata, PropertyInfo};
pub use crate::vocabulary::{BodyKind, Kind, Location, Style};
pub use crate::webhooks::Webhook;
pub use reqwest::Method;
pub use std::sync::OnceLock;
