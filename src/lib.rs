#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod body;
mod client;
mod error;
mod hooks;
#[cfg(feature = "mock")]
pub mod mock;
mod relay;
mod retry;
mod tls;
mod token;

/// The client and types progenitor generates from `openapi/partners-v2.json` at build time.
#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/partners_v2.rs"));
}

pub use body::DEFAULT_MAX_RESPONSE_BYTES;
pub use client::{
    ClientBuilder, ClientState, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, env,
};
pub use error::{
    ApiError, ApiErrorBody, ApiErrorMeta, AuthError, BODY_PREFIX_LIMIT, DecodeError, Error, Result,
};
pub use generated::{ByteStream, Client, ClientInfo, ResponseValue, builder, prelude, types};
pub use retry::{DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER, DEFAULT_RETRY_BUDGET};
