//! What the hub POSTs to the partner's webhook URL: the [`Verifier`] that checks a delivery's
//! signature and reads its [`Event`], [`sign`] for tests of a receiver (and, with the
//! `webhook-sender` feature, a `Sender` that delivers as the hub does; with `listener`, a
//! `Listener`, a server that takes deliveries and holds under attack), and one type per
//! webhook of the spec, named after its key (`channelCreated` → `ChannelCreated`), generated at
//! build time from `openapi/partners-v2.json`.

mod event;
#[cfg(feature = "listener")]
mod listener;
mod payload;
#[cfg(feature = "webhook-sender")]
mod sender;
mod signature;
mod verifier;

pub use event::Event;
#[cfg(feature = "listener")]
pub use listener::{Delivery, Handled, Listener, Refusal};
pub use payload::Webhook;
#[cfg(feature = "webhook-sender")]
pub use sender::Sender;
pub(crate) use signature::io_signature;
pub use signature::sign;
pub use verifier::{RawBody, SIGNATURE_HEADER, Verifier, VerifyError};

include!(concat!(env!("OUT_DIR"), "/webhooks.rs"));
