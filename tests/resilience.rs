//! Against servers that fail on purpose: every call ends in success after retrying, or in a
//! clear typed error, within a bounded time.

use crate::common;

use common::faulty::{Answer, FaultyServer};
use common::{PARTNER_ID, client_for as client, error_json, partner_json};
use d360_partner::mock::{MockError, MockFault, MockHub};
use d360_partner::operations::{GET_PARTNER, PATCH_PARTNER};
use d360_partner::types::{PartnerOut, PatchPartnerIn};
use d360_partner::{Client, ClientBuilder, Error, ErrorKind};
use std::time::{Duration, Instant};

async fn get(client: &Client, partner_id: &str) -> Result<PartnerOut, Error> {
    client.get_partner().partner_id(partner_id).await
}

async fn patch(client: &Client) -> Result<PartnerOut, Error> {
    let update = PatchPartnerIn {
        webhook_url: Some("https://acme.example/new-hook".into()),
        ..Default::default()
    };
    client
        .patch_partner()
        .partner_id(PARTNER_ID)
        .body(update)
        .await
}

/// A mock hub serving the partner [`PARTNER_ID`] (404 for any other id) and accepting updates.
async fn partner_hub() -> MockHub {
    let hub = MockHub::start().await;
    let partner: PartnerOut = serde_json::from_value(partner_json()).unwrap();
    let known = partner.clone();
    hub.on(GET_PARTNER, move |request| {
        match request.path_parameter("partner_id") {
            Some(PARTNER_ID) => Ok(known.clone()),
            other => Err(MockError::new(
                404,
                format!("Partner {} not found", other.unwrap_or("")),
            )),
        }
    });
    hub.set(PATCH_PARTNER, Ok(partner));
    hub
}

/// A client of the mock hub with more settings.
fn hub_client(hub: &MockHub, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
    configure(
        Client::builder()
            .api_key(MockHub::API_KEY)
            .base_url(hub.base_url()),
    )
    .build()
    .unwrap()
}

fn partner_requests(hub: &MockHub) -> usize {
    hub.requests().len()
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_the_call_succeeds() {
    let hub = partner_hub().await;
    hub.push_fault(MockFault::status(429).retry_after(1));
    let started = Instant::now();
    let partner = get(&hub.client(), PARTNER_ID).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the client waited as Retry-After asked: {:?}",
        started.elapsed()
    );
    assert_eq!(partner_requests(&hub), 2);
}

#[tokio::test]
async fn two_503s_then_a_200_succeed() {
    let hub = partner_hub().await;
    hub.push_fault(MockFault::status(503));
    hub.push_fault(MockFault::status(503));
    let partner = get(&hub.client(), PARTNER_ID).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));
    assert_eq!(partner_requests(&hub), 3);
}

#[tokio::test]
async fn retries_stop_at_max_retries_with_the_last_error() {
    let hub = partner_hub().await;
    for _ in 0..5 {
        hub.push_fault(MockFault::status(503));
    }
    let client = hub_client(&hub, |b| b.max_retries(2));
    let error = get(&client, PARTNER_ID).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.developer_message(), Some("Injected fault"));
    assert!(error.is_retryable());
    assert_eq!(partner_requests(&hub), 3);

    let off = hub_client(&hub, |b| b.max_retries(0));
    get(&off, PARTNER_ID).await.unwrap_err();
    assert_eq!(partner_requests(&hub), 4, "max_retries(0) sends once");
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_ends_the_call_and_tells_the_wait() {
    let hub = partner_hub().await;
    hub.push_fault(MockFault::status(429).retry_after(120));
    let error = get(&hub.client(), PARTNER_ID).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 429 Too Many Requests: Injected fault (360dialog_trace_id: mock-trace-429) (Retry-After: 120 s)"
    );
    assert_eq!(partner_requests(&hub), 1);
}

#[tokio::test]
async fn a_404_is_not_retried() {
    let hub = partner_hub().await;
    let error = get(&hub.client(), "unknown").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(partner_requests(&hub), 1);
}

#[tokio::test]
async fn a_patch_is_not_repeated_after_a_503_unless_the_user_opts_in() {
    let hub = partner_hub().await;
    hub.push_fault(MockFault::status(503));

    let client = hub.client();
    let update = PatchPartnerIn::default();
    let error = client
        .patch_partner()
        .partner_id(PARTNER_ID)
        .body(update.clone())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(partner_requests(&hub), 1);

    hub.push_fault(MockFault::status(503));
    let opted_in = hub_client(&hub, |b| b.retry_non_idempotent(true));
    opted_in
        .patch_partner()
        .partner_id(PARTNER_ID)
        .body(update)
        .await
        .unwrap();
    assert_eq!(partner_requests(&hub), 3);
}

#[tokio::test]
async fn a_patch_answered_429_is_sent_again_after_retry_after() {
    // 429: the hub refused the request unprocessed (RFC 6585), so repeating an update is safe.
    let hub = partner_hub().await;
    hub.push_fault(MockFault::status(429).retry_after(1));
    let started = Instant::now();
    let partner = patch(&hub.client()).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the client waited as Retry-After asked: {:?}",
        started.elapsed()
    );
    let methods: Vec<String> = hub.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["PATCH", "PATCH"]);
}

#[tokio::test]
async fn a_connection_reset_is_retried_for_get() {
    let server = FaultyServer::start(vec![Answer::Reset, Answer::json(200, &partner_json())]).await;
    let partner = get(&client(&server.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap();
    assert_eq!(partner.brand_name.as_deref(), Some("Acme"));
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_connection_reset_ends_a_patch_with_a_transport_error() {
    let server = FaultyServer::start(vec![Answer::Reset]).await;
    let error = patch(&client(&server.uri(), |b| b)).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the connection to {} broke before a complete response arrived",
            server.uri()
        )
    );
    assert!(error.request_sent(), "the PATCH may have been applied");
    assert_eq!(server.connections(), 1, "so it is not sent again");
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_is_a_timeout_error_then_retried() {
    let slow = Answer::Slow(
        Duration::from_secs(3),
        200,
        partner_json().to_string().into_bytes(),
    );
    let server = FaultyServer::start(vec![slow.clone(), Answer::json(200, &partner_json())]).await;
    let timeout = |b: ClientBuilder| b.timeout(Duration::from_millis(300));
    get(&client(&server.uri(), timeout), PARTNER_ID)
        .await
        .unwrap();
    assert_eq!(
        server.connections(),
        2,
        "the GET was sent again after the timeout"
    );

    let server = FaultyServer::start(vec![slow]).await;
    let error = get(
        &client(&server.uri(), |b| timeout(b).max_retries(0)),
        PARTNER_ID,
    )
    .await
    .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        format!("the request to {} timed out", server.uri())
    );
}

#[tokio::test]
async fn a_transport_error_names_the_origin_never_the_path_and_counts_the_attempts() {
    let port = common::unused_port();
    // A base URL with a path prefix: the error keeps its scheme, host and port only.
    let base_url = format!("http://127.0.0.1:{port}/prefix/v2");
    let fast = |b: ClientBuilder| b.retry_budget(Duration::from_secs(20));
    for (retries, attempts) in [(0, 1), (2, 3)] {
        let client = client(&base_url, |b| fast(b).max_retries(retries));
        // A GET, and a PATCH: a refused connection is retried for every method.
        for error in [
            get(&client, "secret-partner-id").await.unwrap_err(),
            patch(&client).await.unwrap_err(),
        ] {
            let ErrorKind::Transport(transport) = error.kind() else {
                panic!("{error:?}")
            };
            assert!(transport.is_connect(), "{error:?}");
            assert_eq!(transport.origin(), format!("http://127.0.0.1:{port}"));
            assert_eq!(transport.attempts(), attempts, "{retries} retries");
            assert_eq!(
                error.to_string(),
                format!("could not connect to http://127.0.0.1:{port}")
            );
        }
    }
}

#[tokio::test]
async fn truncated_json_names_where_decoding_stopped() {
    let body = br#"{"id": "PaRtNeR01", "settings": {"io_secure": {"io_signature_verif"#.to_vec();
    let server = FaultyServer::start(vec![Answer::Status(200, body)]).await;
    let error = get(&client(&server.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap_err();
    let ErrorKind::Decode(decode) = error.kind() else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path.as_deref(), Some("settings.io_secure"));
    assert!(
        decode.message.starts_with("EOF while parsing"),
        "{}",
        decode.message
    );
    assert!(decode.body_prefix.starts_with(r#"{"id": "PaRtNeR01""#));
    assert_eq!(server.connections(), 1, "a complete answer is not retried");
}

#[tokio::test]
async fn a_body_cut_off_mid_transfer_is_read_again_for_get_but_not_for_patch() {
    let truncated = Answer::Truncated {
        status: 200,
        announced: 1000,
        body: br#"{"id": "Pa"#.to_vec(),
    };
    let server =
        FaultyServer::start(vec![truncated.clone(), Answer::json(200, &partner_json())]).await;
    get(&client(&server.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap();
    assert_eq!(server.connections(), 2, "the GET was sent again");

    let server = FaultyServer::start(vec![truncated]).await;
    let error = patch(&client(&server.uri(), |b| b)).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");
    assert!(error.is_retryable() && error.request_sent());
    assert_eq!(server.connections(), 1, "the PATCH may have been applied");
}

#[tokio::test]
async fn an_error_body_cut_off_mid_transfer_is_read_again_for_get() {
    let server = FaultyServer::start(vec![
        Answer::Truncated {
            status: 404,
            announced: 1000,
            body: b"{\"meta\"".to_vec(),
        },
        Answer::json(200, &partner_json()),
    ])
    .await;
    get(&client(&server.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap();
    assert_eq!(
        server.connections(),
        2,
        "the broken 404 body was read again"
    );
}

#[tokio::test]
async fn an_html_502_page_keeps_its_status_and_the_start_of_the_page() {
    let page =
        b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>".to_vec();
    let server = FaultyServer::start(vec![Answer::Status(502, page)]).await;
    let error = get(&client(&server.uri(), |b| b.max_retries(1)), PARTNER_ID)
        .await
        .unwrap_err();
    let ErrorKind::Api(api) = error.kind() else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.body, None);
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 502 Bad Gateway; the body is not a hub error, it starts with: \"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\""
    );
    assert_eq!(server.connections(), 2, "a 502 is retried");
}

#[tokio::test]
async fn a_10_mb_body_decodes_or_fails_with_a_bounded_error() {
    let ten_mb = 10 * 1024 * 1024;
    let mut partner = partner_json();
    partner["brand_name"] = "A".repeat(ten_mb).into();
    let big = partner.to_string().into_bytes();
    let server = FaultyServer::start(vec![Answer::Status(200, big)]).await;
    let decoded = get(&client(&server.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap();
    assert_eq!(decoded.brand_name.map(|name| name.len()), Some(ten_mb));

    let error = get(
        &client(&server.uri(), |b| b.max_response_bytes(1024 * 1024)),
        PARTNER_ID,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ErrorKind::ResponseTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the response body (HTTP 200 OK) is larger than the limit of 1048576 bytes"
    );

    let garbage = vec![b'x'; ten_mb];
    let server = FaultyServer::start(vec![Answer::Status(200, garbage)]).await;
    let error = get(&client(&server.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap_err();
    let ErrorKind::Decode(decode) = error.kind() else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.body_prefix.len(), 512 + '…'.len_utf8());
    assert!(error.to_string().len() < 1024, "the error stays small");
}

#[tokio::test]
async fn an_error_body_that_is_not_json_keeps_its_status_for_every_error_status() {
    for status in [400, 401, 404, 500] {
        let server = FaultyServer::start(vec![Answer::Status(status, b"oops".to_vec())]).await;
        let error = get(&client(&server.uri(), |b| b), PARTNER_ID)
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(
            error.to_string().ends_with("it starts with: \"oops\""),
            "{error}"
        );
    }
    let body = error_json(400, "partner_id is malformed", "t-400", None);
    let server = FaultyServer::start(vec![Answer::json(400, &body)]).await;
    let error = get(&client(&server.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap_err();
    assert_eq!(error.trace_id(), Some("t-400"));
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_credential_stays_with_the_hub() {
    let elsewhere = wiremock::MockServer::start().await;
    let hub = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/api/v2/partners/{PARTNER_ID}", elsewhere.uri()),
        ))
        .mount(&hub)
        .await;
    let error = get(&client(&hub.uri(), |b| b), PARTNER_ID)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::UnexpectedStatus { status } if *status == 307),
        "{error:?}"
    );
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_retry_budget_also_bounds_each_attempt() {
    // The answer would come within the 5 s timeout, but not within the 500 ms budget.
    let slow = Answer::Slow(
        Duration::from_secs(3),
        200,
        partner_json().to_string().into_bytes(),
    );
    let server = FaultyServer::start(vec![slow]).await;
    let budget = |b: ClientBuilder| b.retry_budget(Duration::from_millis(500));
    let error = get(&client(&server.uri(), budget), PARTNER_ID)
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(server.connections(), 1, "no time was left for a retry");
}
