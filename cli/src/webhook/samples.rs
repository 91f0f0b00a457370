//! Sample data for `webhook send`, for each event the docs name. Samples, not captures: their
//! shapes follow what public receivers read and the facts we have (`data` is most often the
//! channel object: `id`, `client_id`, `status`, `setup_info`, `waba_account`); the docs' own
//! example payloads are images, none stored as text.

use serde_json::{Value, json};

/// The events the docs (and the hand-written .NET client) name, in the order their pages do.
pub const KNOWN: [&str; 16] = [
    "client_created",
    "channel_created",
    "channel_submitted",
    "channel_ready",
    "channel_running",
    "channel_live",
    "account_violation",
    "account_restriction",
    "waba_template_approved",
    "waba_template_rejected",
    "waba_template_flagged",
    "template_messaging_enabled",
    "template_messaging_disabled",
    "cancellation_request",
    "cancellation_revoke",
    "cancellation_processed",
];

/// Sample data for the event `name`; `None` for a name the docs do not list.
pub fn data(name: &str) -> Option<Value> {
    let channel = |status: &str| {
        json!({
            "id": "sampleCH",
            "client_id": "sampleCL",
            "status": status,
            "setup_info": {"phone_number": "+4930123456", "phone_name": "Sample Shop"},
            "waba_account": {"id": "sampleWA", "name": "Sample Shop"},
            "created_at": "2026-12-01T10:00:00Z",
        })
    };
    let template = |status: &str| {
        json!({
            "id": "sampleTP",
            "name": "order_update",
            "language": "en",
            "category": "UTILITY",
            "status": status,
            "waba_account_id": "sampleWA",
        })
    };
    Some(match name {
        "client_created" => json!({
            "id": "sampleCL",
            "partner_id": "samplePA",
            "name": "Sample Shop",
            "status": "active",
            "created_at": "2026-12-01T10:00:00Z",
        }),
        "channel_created" => channel("pending"),
        "channel_submitted" => channel("submitted"),
        "channel_ready" => channel("ready"),
        "channel_running" => channel("running"),
        "channel_live" => channel("live"),
        "account_violation" | "account_restriction" => {
            let mut data = channel("running");
            data["violation"] = json!({
                "type": name.trim_start_matches("account_"),
                "reason": "A sample reason",
            });
            data
        }
        "waba_template_approved" => template("approved"),
        "waba_template_rejected" => template("rejected"),
        "waba_template_flagged" => template("flagged"),
        "template_messaging_enabled" | "template_messaging_disabled" => {
            let mut data = channel("running");
            data["template_messaging"] = json!(name.ends_with("enabled"));
            data
        }
        "cancellation_request" | "cancellation_revoke" | "cancellation_processed" => {
            let mut data = channel("running");
            data["cancellation"] = json!({"requested_at": "2026-12-01T10:00:00Z"});
            data
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_event_has_sample_data_and_no_other_does() {
        for name in KNOWN {
            let data = data(name).unwrap_or_else(|| panic!("{name}"));
            assert!(data["id"].is_string(), "{name}");
        }
        assert_eq!(data("channel_creatd"), None);
    }
}
