#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[doc(hidden)]
pub mod __private;
mod call;
mod client;
pub mod env;
pub mod error;
#[cfg(feature = "mock")]
pub mod mock;
pub mod onboarding;
mod open_enum;
pub mod operations;
mod path_template;
mod secret;
#[cfg(any(feature = "mock", feature = "listener"))]
mod serve;
mod table;
pub mod types;
mod vocabulary;
pub mod webhooks;

pub use call::dry_run::DryRun;
#[cfg(feature = "metadata")]
pub use call::dynamic::DynamicCall;
pub use call::raw::{RawRequest, RawResponse};
pub use client::{Client, ClientBuilder};
pub use error::{Error, ErrorKind, Result};
pub use path_template::PathTemplate;
/// The HTTP client this crate is built on, for [`ClientBuilder::http`]: naming it through this
/// crate keeps its version the one the client was built with.
pub use reqwest;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode, Url};
pub use secret::{PlatformSecret, SecretError};
