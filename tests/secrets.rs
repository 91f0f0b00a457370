//! No secret (API key, bearer token, password, issued access token) in any log line at trace
//! level, error message or `Debug` output, across every credential kind and failure path.

mod common;

use common::{PARTNER_ID, partner};
use d360_partner::mock::{MockError, MockFault, MockHub};
use d360_partner::operations::GET_PARTNER;
use d360_partner::{Client, Error, ErrorKind, Method};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

/// Everything the subscriber writes, kept for inspection.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

const WRONG_PASSWORD: &str = "wrong-password-that-must-not-leak";

async fn get(client: &Client, partner_id: &str) -> Result<(), Error> {
    client.get_partner().partner_id(partner_id).await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_logs_errors_or_debug_output() {
    let logs = Captured::default();
    // The only test in this binary: the global subscriber (with `log` records bridged) sees
    // every thread, including reqwest's and hyper's.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .try_init()
        .unwrap();

    let hub = MockHub::start().await;
    hub.on(GET_PARTNER, |request| {
        match request.path_parameter("partner_id") {
            Some(PARTNER_ID) => Ok(partner()),
            _ => Err(MockError::new(404, "Partner not found")),
        }
    });
    let mut shown = Vec::new(); // every error and Debug text a user could print

    // The token flow: a token, a revoked token (401, refresh, retry), a retried 503, a 404.
    let builder = Client::builder()
        .credentials(MockHub::USERNAME, MockHub::PASSWORD)
        .base_url(hub.base_url());
    let token_client = builder.clone().build().unwrap();
    shown.push(format!("{builder:?} {token_client:?}"));
    get(&token_client, PARTNER_ID).await.unwrap();
    hub.revoke_tokens();
    hub.push_fault(MockFault::status(503));
    get(&token_client, PARTNER_ID).await.unwrap();
    let not_found = get(&token_client, "unknown").await.unwrap_err();
    shown.push(format!("{not_found} {not_found:?}"));

    // A refused password.
    let refused = Client::builder()
        .credentials(MockHub::USERNAME, WRONG_PASSWORD)
        .base_url(hub.base_url());
    shown.push(format!("{refused:?}"));
    let error = get(&refused.build().unwrap(), PARTNER_ID)
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Auth(_)));
    shown.push(format!("{error} {error:?}"));

    // The API key and a bearer token, accepted and refused.
    for builder in [
        Client::builder().api_key(MockHub::API_KEY),
        Client::builder().bearer_token(MockHub::BEARER_TOKEN),
    ] {
        let client = builder.base_url(hub.base_url()).build().unwrap();
        shown.push(format!("{client:?}"));
        get(&client, PARTNER_ID).await.unwrap();
    }
    let bad_key = Client::builder().api_key(format!("{}-revoked", MockHub::API_KEY));
    let error = get(
        &bad_key.base_url(hub.base_url()).build().unwrap(),
        PARTNER_ID,
    )
    .await
    .unwrap_err();
    shown.push(format!("{error} {error:?}"));
    let error = Client::builder()
        .api_key("bad\nkey-secret")
        .build()
        .unwrap_err();
    shown.push(format!("{error} {error:?}"));
    // A proxy's credentials, in the builder and in a refused proxy URL.
    let proxied = Client::builder()
        .api_key(MockHub::API_KEY)
        .proxy("http://user:proxy-secret@127.0.0.1:9");
    shown.push(format!(
        "{proxied:?} {:?}",
        proxied.clone().build().unwrap()
    ));
    let error = proxied
        .proxy("gopher://user:proxy-secret@h:1")
        .build()
        .unwrap_err();
    shown.push(format!("{error} {error:?}"));

    // Raw requests, for calls the spec lacks: the token flow's refresh, an error, their Debug.
    hub.route(
        Method::POST,
        "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys",
        Err::<(), _>(MockError::new(403, "Forbidden")),
    );
    let raw = token_client
        .request(
            Method::POST,
            "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys",
        )
        .path_param("partner_id", PARTNER_ID)
        .path_param("channel_id", "c-1")
        .json(&serde_json::json!({"name": "rotated"}));
    shown.push(format!("{raw:?}"));
    hub.revoke_tokens();
    let error = raw.send::<serde_json::Value>().await.unwrap_err();
    shown.push(format!("{error} {error:?}"));
    shown.extend(hub.requests().iter().map(|request| format!("{request:?}")));

    let mut issued_tokens: Vec<String> = hub
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization"))
        .filter_map(|v| v.strip_prefix("Bearer mock-access-token-"))
        .map(|suffix| format!("mock-access-token-{suffix}"))
        .collect();
    issued_tokens.dedup();
    assert_eq!(
        issued_tokens.len(),
        3,
        "a token, and one after each revocation: {issued_tokens:?}"
    );

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    // The capture works: it holds the client's request spans, retries and token events.
    for expected in [
        "d360_partner.request",
        "operation=\"request\"",
        "retrying",
        "obtained an access token",
        "TRACE",
    ] {
        assert!(
            logs.contains(expected),
            "no {expected:?} in the logs:\n{logs}"
        );
    }
    let secrets = [
        MockHub::PASSWORD,
        WRONG_PASSWORD,
        MockHub::API_KEY,
        MockHub::BEARER_TOKEN,
        "key-secret",
        "proxy-secret",
    ];
    for secret in secrets
        .iter()
        .copied()
        .chain(issued_tokens.iter().map(String::as_str))
    {
        assert!(!logs.contains(secret), "{secret:?} is in the logs:\n{logs}");
        for text in &shown {
            assert!(!text.contains(secret), "{secret:?} is in {text}");
        }
    }
}
