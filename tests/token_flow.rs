//! The username/password token flow against the mock hub: one token request however many calls
//! wait for it, refresh ahead of expiry, one refresh and one retry on a 401, and a refusal that
//! names the server's message.

use crate::common;

use common::{PARTNER_ID, hub_answering, partner, partner_json};
use d360_partner::mock::{MockError, MockHub};
use d360_partner::operations::GET_PARTNER;
use d360_partner::{Client, Error, ErrorKind};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn get(client: &Client) -> Result<(), Error> {
    client.get_partner().partner_id(PARTNER_ID).await.map(drop)
}

/// A mock hub serving the partner.
async fn partner_hub() -> MockHub {
    hub_answering(GET_PARTNER, partner()).await
}

/// The `authorization` headers of the partner requests, in order.
fn bearer_tokens_sent(hub: &MockHub) -> Vec<String> {
    hub.requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v2/partners/"))
        .map(|r| r.header("authorization").unwrap_or_default().to_string())
        .collect()
}

/// Fifty calls at once, each on its own task; their results in order.
async fn fifty_concurrent_calls(client: &Client) -> Vec<Result<(), Error>> {
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get(&client).await })
        })
        .collect();
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.unwrap());
    }
    results
}

/// A client that logs in to `base_url` with `username` and `password`.
fn logging_in(base_url: &str, username: &str, password: &str) -> Client {
    Client::builder()
        .credentials(username, password)
        .base_url(base_url)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_at_expiry_make_exactly_one_token_request() {
    let hub = partner_hub().await;
    hub.set_token_lifetime(1);
    let client = hub.token_client();

    fifty_concurrent_calls(&client).await;
    assert_eq!(
        hub.token_requests(),
        1,
        "a cold client fetches once for 50 calls"
    );

    tokio::time::sleep(Duration::from_millis(1100)).await; // the token has expired
    assert!(
        fifty_concurrent_calls(&client)
            .await
            .iter()
            .all(Result::is_ok)
    );
    assert_eq!(hub.token_requests(), 2, "50 calls at expiry fetch once");

    let tokens = bearer_tokens_sent(&hub);
    assert_eq!(tokens.len(), 100);
    assert!(tokens[..50].iter().all(|t| *t == tokens[0]));
    assert!(tokens[50..].iter().all(|t| *t == tokens[50]));
    assert_ne!(tokens[0], tokens[50]);
}

#[tokio::test]
async fn a_token_is_refreshed_ahead_of_its_expiry() {
    let hub = partner_hub().await;
    // Lives 2 s, so it is replaced a tenth of its life (200 ms) before it expires.
    hub.set_token_lifetime(2);
    let client = hub.token_client();
    get(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1850)).await;
    get(&client).await.unwrap();
    assert_eq!(hub.token_requests(), 2);
    let tokens = bearer_tokens_sent(&hub);
    assert_ne!(tokens[0], tokens[1], "the second call used the new token");
}

#[tokio::test]
async fn clones_of_a_client_share_the_token() {
    let hub = partner_hub().await;
    let client = hub.token_client();
    get(&client).await.unwrap();
    get(&client.clone()).await.unwrap();
    assert_eq!(hub.token_requests(), 1);
}

#[tokio::test]
async fn a_401_triggers_one_refresh_and_one_retry() {
    let hub = partner_hub().await;
    let client = hub.token_client();
    get(&client).await.unwrap();
    hub.revoke_tokens();
    get(&client).await.unwrap();
    let calls: Vec<(String, String)> = hub
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let partner = format!("/api/v2/partners/{PARTNER_ID}");
    let expected = [
        ("POST", "/api/v2/token"),
        ("GET", partner.as_str()),
        ("GET", partner.as_str()), // 401: the token was revoked
        ("POST", "/api/v2/token"),
        ("GET", partner.as_str()),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(calls, expected);
}

#[tokio::test]
async fn a_second_401_is_the_answer() {
    let hub = partner_hub().await;
    hub.set(
        GET_PARTNER,
        Err(MockError::new(401, "Token no longer valid")),
    );
    let client = hub.token_client();
    let error = get(&client).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status == 401),
        "{error:?}"
    );
    assert_eq!(error.developer_message(), Some("Token no longer valid"));
    assert_eq!(
        hub.token_requests(),
        2,
        "one token, one refresh after the first 401"
    );
    assert_eq!(bearer_tokens_sent(&hub).len(), 2, "one call, one retry");
}

#[tokio::test]
async fn a_wrong_password_is_an_auth_error_naming_the_servers_message_and_never_loops() {
    let hub = partner_hub().await;
    let client = logging_in(&hub.base_url(), MockHub::USERNAME, "wrong-password-123");
    let error = get(&client).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "authentication failed: HTTP 401 Unauthorized: Invalid username or password (360dialog_trace_id: mock-trace-401)"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(!format!("{error:?}").contains("wrong-password-123"));
    assert_eq!(hub.token_requests(), 1);
    assert!(
        bearer_tokens_sent(&hub).is_empty(),
        "no API call without a token"
    );

    // For a second the refusal is the answer without asking again; then a call tries once more.
    let error = get(&client).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error:?}");
    assert_eq!(hub.token_requests(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    get(&client).await.unwrap_err();
    assert_eq!(hub.token_requests(), 2);
}

/// The first call's error, for a client whose token endpoint answers `status` with `body`.
async fn error_when_the_token_endpoint_answers(status: u16, body: serde_json::Value) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/token"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let client = logging_in(&server.uri(), "user@example.com", "pw");
    get(&client).await.unwrap_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_with_a_wrong_password_make_one_token_request() {
    let hub = partner_hub().await;
    let client = logging_in(&hub.base_url(), MockHub::USERNAME, "wrong-password-123");
    for result in fifty_concurrent_calls(&client).await {
        assert!(
            matches!(
                result.as_ref().map_err(Error::kind),
                Err(ErrorKind::Auth(_))
            ),
            "{result:?}"
        );
    }
    // Calls that waited for the failing login share its outcome, and later ones take the
    // refusal remembered for a second: one request, however the tasks were scheduled.
    assert_eq!(hub.token_requests(), 1);
}

#[tokio::test]
async fn a_transient_token_endpoint_failure_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/token"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "t-1", "token_type": "Bearer", "expires_in": 60}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v2/partners/{PARTNER_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(partner_json()))
        .expect(1)
        .mount(&server)
        .await;
    let client = logging_in(&server.uri(), "user@example.com", "pw");
    // Even a PATCH: it had not been sent when the login failed.
    client.patch_partner().partner_id(PARTNER_ID).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/api/v2/token",
            "/api/v2/token",
            "/api/v2/partners/PaRtNeR01"
        ]
    );
}

#[tokio::test]
async fn an_oauth_style_refusal_shows_its_description() {
    let body = serde_json::json!({
        "error": "invalid_grant",
        "error_description": "Wrong email or password."
    });
    assert_eq!(
        error_when_the_token_endpoint_answers(400, body)
            .await
            .to_string(),
        "authentication failed: HTTP 400 Bad Request: Wrong email or password."
    );
}

#[tokio::test]
async fn a_token_answer_without_a_token_is_an_auth_error() {
    let body = serde_json::json!({"token_type": "Bearer"});
    assert_eq!(
        error_when_the_token_endpoint_answers(200, body)
            .await
            .to_string(),
        "authentication failed: HTTP 200 OK: the token answer is not {\"access_token\", \"token_type\", \"expires_in\"}: missing field `access_token` at line 1 column 23"
    );
}

#[tokio::test]
async fn the_token_request_carries_the_username_and_password_as_json() {
    let hub = partner_hub().await;
    get(&hub.token_client()).await.unwrap();
    let token_request = &hub.requests()[0];
    assert_eq!(token_request.method, "POST");
    assert_eq!(token_request.path, "/api/v2/token");
    assert_eq!(
        token_request.header("content-type"),
        Some("application/json")
    );
    assert_eq!(
        token_request.json(),
        Some(serde_json::json!({"username": MockHub::USERNAME, "password": MockHub::PASSWORD}))
    );
}
