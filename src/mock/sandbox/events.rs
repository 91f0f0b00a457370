//! The events the sandbox posts to the partner's webhook URL after an onboarding:
//! `client_created`, `channel_created`, then `channel_running` once the channel runs; each
//! `{"id", "event", "data"}`, signed as the hub signs, and sent again with the same `id` until
//! the receiver answers 2xx (the simulator's own schedule: 1, 2, 4, 8, 16 s after each failure).

use crate::webhooks::Sender;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The waits before each resend of an event the receiver did not take.
const RESENDS: [Duration; 5] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
    Duration::from_secs(16),
];

/// What the sandbox's deliveries share: the signing sender (its HTTP client made on the hub's
/// runtime, where the deliveries run) and the events' ids.
pub(super) struct Deliveries {
    sender: Arc<Sender>,
    sent: Arc<AtomicU64>,
}

impl Deliveries {
    pub(super) fn new() -> Deliveries {
        let secret = super::super::credentials::PLATFORM_SECRET;
        Deliveries {
            sender: Arc::new(Sender::new(secret).expect("the mock platform secret is not empty")),
            sent: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Posts the events of an onboarding that made `client` and `channel`, the channel running
    /// `delay` from now, in order, in the background (on the hub's runtime, which ends them when
    /// the hub stops).
    pub(super) fn onboarded(
        &self,
        partner: Arc<Mutex<Value>>,
        client: Value,
        channel: Value,
        delay: Duration,
    ) {
        // `None` for a delay past what a clock can hold: the channel never runs.
        let runs_at = tokio::time::Instant::now().checked_add(delay);
        let (sender, sent) = (self.sender.clone(), self.sent.clone());
        tokio::spawn(async move {
            let send = |name: &'static str, data: Value| {
                let id = format!("sbx-event-{}", sent.fetch_add(1, Ordering::Relaxed) + 1);
                let body = json!({"id": id, "event": name, "data": data}).to_string();
                deliver(sender.clone(), partner.clone(), body)
            };
            send("client_created", client).await;
            send("channel_created", channel.clone()).await;
            let Some(runs_at) = runs_at else {
                return;
            };
            tokio::time::sleep_until(runs_at).await;
            let mut running = channel;
            running["status"] = json!("running");
            send("channel_running", running).await;
        });
    }
}

/// Sends `body` to the partner's webhook URL until it answers 2xx or the resends run out; not
/// at all while the partner has no webhook URL (read at each attempt, as a PATCH may set it).
async fn deliver(sender: Arc<Sender>, partner: Arc<Mutex<Value>>, body: String) {
    let waits = std::iter::once(Duration::ZERO).chain(RESENDS);
    for wait in waits {
        tokio::time::sleep(wait).await;
        let url = {
            let partner = partner.lock().unwrap_or_else(|e| e.into_inner());
            partner["webhook_url"].as_str().map(str::to_string)
        };
        let Some(url) = url.filter(|url| !url.is_empty()) else {
            return;
        };
        if let Ok(status) = sender.send(&url, body.clone()).await
            && status.is_success()
        {
            return;
        }
    }
}
