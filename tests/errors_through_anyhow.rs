//! What a user's `?` prints: every kind of failure through `anyhow` (the most common application
//! error type), as `{}` (one line: what failed) and `{:#}` (with its causes, each once), plus
//! `?` into `Box<dyn Error>` and `d360_partner::Result`.

use crate::common;

use common::faulty::{Answer, FaultyServer};
use common::{PARTNER_ID, client_for, error_json, hub_answering, partner};
use d360_partner::mock::MockHub;
use d360_partner::operations::GET_PARTNER;
use d360_partner::{Client, ClientBuilder, ErrorKind};
use std::time::Duration;

async fn get(client: &Client) -> anyhow::Result<String> {
    let partner = client.get_partner().partner_id(PARTNER_ID).await?;
    Ok(partner.id.unwrap_or_default())
}

/// `{}` and `{:#}` of the error `get` returns through `anyhow`.
async fn printed(client: &Client) -> (String, String) {
    let error = get(client).await.expect_err("the call fails");
    (format!("{error}"), format!("{error:#}"))
}

/// A client of `server` that does not retry, so each test sees one attempt's failure.
fn once(uri: &str, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
    client_for(uri, |b| configure(b.max_retries(0)))
}

#[tokio::test]
async fn an_api_error_prints_status_message_and_trace_id() {
    let body = error_json(404, "Partner PaRtNeR01 not found", "trace-404", None);
    let server = FaultyServer::start(vec![Answer::json(404, &body)]).await;
    let (plain, alternate) = printed(&once(&server.uri(), |b| b)).await;
    let expected = "360dialog API error: HTTP 404 Not Found: Partner PaRtNeR01 not found (360dialog_trace_id: trace-404)";
    assert_eq!(plain, expected);
    assert_eq!(alternate, expected, "no cause to add");
}

#[tokio::test]
async fn a_refused_login_prints_the_hubs_message() {
    let hub = hub_answering(GET_PARTNER, partner()).await;
    let client = Client::builder()
        .credentials(MockHub::USERNAME, "not-the-password")
        .base_url(hub.base_url())
        .build()
        .unwrap();
    let (plain, alternate) = printed(&client).await;
    let expected = "authentication failed: HTTP 401 Unauthorized: Invalid username or password (360dialog_trace_id: mock-trace-401)";
    assert_eq!(plain, expected);
    assert_eq!(alternate, expected);
}

#[tokio::test]
async fn an_unreachable_token_endpoint_prints_the_cause_once() {
    let port = common::unused_port();
    let client = Client::builder()
        .credentials("user@partner.example", "pw")
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let (plain, alternate) = printed(&client).await;
    assert_eq!(
        plain,
        format!(
            "authentication failed: the token endpoint at http://127.0.0.1:{port} did not answer"
        )
    );
    assert_eq!(
        alternate,
        format!(
            "authentication failed: the token endpoint at http://127.0.0.1:{port} did not answer: error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)"
        )
    );
}

#[tokio::test]
async fn a_non_json_5xx_prints_its_status_and_start() {
    let page = b"<html><body>502 Bad Gateway</body></html>".to_vec();
    let server = FaultyServer::start(vec![Answer::Status(502, page)]).await;
    let (plain, alternate) = printed(&once(&server.uri(), |b| b)).await;
    let expected = "360dialog API error: HTTP 502 Bad Gateway; the body is not a hub error, it starts with: \"<html><body>502 Bad Gateway</body></html>\"";
    assert_eq!(plain, expected);
    assert_eq!(alternate, expected);
}

#[tokio::test]
async fn an_undecodable_success_body_prints_the_path_and_the_start() {
    let body = br#"{"id": "PaRtNeR01", "allow_client_to_add_phone_no": "yes"}"#.to_vec();
    let server = FaultyServer::start(vec![Answer::Status(200, body)]).await;
    let (plain, alternate) = printed(&once(&server.uri(), |b| b)).await;
    let expected = "could not decode the HTTP 200 OK response body at `allow_client_to_add_phone_no`: invalid type: string \"yes\", expected a boolean at line 1 column 57; body starts with: \"{\\\"id\\\": \\\"PaRtNeR01\\\", \\\"allow_client_to_add_phone_no\\\": \\\"yes\\\"}\"";
    assert_eq!(plain, expected);
    assert_eq!(alternate, expected);
}

#[tokio::test]
async fn a_timeout_prints_what_failed_then_the_cause_once() {
    let slow = Answer::Slow(Duration::from_secs(3), 200, b"{}".to_vec());
    let server = FaultyServer::start(vec![slow]).await;
    let client = once(&server.uri(), |b| b.timeout(Duration::from_millis(200)));
    let (plain, alternate) = printed(&client).await;
    assert_eq!(plain, format!("the request to {} timed out", server.uri()));
    assert_eq!(
        alternate,
        format!(
            "the request to {} timed out: error sending request: operation timed out",
            server.uri()
        )
    );
}

#[tokio::test]
async fn a_refused_connection_prints_what_failed_then_the_cause_once() {
    let port = common::unused_port();
    let (plain, alternate) = printed(&once(&format!("http://127.0.0.1:{port}"), |b| b)).await;
    assert_eq!(
        plain,
        format!("could not connect to http://127.0.0.1:{port}")
    );
    assert_eq!(
        alternate,
        format!(
            "could not connect to http://127.0.0.1:{port}: error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)"
        )
    );
}

#[tokio::test]
async fn a_body_over_the_limit_prints_the_limit() {
    let server = FaultyServer::start(vec![Answer::Status(200, vec![b' '; 4096])]).await;
    let client = once(&server.uri(), |b| b.max_response_bytes(1024));
    let (plain, alternate) = printed(&client).await;
    let expected = "the response body (HTTP 200 OK) is larger than the limit of 1024 bytes";
    assert_eq!(plain, expected);
    assert_eq!(alternate, expected);
}

#[tokio::test]
async fn an_invalid_request_prints_the_operation_and_the_parameter() {
    let client = once("http://127.0.0.1:1", |b| b);
    let error = anyhow::Error::from(client.get_partner().await.unwrap_err());
    let expected =
        "invalid request: get_partner: the required path parameter `partner_id` is not set";
    assert_eq!(format!("{error}"), expected);
    assert_eq!(format!("{error:#}"), expected);
}

#[tokio::test]
async fn question_mark_works_into_box_dyn_error_and_the_crates_result() {
    async fn boxed(client: &Client) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        Ok(client
            .get_partner()
            .partner_id(PARTNER_ID)
            .await?
            .id
            .unwrap_or_default())
    }
    async fn own(client: &Client) -> d360_partner::Result<String> {
        Ok(client.get_partner().send().await?.id.unwrap_or_default())
    }
    let hub = hub_answering(GET_PARTNER, partner()).await;
    assert_eq!(boxed(&hub.client()).await.unwrap(), PARTNER_ID);
    assert_eq!(get(&hub.client()).await.unwrap(), PARTNER_ID);
    let error = own(&hub.client()).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InvalidRequest(_)),
        "{error:?}"
    );
    let error = boxed(&once("http://127.0.0.1:1", |b| b)).await.unwrap_err();
    assert_eq!(error.to_string(), "could not connect to http://127.0.0.1:1");
}
