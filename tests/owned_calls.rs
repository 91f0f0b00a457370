//! Calls own a handle to their client (one `Arc`), not a borrow: every builder, `Pending`, raw
//! request and call from data is `Send + 'static`, so it can be spawned on a runtime, kept after
//! the client value is dropped, and returned from the function that built the client. (The list
//! streams, which only the fixture pages have, are spawned and returned in
//! `tests/fixtures/api/pages.rs`.) Generated builders also have `dry_run()`, the same `DryRun`
//! as raw requests and calls from data.

use crate::common;

use common::partner;
use d360_partner::mock::MockHub;
use d360_partner::operations::{GET_PARTNER, GetPartner, Items, Pages, PatchPartner, Pending};
use d360_partner::types::{PartnerOut, PatchPartnerIn};
use d360_partner::{Client, DryRun, DynamicCall, ErrorKind, Method, RawRequest, RawResponse};
use serde_json::{Value, json};
use std::future::IntoFuture;

/// Compiles only for types that can move to another thread and hold no borrow.
fn send_static<T: Send + 'static>() {}

#[test]
fn calls_their_futures_and_streams_are_send_and_static() {
    send_static::<GetPartner>();
    send_static::<PatchPartner>();
    send_static::<<GetPartner as IntoFuture>::IntoFuture>();
    send_static::<Pending<PartnerOut>>();
    send_static::<RawRequest>();
    send_static::<Pending<Value>>();
    send_static::<Pending<RawResponse>>();
    send_static::<DynamicCall>();
    send_static::<Pages<Value>>();
    send_static::<Items<Value>>();
}

async fn hub() -> MockHub {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    hub.route(
        Method::GET,
        "/api/v2/partners/{partner_id}/balance",
        Ok(json!({"balance": 10})),
    );
    hub
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_call_runs_on_a_spawned_task() {
    let hub = hub().await;
    let client = hub.client();
    // The call of the issue, as written there: it used to fail to compile (E0597).
    let sent = tokio::spawn(client.get_partner().partner_id("p-1").send());
    let awaited = tokio::spawn(client.get_partner().partner_id("p-2").into_future());
    assert_eq!(sent.await.unwrap().unwrap(), partner());
    assert_eq!(awaited.await.unwrap().unwrap(), partner());
    let raw = tokio::spawn(
        client
            .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
            .path_param("partner_id", "p-3")
            .send::<Value>(),
    );
    assert_eq!(raw.await.unwrap().unwrap(), json!({"balance": 10}));
    let mut paths: Vec<String> = hub.requests().into_iter().map(|r| r.path).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v2/partners/p-1",
            "/api/v2/partners/p-2",
            "/api/v2/partners/p-3/balance"
        ]
    );
}

#[tokio::test]
async fn calls_are_kept_after_the_client_value_is_dropped() {
    let hub = hub().await;
    let client = hub.client();
    let builder = client.get_partner().partner_id("p-1");
    let pending = client.get_partner().partner_id("p-2").send();
    let raw = client
        .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
        .path_param("partner_id", "p-3");
    let from_data = client
        .call(GET_PARTNER.info())
        .parameter("partner_id", json!("p-4"));
    drop(client);
    assert_eq!(builder.await.unwrap(), partner());
    assert_eq!(pending.await.unwrap(), partner());
    assert_eq!(raw.send::<Value>().await.unwrap()["balance"], 10);
    let sent = from_data.send().await.unwrap();
    assert_eq!(
        serde_json::from_value::<PartnerOut>(sent).unwrap(),
        partner()
    );
    let paths: Vec<String> = hub.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/api/v2/partners/p-1",
            "/api/v2/partners/p-2",
            "/api/v2/partners/p-3/balance",
            "/api/v2/partners/p-4"
        ]
    );
}

/// A call built on a client this function makes and does not return.
fn partner_call(base_url: &str, partner_id: &str) -> d360_partner::Result<Pending<PartnerOut>> {
    let client = Client::builder()
        .api_key(MockHub::API_KEY)
        .base_url(base_url)
        .build()?;
    Ok(client.get_partner().partner_id(partner_id).send())
}

/// A raw call likewise, not yet sent.
fn balance_request(base_url: &str) -> d360_partner::Result<RawRequest> {
    let client = Client::builder()
        .bearer_token(MockHub::BEARER_TOKEN)
        .base_url(base_url)
        .build()?;
    Ok(client
        .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
        .path_param("partner_id", "p-9"))
}

#[tokio::test]
async fn a_function_returns_a_call_it_built_the_client_for() {
    let hub = hub().await;
    let call = partner_call(&hub.base_url(), "p-1").unwrap();
    assert_eq!(call.await.unwrap(), partner());
    let answer = balance_request(&hub.base_url())
        .unwrap()
        .send_raw()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.json::<Value>().unwrap(), json!({"balance": 10}));
    let requests = hub.requests();
    assert_eq!(requests[0].header("x-api-key"), Some(MockHub::API_KEY));
    let bearer = format!("Bearer {}", MockHub::BEARER_TOKEN);
    assert_eq!(requests[1].header("authorization"), Some(bearer.as_str()));
}

#[tokio::test]
async fn generated_builders_dry_run_as_raw_requests_and_calls_from_data_do() {
    let hub = MockHub::start().await;
    let client = hub.client();
    let user_agent = concat!("d360-partner-rust/", env!("CARGO_PKG_VERSION"));
    let typed = client.get_partner().partner_id("p 1").dry_run().unwrap();
    assert_eq!(
        typed,
        expected(
            "GET",
            &format!("{}/api/v2/partners/p%201", hub.base_url()),
            &[
                ("accept", "application/json"),
                ("user-agent", user_agent),
                ("x-api-key", "[redacted]"),
            ],
            None,
        )
    );
    let from_data = client
        .call(GET_PARTNER.info())
        .parameter("partner_id", json!("p 1"))
        .dry_run()
        .unwrap();
    let raw = client
        .request(Method::GET, "/api/v2/partners/{partner_id}")
        .path_param("partner_id", "p 1")
        .dry_run()
        .unwrap();
    assert_eq!(typed, from_data);
    assert_eq!(typed, raw);

    let update = PatchPartnerIn {
        webhook_url: Some("https://acme.example/hook".into()),
        ..Default::default()
    };
    let patch = client
        .patch_partner()
        .partner_id("p-1")
        .body(update)
        .dry_run()
        .unwrap();
    assert_eq!(patch.method, "PATCH");
    assert_eq!(
        patch.body.as_deref(),
        Some(r#"{"webhook_url":"https://acme.example/hook"}"#)
    );
    assert!(
        patch
            .headers
            .contains(&("content-type".into(), "application/json".into()))
    );
    assert_eq!(
        patch.to_string().lines().next(),
        Some(format!("PATCH {}/api/v2/partners/p-1", hub.base_url()).as_str())
    );

    // Refused as `send()` refuses it.
    let missing = client.patch_partner().dry_run().unwrap_err();
    assert!(matches!(missing.kind(), ErrorKind::InvalidRequest(_)));
    assert_eq!(
        missing.to_string(),
        "invalid request: patch_partner: the required path parameter `partner_id` is not set"
    );
    assert!(hub.requests().is_empty(), "a dry run sends nothing");
}

fn expected(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> DryRun {
    let mut run = client_dry_run_shape();
    run.method = method.into();
    run.url = url.into();
    run.headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    run.body = body.map(Into::into);
    run
}

/// A `DryRun` to fill in (it is `#[non_exhaustive]`, so it is taken from a real one).
fn client_dry_run_shape() -> DryRun {
    Client::builder()
        .api_key("k")
        .build()
        .unwrap()
        .get_partner()
        .partner_id("p")
        .dry_run()
        .unwrap()
}
