#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod body;
mod client;
mod dry_run;
mod dynamic;
mod error;
mod event;
mod json_path;
mod link;
#[cfg(feature = "mock")]
pub mod mock;
mod open_enum;
mod operation;
mod paginate;
mod raw;
mod redirect;
mod request;
mod retry;
mod send;
mod sender;
mod signature;
mod tls;
mod token;
mod verify;
mod webhook;

/// The model types of the spec: request bodies, responses, and what they hold. Generated at
/// build time from `openapi/partners-v2.json`.
///
/// Build a body with a struct literal and `..Default::default()` for the fields you leave out,
/// so a field upstream adds later does not break your code. String enums are open: a value the
/// spec does not list decodes as their `Unknown` variant instead of failing the call.
pub mod types {
    #![allow(missing_docs, clippy::all)]
    pub use crate::open_enum::UnknownValue;
    include!(concat!(env!("OUT_DIR"), "/types.rs"));
}

/// One request builder per operation of the spec (what the [`Client`] methods return), the
/// operations' handles (`GET_PARTNER`, ...) and the table of them all ([`ALL`](operations::ALL)),
/// and for the list operations their paging metadata ([`LISTS`](operations::LISTS)) and the
/// streams of their pages and items. Generated at build time from `openapi/partners-v2.json`.
pub mod operations {
    pub use crate::operation::{
        BodyKind, Kind, Location, Operation, OperationInfo, ParameterInfo, PropertyInfo, Style,
    };
    pub use crate::paginate::{Items, ListInfo, Page, PageSummary, Pages};
    pub use crate::send::Pending;
    include!(concat!(env!("OUT_DIR"), "/operations.rs"));
}

/// What the hub POSTs to the partner's webhook URL: the [`Verifier`](webhooks::Verifier) that
/// checks a delivery's signature and reads its [`Event`](webhooks::Event), and one type per
/// webhook of the spec, named after its key (`channelCreated` → `ChannelCreated`), generated at
/// build time from `openapi/partners-v2.json`.
pub mod webhooks {
    pub use crate::event::Event;
    pub use crate::sender::Sender;
    pub use crate::verify::{RawBody, SIGNATURE_HEADER, Verifier, VerifyError};
    pub use crate::webhook::Webhook;
    include!(concat!(env!("OUT_DIR"), "/webhooks.rs"));
}

/// Integrated onboarding: the [`Link`](onboarding::Link) a partner sends clients to (IO
/// signature included) and the [`Redirect`](onboarding::Redirect) the hub sends them back with.
pub mod onboarding {
    pub use crate::link::{Link, LinkError};
    pub use crate::redirect::{Redirect, RedirectError};
}

pub use body::DEFAULT_MAX_RESPONSE_BYTES;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, env,
};
pub use dry_run::DryRun;
pub use dynamic::OperationCall;
pub use error::{
    ApiError, ApiErrorBody, ApiErrorMeta, AuthError, BODY_PREFIX_LIMIT, DecodeError, Error,
    PageError, PageFailure, REDACTED, Result, TransportError,
};
pub use raw::{RawRequest, RawResponse};
/// The HTTP client this crate is built on, for [`ClientBuilder::http`]: naming it through this
/// crate keeps its version the one the client was built with.
pub use reqwest;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode, Url};
pub use retry::{DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER, DEFAULT_RETRY_BUDGET};
