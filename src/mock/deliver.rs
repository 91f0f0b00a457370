//! What the hub sends the partner: webhook deliveries signed with the platform secret, and the
//! browser's redirect at the end of integrated onboarding.

use super::MockHub;
use super::state::{lock, to_json};
use serde::Serialize;
use serde_json::json;

/// What the hub sends the partner: signed webhook deliveries and the onboarding redirect.
impl MockHub {
    /// POSTs the event `name` with `data` to `url` as the hub delivers it to a partner's webhook
    /// URL (`{"id": "mock-event-<n>", "event": name, "data": data}`, signed with
    /// [`PLATFORM_SECRET`](Self::PLATFORM_SECRET) in `x-360dialog-signature`), and returns the
    /// status the receiver answered: for testing your webhook receiver. Redirects are not
    /// followed; the delivery is bounded by 10 s.
    pub async fn deliver_event(
        &self,
        url: &str,
        name: &str,
        data: impl Serialize,
    ) -> crate::Result<u16> {
        let id = {
            let mut state = lock(&self.state);
            state.delivered_events += 1;
            format!("mock-event-{}", state.delivered_events)
        };
        let body = json!({"id": id, "event": name, "data": to_json(&data)});
        self.deliver_signed(url, body.to_string()).await
    }

    /// POSTs `payload` as JSON to `url`, signed as [`deliver_event`](Self::deliver_event) signs,
    /// for a payload typed by the spec's webhooks; returns the status the receiver answered.
    pub async fn deliver_webhook<W: crate::webhooks::Webhook>(
        &self,
        url: &str,
        payload: &W,
    ) -> crate::Result<u16> {
        self.deliver_signed(url, to_json(payload).to_string()).await
    }

    /// POSTs `body` to `url` exactly as given, signed as the hub signs: for bodies a receiver
    /// must refuse although the signature is good (not JSON, too large).
    pub async fn deliver_signed(&self, url: &str, body: impl Into<Vec<u8>>) -> crate::Result<u16> {
        Ok(self.sender.send(url, body).await?.as_u16())
    }

    /// POSTs `body` to `url` exactly as given, with `signature` as the `x-360dialog-signature`
    /// header (none when `None`): for forged deliveries a receiver must refuse.
    pub async fn deliver_raw(
        &self,
        url: &str,
        body: impl Into<Vec<u8>>,
        signature: Option<&str>,
    ) -> crate::Result<u16> {
        let status = self
            .sender
            .send_with_signature(url, body, signature)
            .await?;
        Ok(status.as_u16())
    }

    /// The `x-360dialog-signature` the hub sends with `body`: its HMAC-SHA256 under
    /// [`PLATFORM_SECRET`](Self::PLATFORM_SECRET), in lowercase hex.
    pub fn signature(body: &[u8]) -> String {
        crate::webhooks::sign(&super::credentials::platform_secret(), body)
    }

    /// The URL the hub sends the browser to when `client` finished integrated onboarding:
    /// `redirect_url` with `client=<id>&channels=[<id>,<id>]`, and `revoked=[<id>]` when
    /// `revoked` is not empty, as the hub spells them (brackets and commas as they are, ids
    /// percent-encoded). Read it with `onboarding::Redirect::parse`.
    pub fn onboarding_redirect(
        &self,
        redirect_url: &str,
        client: &str,
        channels: &[&str],
        revoked: &[&str],
    ) -> String {
        super::sandbox::redirect_location(redirect_url, client, channels, revoked)
    }
}
