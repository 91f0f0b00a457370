#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth;
mod client;
mod error;
mod hooks;
#[cfg(feature = "mock")]
pub mod mock;
mod tls;

/// The client and types progenitor generates from `openapi/partners-v2.json` at build time.
#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/partners_v2.rs"));
}

pub use client::{
    ClientBuilder, ClientState, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, env,
};
pub use error::{ApiErrorBody, ApiErrorMeta, BODY_PREFIX_LIMIT, Error, Result};
pub use generated::{ByteStream, Client, ClientInfo, ResponseValue, builder, prelude, types};
