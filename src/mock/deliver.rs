//! Webhook delivery: the hub POSTing an event to a partner's webhook URL.

use super::MockHub;
use std::time::Duration;

impl MockHub {
    /// POSTs `payload` as JSON to `url`, as the hub delivers a webhook to a partner's webhook
    /// URL, and returns the status the receiver answered: for testing your webhook receiver.
    /// Redirects are not followed; the delivery is bounded by 10 s.
    pub async fn deliver_webhook<W: crate::webhooks::Webhook>(
        &self,
        url: &str,
        payload: &W,
    ) -> crate::Result<u16> {
        let http = crate::tls::configure(reqwest::ClientBuilder::new(), &[])?
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent("d360-partner-mock-hub")
            .build()
            .map_err(|e| crate::Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let response =
            http.post(url).json(payload).send().await.map_err(|e| {
                crate::Error::Transport(Box::new(crate::error::TransportError::new(e)))
            })?;
        Ok(response.status().as_u16())
    }
}
