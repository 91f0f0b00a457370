//! Retrieve your partner account and, optionally, update its webhook URL.
//!
//! ```sh
//! cargo run --example quickstart                      # offline, against an in-process mock hub
//! D360_PARTNER_API_KEY=... D360_PARTNER_ID=... \
//!   cargo run --example quickstart                    # the real hub (or D360_PARTNER_BASE_URL)
//! D360_PARTNER_USERNAME=... D360_PARTNER_PASSWORD=... D360_PARTNER_ID=... \
//!   cargo run --example quickstart                    # the same, logging in for a token
//! ```
//!
//! Environment: `D360_PARTNER_API_KEY`, `D360_PARTNER_BEARER_TOKEN`, or `D360_PARTNER_USERNAME`
//! with `D360_PARTNER_PASSWORD` (credentials, in that order of preference; without any the
//! mock hub is used), `D360_PARTNER_ID`, `D360_PARTNER_BASE_URL`,
//! `D360_PARTNER_WEBHOOK_URL` (when set, the webhook URL is updated; always in offline mode),
//! `RUST_LOG` (e.g. `d360_partner=debug`). Prints partners as JSON on stdout; on failure prints
//! the error (status, the hub's message and its trace id) to stderr and exits 1. Rate limits
//! and transient failures are retried by the client.

use d360_partner::mock::{MockError, MockHub};
use d360_partner::types::{PartnerOut, PatchPartnerIn};
use d360_partner::{Client, env, operations};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

const PARTNER_ID: &str = "D360_PARTNER_ID";
const WEBHOOK_URL: &str = "D360_PARTNER_WEBHOOK_URL";
const OFFLINE_PARTNER_ID: &str = "MockPartner01";
const OFFLINE_WEBHOOK_URL: &str = "https://example.com/webhooks/360dialog";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let has_credentials = [
        env::API_KEY,
        env::BEARER_TOKEN,
        env::USERNAME,
        env::PASSWORD,
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some());
    // Offline: the hub lives as long as this function; its client and partner id are used below.
    let (_hub, client, partner_id, webhook_url) = if has_credentials {
        let partner_id = std::env::var(PARTNER_ID)
            .map_err(|_| format!("{PARTNER_ID} must be set with credentials"))?;
        (
            None,
            Client::from_env()?,
            partner_id,
            std::env::var(WEBHOOK_URL).ok(),
        )
    } else {
        let hub = offline_hub().await;
        eprintln!(
            "no credentials in the environment: using a mock hub at {}",
            hub.base_url()
        );
        let client = hub.client();
        let webhook_url = std::env::var(WEBHOOK_URL).unwrap_or_else(|_| OFFLINE_WEBHOOK_URL.into());
        (
            Some(hub),
            client,
            OFFLINE_PARTNER_ID.to_string(),
            Some(webhook_url),
        )
    };

    let partner = client.get_partner().partner_id(&partner_id).await?;
    println!("{}", serde_json::to_string_pretty(&partner)?);

    if let Some(webhook_url) = webhook_url {
        let update = PatchPartnerIn {
            webhook_url: Some(webhook_url),
            ..Default::default()
        };
        let updated = client
            .patch_partner()
            .partner_id(&partner_id)
            .body(update)
            .await?;
        println!("{}", serde_json::to_string_pretty(&updated)?);
    }
    Ok(())
}

/// An in-process hub holding one partner, which `patch_partner` updates as the hub does.
async fn offline_hub() -> MockHub {
    let hub = MockHub::start().await;
    let partner = Arc::new(Mutex::new(PartnerOut {
        id: Some(OFFLINE_PARTNER_ID.into()),
        brand_name: Some("Mock Partner".into()),
        country: Some("DE".into()),
        webhook_url: Some("https://partner.example/webhooks/360dialog".into()),
        allow_client_to_add_phone_no: Some(true),
        ..Default::default()
    }));
    let known = |request: &d360_partner::mock::RecordedRequest| {
        let id = request.path_parameter("partner_id").unwrap_or_default();
        if id == OFFLINE_PARTNER_ID {
            Ok(())
        } else {
            Err(MockError::new(404, format!("Partner {id} not found")))
        }
    };
    let stored = partner.clone();
    hub.on(operations::GET_PARTNER, move |request| {
        known(request)?;
        Ok(stored.lock().unwrap().clone())
    });
    hub.on(operations::PATCH_PARTNER, move |request| {
        known(request)?;
        let update: PatchPartnerIn = request.body_as()?;
        let mut partner = partner.lock().unwrap();
        if let Some(url) = update.webhook_url {
            partner.webhook_url = Some(url);
        }
        if let Some(url) = update.partner_redirect_url {
            partner.partner_redirect_url = Some(url);
        }
        if let Some(allow) = update.allow_client_to_add_phone_no {
            partner.allow_client_to_add_phone_no = Some(allow);
        }
        Ok(partner.clone())
    });
    hub
}
