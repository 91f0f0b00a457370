//! Helpers shared by the endpoint tests: a client pointed at a loopback wiremock server.

#![allow(dead_code)] // each test file uses a different subset

pub mod faulty;

use d360_partner::mock::MockHub;
use d360_partner::operations::Operation;
use d360_partner::types::PartnerOut;
use d360_partner::{Client, ClientBuilder};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const API_KEY: &str = "test-partner-api-key";

/// rustls's `ring` provider, which the crate uses (`src/client/tls.rs` says why). Deprecated
/// since rustls 0.23.48 for its lack of post-quantum key exchange, which loopback tests never
/// negotiate: allowed here, once, so a fresh resolve builds the tests without a warning.
#[allow(deprecated)]
pub fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// A plain reqwest client: the crate's rustls build installs no process-wide crypto provider,
/// and reqwest needs one to build a client even for plain HTTP (installing it twice is
/// harmless).
pub fn plain_http() -> reqwest::Client {
    let _ = ring_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The variables `cargo test` sets for a test's process that a cargo the test starts must not
/// inherit: a build script that tracks one (ring's tracks `CARGO_MANIFEST_DIR`) would see it
/// changed, rebuild its crate and everything above it, and the next build of this workspace
/// rebuild them back.
pub fn cargo_test_variables() -> Vec<String> {
    const SET_FOR_TESTS: [&str; 10] = [
        // ring's build script tracks `OUT_DIR` (cargo sets it for tests of a package with a
        // build script, as this one is).
        "OUT_DIR",
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_PKG_",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_BIN_EXE_",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
    ];
    std::env::vars()
        .map(|(name, _)| name)
        .filter(|name| SET_FOR_TESTS.iter().any(|set| name.starts_with(set)))
        .collect()
}

/// The executable that cargo's `--message-format=json` output `messages` reports for the
/// target `name`: its binary or example, not a test harness.
pub fn reported_executable(messages: &str, name: &str) -> Option<std::path::PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["target"]["name"] == name && message["profile"]["test"] == false)
        // A library of the same name is reported too, without an executable.
        .find_map(|message| message["executable"].as_str().map(Into::into))
}

/// The example `name` as `cargo test --workspace` builds it, found through cargo's own report of
/// the artifact: `cargo test --workspace --no-run`, after that command a no-op. A build of the
/// example alone (`cargo build --workspace --example`) would not be: without the tests in its
/// unit graph, the crates the tests share with build scripts (heck, quote, unicode-ident) are
/// built for the build scripts alone, without debuginfo, and everything above them again.
pub async fn example_binary(name: &str) -> std::path::PathBuf {
    let mut cargo = tokio::process::Command::new(env!("CARGO"));
    for variable in cargo_test_variables() {
        cargo.env_remove(variable);
    }
    let output = cargo
        .args(["test", "--workspace", "--no-run", "--message-format=json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(600), output)
        .await
        .unwrap_or_else(|_| panic!("the example {name} built within 10 minutes"))
        .expect("cargo runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert!(output.status.success(), "{}", text(&output.stderr));
    reported_executable(&text(&output.stdout), name)
        .unwrap_or_else(|| panic!("cargo reports the executable of the example {name}"))
}

pub const PARTNER_ID: &str = "PaRtNeR01";

/// A client for `server` with an API key; every request is bounded by a short timeout.
pub fn client(server: &MockServer) -> Client {
    client_with(server, |builder| builder)
}

/// [`client`] with more settings.
pub fn client_with(
    server: &MockServer,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Client {
    client_for(&server.uri(), configure)
}

/// A client for any loopback `base_url` with an API key, a short timeout and more settings.
pub fn client_for(
    base_url: &str,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Client {
    configure(
        Client::builder()
            .api_key(API_KEY)
            .base_url(base_url)
            .timeout(Duration::from_secs(5)),
    )
    .build()
    .unwrap()
}

/// A `PartnerOut` body as the hub sends it, with every documented field.
pub fn partner_json() -> Value {
    json!({
        "id": PARTNER_ID,
        "brand_name": "Acme",
        "payment_required": false,
        "payment_plan": {"plan": "basic"},
        "logo_url": null,
        "onboarding_deeplink_add_params": false,
        "webhook_url": "https://acme.example/hook",
        "partner_redirect_url": "https://acme.example/done",
        "country": "DE",
        "blocked_new_submission": false,
        "allow_client_to_add_phone_no": true,
        "settings": {
            "partner_change_request": {"auto_approve": true},
            "account_sharing": {"solution_id": "s1", "business_manager_id": "b1", "solution_status": "ACTIVE"},
            "default_data_localization_region": "EU",
            "use_marketing_messages_api": false,
            "bearer_token_auth_disabled": true,
            "io_secure": {"io_signature_verification_enabled": true},
            "is_direct_360dialog_partner": false
        },
        "billing_system": "stripe",
        "publishable_key": null
    })
}

/// [`partner_json`] as the generated type.
pub fn partner() -> PartnerOut {
    serde_json::from_value(partner_json()).expect("the fixture is a PartnerOut")
}

/// A mock hub that answers `operation` with `value`, whatever the request.
pub async fn hub_answering<T: serde::Serialize>(operation: Operation<T>, value: T) -> MockHub {
    let hub = MockHub::start().await;
    hub.set(operation, Ok(value));
    hub
}

/// A loopback port nothing listens on: a listener bound to a free port, then dropped.
pub fn unused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A hub error body.
pub fn error_json(status: u16, message: &str, trace_id: &str, details: Option<Value>) -> Value {
    let mut meta = json!({"developer_message": message, "http_code": status, "success": false, "360dialog_trace_id": trace_id});
    if let Some(details) = details {
        meta["details"] = details;
    }
    json!({"meta": meta})
}

/// A server answering `http_method /api/v2/partners/{PARTNER_ID}` with `status` and `body`.
pub async fn server_answering(http_method: &str, status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .and(path(format!("/api/v2/partners/{PARTNER_ID}")))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}
