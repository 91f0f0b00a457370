//! What the generated webhook types share.

/// A webhook payload type of [`webhooks`](crate::webhooks): the data the hub POSTs to the
/// partner's webhook URL when the event happens. Decode a received body with
/// `serde_json::from_slice`; the types are as lenient as response types (unknown fields are
/// ignored, enums are open).
pub trait Webhook: serde::Serialize + serde::de::DeserializeOwned {}
