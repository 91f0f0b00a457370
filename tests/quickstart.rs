//! The quickstart example, run as a user runs it, against a mock hub this test controls: the
//! token flow makes one token request per run, transient failures are ridden out, and a 404
//! ends the run with the hub's message on stderr and exit code 1, without retrying.

use crate::common;

use d360_partner::mock::{MockError, MockFault, MockHub};
use d360_partner::operations::{GET_PARTNER, PATCH_PARTNER};
use d360_partner::types::PartnerOut;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;
use tokio::sync::OnceCell;

/// The quickstart binary, built once per run of this file.
async fn quickstart_binary() -> &'static PathBuf {
    static BINARY: OnceCell<PathBuf> = OnceCell::const_new();
    BINARY
        .get_or_init(|| common::example_binary("quickstart"))
        .await
}

/// Runs the quickstart against `hub` with `vars` (and no other `D360_PARTNER_*` variable).
async fn run_quickstart(hub: &MockHub, vars: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(quickstart_binary().await);
    command
        .env("D360_PARTNER_BASE_URL", hub.base_url())
        .env("D360_PARTNER_ID", PARTNER_ID)
        .env("RUST_LOG", "d360_partner=info");
    for name in [
        "D360_PARTNER_API_KEY",
        "D360_PARTNER_BEARER_TOKEN",
        "D360_PARTNER_USERNAME",
        "D360_PARTNER_PASSWORD",
        "D360_PARTNER_WEBHOOK_URL",
    ] {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied()).kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the quickstart finished within a minute")
        .expect("the quickstart starts")
}

const PARTNER_ID: &str = "MockPartner01";

/// A hub serving [`PARTNER_ID`] (404 for any other id), whose updates answer with the webhook
/// URL the tests set.
async fn partner_hub() -> MockHub {
    let hub = MockHub::start().await;
    let partner = |webhook_url: &str| PartnerOut {
        id: Some(PARTNER_ID.into()),
        webhook_url: Some(webhook_url.into()),
        ..Default::default()
    };
    let current = partner("https://partner.example/hook");
    hub.on(GET_PARTNER, move |request| {
        match request.path_parameter("partner_id") {
            Some(PARTNER_ID) => Ok(current.clone()),
            other => Err(MockError::new(
                404,
                format!("Partner {} not found", other.unwrap_or_default()),
            )),
        }
    });
    hub.set(
        PATCH_PARTNER,
        Ok(partner("https://partner.example/new-hook")),
    );
    hub
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn with_username_and_password_it_makes_one_token_request_per_run() {
    let hub = partner_hub().await;
    let output = run_quickstart(
        &hub,
        &[
            ("D360_PARTNER_USERNAME", MockHub::USERNAME),
            ("D360_PARTNER_PASSWORD", MockHub::PASSWORD),
            (
                "D360_PARTNER_WEBHOOK_URL",
                "https://partner.example/new-hook",
            ),
        ],
    )
    .await;
    assert!(output.status.success(), "stderr: {}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("\"id\": \"MockPartner01\""), "{stdout}");
    assert!(
        stdout.contains("\"webhook_url\": \"https://partner.example/new-hook\""),
        "{stdout}"
    );
    assert_eq!(
        hub.token_requests(),
        1,
        "one token for the GET and the PATCH"
    );
    assert_eq!(hub.requests().len(), 3);
}

#[tokio::test]
async fn it_rides_out_a_429_then_a_503() {
    let hub = partner_hub().await;
    hub.push_fault(MockFault::status(429).retry_after(1));
    hub.push_fault(MockFault::status(503));
    let output = run_quickstart(&hub, &[("D360_PARTNER_API_KEY", MockHub::API_KEY)]).await;
    assert!(output.status.success(), "stderr: {}", text(&output.stderr));
    assert!(text(&output.stdout).contains("\"id\": \"MockPartner01\""));
    assert_eq!(hub.requests().len(), 3, "429, 503, then the partner");
    let stderr = text(&output.stderr);
    assert_eq!(stderr.matches("retrying").count(), 2, "{stderr}");
}

#[tokio::test]
async fn on_a_404_it_prints_status_message_and_trace_id_and_exits_1_without_retrying() {
    let hub = partner_hub().await;
    let output = run_quickstart(
        &hub,
        &[
            ("D360_PARTNER_API_KEY", MockHub::API_KEY),
            ("D360_PARTNER_ID", "NoSuchPartner"),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("error: 360dialog API error: HTTP 404 Not Found: Partner NoSuchPartner not found (360dialog_trace_id: mock-trace-404)"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(hub.requests().len(), 1);
}
