//! Retrieve your partner account and, optionally, update its webhook URL.
//!
//! ```sh
//! cargo run --example quickstart                      # offline, against the simulated hub
//! D360_PARTNER_API_KEY=... D360_PARTNER_ID=... \
//!   cargo run --example quickstart                    # the real hub (or D360_PARTNER_BASE_URL)
//! D360_PARTNER_USERNAME=... D360_PARTNER_PASSWORD=... D360_PARTNER_ID=... \
//!   cargo run --example quickstart                    # the same, logging in for a token
//! ```
//!
//! Environment: `D360_PARTNER_API_KEY`, `D360_PARTNER_BEARER_TOKEN`, or `D360_PARTNER_USERNAME`
//! with `D360_PARTNER_PASSWORD` (credentials, in that order of preference; without any the
//! simulated hub, `MockHub::sandbox`, is used), `D360_PARTNER_ID`, `D360_PARTNER_BASE_URL`,
//! `D360_PARTNER_WEBHOOK_URL` (when set, the webhook URL is updated; always in offline mode),
//! `RUST_LOG` (e.g. `d360_partner=debug`). Prints partners as JSON on stdout; on failure prints
//! the error (status, the hub's message and its trace id) to stderr and exits 1. Rate limits
//! and transient failures are retried by the client.

use d360_partner::error::CredentialsError;
use d360_partner::mock::MockHub;
use d360_partner::types::PatchPartnerIn;
use d360_partner::{Client, ErrorKind};
use std::process::ExitCode;

const PARTNER_ID: &str = "D360_PARTNER_ID";
const WEBHOOK_URL: &str = "D360_PARTNER_WEBHOOK_URL";
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
    // Offline: the hub lives as long as this function; its client and partner id are used below.
    let (_hub, client, partner_id, webhook_url) = match Client::from_env() {
        Ok(client) => {
            let partner_id = std::env::var(PARTNER_ID)
                .map_err(|_| format!("{PARTNER_ID} must be set with credentials"))?;
            (None, client, partner_id, std::env::var(WEBHOOK_URL).ok())
        }
        // No credential in the environment at all: the simulated hub instead.
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::Credentials(CredentialsError::Missing { .. })
            ) =>
        {
            let hub = MockHub::sandbox().await;
            eprintln!(
                "no credentials in the environment: using the simulated hub at {}",
                hub.base_url()
            );
            let client = hub.client();
            let webhook_url =
                std::env::var(WEBHOOK_URL).unwrap_or_else(|_| OFFLINE_WEBHOOK_URL.into());
            (
                Some(hub),
                client,
                MockHub::PARTNER_ID.to_string(),
                Some(webhook_url),
            )
        }
        Err(error) => return Err(error.into()),
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
