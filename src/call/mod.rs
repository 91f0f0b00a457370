//! The call path, in the order a call takes it: a request is assembled (`request.rs`, with the
//! caller's headers checked by `headers.rs`) and encoded (`encode.rs`), sent over the attempts the retry
//! policy allows (`send.rs`, `retry.rs`) with the client's credential on each (`auth.rs`, and
//! the token flow's login in `login.rs`), its answer read within the size limit and decoded
//! (`body.rs`, `json_path.rs`). On top: raw requests (`raw.rs`), dry runs (`dry_run.rs`), calls
//! made from data (`dynamic.rs`) and list streams (`pages.rs`). What every call of a client
//! shares is `shared.rs`.

pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod dry_run;
#[cfg(feature = "metadata")]
pub(crate) mod dynamic;
pub(crate) mod encode;
pub(crate) mod headers;
pub(crate) mod json_path;
pub(crate) mod login;
pub(crate) mod pages;
pub(crate) mod raw;
pub(crate) mod request;
pub(crate) mod retry;
pub(crate) mod send;
pub(crate) mod shared;
