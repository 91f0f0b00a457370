//! The simulated channels: made by onboarding, running a while later, listed page by page,
//! and given API keys once they run.

use super::super::{MockError, RecordedRequest};
use super::SandboxState;
use crate::serve::Response;
use hyper::StatusCode;
use serde_json::{Value, json};
use std::time::Instant;

/// The page size of a channel list without a `limit`.
const DEFAULT_PAGE_SIZE: usize = 20;
/// Where the channels' messaging API is, as an API key answer names it.
const MESSAGING_ADDRESS: &str = "https://waba-v2.360dialog.io";

/// A channel: the hub's object, and when it runs.
pub(super) struct Channel {
    object: Value,
    /// `None` for a delay past what a clock can hold: it never runs.
    runs_at: Option<Instant>,
}

impl Channel {
    /// Whether it runs by now.
    fn running(&self) -> bool {
        self.runs_at
            .is_some_and(|runs_at| Instant::now() >= runs_at)
    }

    /// The hub's object, with the status of now.
    fn object(&self) -> Value {
        let mut object = self.object.clone();
        object["status"] = json!(if self.running() { "running" } else { "pending" });
        object
    }
}

impl SandboxState {
    /// A new channel of `client_id` for the phone `number`, running after the channel delay;
    /// its object as made (`pending`).
    pub(super) fn add_channel(&mut self, client_id: &str, number: &str) -> Value {
        let id = self.next_id("CH");
        let waba = self.next_id("WA");
        let object = json!({
            "id": id,
            "client_id": client_id,
            "status": "pending",
            "setup_info": {"phone_number": number, "phone_name": "Sandbox"},
            "waba_account": {"id": waba},
            "created_at": super::now(),
        });
        self.channels.push(Channel {
            object: object.clone(),
            runs_at: Instant::now().checked_add(self.channel_delay),
        });
        object
    }
}

/// `GET /api/v2/partners/{partner_id}/channels`: the page `limit` and `offset` select.
pub(super) fn list(sandbox: &SandboxState, request: &RecordedRequest) -> Response {
    let (offset, limit) = match request.window("offset", "limit", DEFAULT_PAGE_SIZE) {
        Ok(window) => window,
        Err(error) => return error.response(),
    };
    let all: Vec<Value> = sandbox.channels.iter().map(Channel::object).collect();
    let start = offset.min(all.len());
    let page = &all[start..start.saturating_add(limit).min(all.len())];
    super::super::answers::json(
        StatusCode::OK,
        &json!({
            "partner_channels": page,
            "count": page.len(),
            "total": all.len(),
            "limit": limit,
            "offset": offset,
            // Oldest first, as they are made.
            "sort": ["created_at"],
        }),
    )
}

/// `POST /api/v2/partners/{partner_id}/channels/{channel_id}/api_keys`: a key for a running
/// channel; 400 for one not running yet, 404 for one the partner does not have.
pub(super) fn api_key(sandbox: &mut SandboxState, channel_id: &str) -> Response {
    let Some(channel) = sandbox
        .channels
        .iter()
        .find(|channel| channel.object["id"] == channel_id)
    else {
        return MockError::new(404, format!("Channel {channel_id} not found")).response();
    };
    if !channel.running() {
        return MockError::new(
            400,
            format!("Channel {channel_id} is not running yet: an API key can be generated only for a running channel"),
        )
        .response();
    }
    let app_id = format!("{channel_id}-app");
    let key = sandbox.next_id("KY");
    super::super::answers::json(
        StatusCode::OK,
        &json!({
            "address": MESSAGING_ADDRESS,
            "api_key": format!("sandbox-api-key-{key}"),
            "app_id": app_id,
            "id": key,
        }),
    )
}
