//! What the generated webhook types share.

/// A webhook payload type of [`webhooks`](crate::webhooks): the data the hub POSTs to the
/// partner's webhook URL when the event happens.
pub trait Webhook: serde::Serialize + serde::de::DeserializeOwned {
    /// The webhook's key in the spec, e.g. `channelCreated`.
    const KEY: &'static str;
}
