//! Raw requests (`client.request(method, path)`), for the calls the vendored spec lacks: the
//! request on the wire, the decoded answer, every guard refusing before anything is sent, every
//! credential mode, and the rules generated operations follow (retries by method, the size
//! limit, the hub's errors).

use crate::common;

use d360_partner::mock::{MockError, MockFault, MockHub};
use d360_partner::{Client, Error, ErrorKind, Method};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEYS: &str = "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys";

/// A server answering every request with `status` and `body`.
async fn answering(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_channel_api_key_is_created_as_a_generated_operation_would_send_it() {
    let server = answering(
        200,
        r#"{"api_key": "channel-key-1", "address": "https://waba-v2.360dialog.io"}"#,
    )
    .await;
    let client = common::client(&server);
    let key: Value = client
        .request(Method::POST, API_KEYS)
        .path_param("partner_id", "pa 1")
        .path_param("channel_id", "ch/1")
        .json(&json!({"name": "onboarding"}))
        .query("limit", 10)
        .query("tag", "a&b")
        .query("tag", "c")
        .send()
        .await
        .unwrap();
    assert_eq!(key["api_key"], "channel-key-1");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        request.url.path(),
        "/api/v2/partners/pa%201/channels/ch%2F1/api_keys",
        "path values are percent-encoded into their segment, as generated operations do"
    );
    assert_eq!(request.url.query(), Some("limit=10&tag=a%26b&tag=c"));
    assert_eq!(request.headers["x-api-key"], common::API_KEY);
    assert_eq!(request.headers["accept"], "application/json");
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.body, br#"{"name":"onboarding"}"#);
}

#[tokio::test]
async fn any_deserializable_type_and_empty_bodies_decode() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct Balance {
        balance: f64,
    }
    let server = answering(200, r#"{"balance": 12.5, "currency": "USD"}"#).await;
    let client = common::client(&server);
    let balance: Balance = client
        .request(Method::GET, "/api/v2/partners/p/balance")
        .send()
        .await
        .unwrap();
    assert_eq!(balance, Balance { balance: 12.5 });
    // A body you do not need.
    client
        .request(Method::GET, "/api/v2/partners/p/balance")
        .send::<serde::de::IgnoredAny>()
        .await
        .unwrap();

    let empty = answering(204, "").await;
    let client = common::client(&empty);
    let request = || client.request(Method::DELETE, "/api/v2/partners/p/thing");
    request().send::<()>().await.unwrap();
    assert_eq!(request().send::<Option<Value>>().await.unwrap(), None);
    assert_eq!(request().send::<Value>().await.unwrap(), Value::Null);
    // Only JSON's whitespace counts as no body; a form feed is not JSON at all.
    let blank = answering(200, " \r\n\t").await;
    let answer = common::client(&blank)
        .request(Method::GET, "/api/v2/partners/p/thing")
        .send::<Value>()
        .await;
    assert_eq!(answer.unwrap(), Value::Null);
    let form_feed = answering(200, "\u{c}").await;
    let error = common::client(&form_feed)
        .request(Method::GET, "/api/v2/partners/p/thing")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error}");
    assert!(error.to_string().contains("expected value"), "{error}");
    // A body that is not the type asked for is a decode error with the path.
    let error = common::client(&server)
        .request(Method::GET, "/api/v2/partners/p/balance")
        .send::<Vec<String>>()
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error}");
}

#[tokio::test]
async fn every_guard_refuses_before_anything_is_sent_naming_the_cause() {
    let server = answering(200, "{}").await;
    let client = common::client(&server);
    let cases: Vec<(d360_partner::RawRequest, &str)> = vec![
        (
            client.request(Method::GET, "https://evil.example/api/v2/partners"),
            "GET https://evil.example/..: the path is an absolute URL: only paths on the client's base URL can be requested, so credentials never leave its host",
        ),
        (
            client.request(Method::GET, "//evil.example/api/v2/partners"),
            "GET //evil.example/..: the path is scheme-relative (`//host/..`): only paths on the client's base URL can be requested, so credentials never leave its host",
        ),
        (
            client.request(Method::GET, "mailto:someone@evil.example"),
            "GET mailto:..: the path is an absolute URL: only paths on the client's base URL can be requested, so credentials never leave its host",
        ),
        (
            client.request(Method::GET, "api/v2/partners"),
            "GET api/v2/partners: the path must start with `/`",
        ),
        (
            client.request(Method::GET, "/api/v2/partners/../tokens"),
            "GET /api/v2/partners/../tokens: the path has a `..` segment, which would address another path",
        ),
        (
            client.request(Method::GET, "/api/v2/./partners"),
            "GET /api/v2/./partners: the path has a `.` segment, which would address another path",
        ),
        (
            client.request(Method::GET, "/api/v2/partners?limit=1"),
            "GET /api/v2/partners: the path holds `?`; give query parameters with `.query(name, value)`",
        ),
        (
            client.request(Method::GET, "/api/v2/partners/%2e%2e"),
            "GET /api/v2/partners/%2e%2e: the path holds '%', which a path cannot hold as written; put values in a `{placeholder}` and set it with `.path_param(..)`, which encodes it",
        ),
        (
            client.request(Method::GET, "/api/v2/partners/{partner_id}"),
            "GET /api/v2/partners/{partner_id}: the path parameter `partner_id` is not set",
        ),
        (
            client
                .request(Method::GET, "/api/v2/partners/{partner_id}")
                .path_param("partner_id", ""),
            "GET /api/v2/partners/{partner_id}: the path parameter `partner_id` is empty, which would send the request to another path",
        ),
        (
            client
                .request(Method::GET, "/api/v2/partners/{partner_id}")
                .path_param("partner_id", ".."),
            "GET /api/v2/partners/{partner_id}: the path parameter `partner_id` is `..`, which would send the request to another path",
        ),
        (
            client
                .request(Method::GET, "/api/v2/partners/{partner_id}")
                .path_param("partner_id", "p")
                .path_param("channel_id", "c"),
            "GET /api/v2/partners/{partner_id}: `.path_param(\"channel_id\", ..)` names no `{channel_id}` in the path",
        ),
        (
            client.request(Method::GET, "/api/v2/partners/{partner_id"),
            "GET /api/v2/partners/{partner_id: the path has a `{` without its `}`",
        ),
        (
            client.request(Method::GET, "/api/v2/partners\r\nX-Injected: 1"),
            "GET /api/v2/partners\\r\\nX-Injected: 1: the path contains the control character '\\r'",
        ),
        (
            client
                .request(Method::GET, "/api/v2/partners/{partner_id}")
                .path_param("partner_id", "p\n1"),
            "GET /api/v2/partners/{partner_id}: the path parameter `partner_id` contains the control character '\\n'",
        ),
        (
            client.request(
                Method::GET,
                "https://user:secret-pw@evil.example:8443/x?api_key=secret-key",
            ),
            "GET https://evil.example:8443/..: the path is an absolute URL: only paths on the client's base URL can be requested, so credentials never leave its host",
        ),
        (
            // Not a URL to the parser (the port is out of range), user info all the same.
            client.request(Method::GET, "https://user:secret-pw@evil.example:99999/x"),
            "GET https://..: the path is an absolute URL: only paths on the client's base URL can be requested, so credentials never leave its host",
        ),
        (
            client
                .request(Method::GET, "/api/v2/partners")
                .query("q", "a\0b"),
            "GET /api/v2/partners: the query parameter `q` contains the control character '\\0'",
        ),
    ];
    for (request, expected) in cases {
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret"), "{shown}");
        let error = request.send::<Value>().await.unwrap_err();
        assert_eq!(error.to_string(), format!("invalid request: {expected}"));
        assert!(matches!(error.kind(), ErrorKind::InvalidRequest(_)));
        assert!(!error.request_sent(), "{expected}");
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn generated_operations_refuse_dot_path_values_too() {
    let server = answering(200, "{}").await;
    let client = common::client(&server);
    // The URL parser drops tabs and line breaks: `..\t` would be `..`, `\t` an empty segment.
    for (value, shown) in [("..\t", "'\\t'"), ("\t", "'\\t'"), ("a\nb", "'\\n'")] {
        let error = client.get_partner().partner_id(value).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "invalid request: get_partner: the path parameter `partner_id` contains the control character {shown}"
            )
        );
        assert!(!error.request_sent());
    }
    for value in [".", ".."] {
        let error = client.get_partner().partner_id(value).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "invalid request: get_partner: the path parameter `partner_id` is `{value}`, which would send the request to another path"
            )
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A raw call to a route the mock hub serves, with `client`.
async fn balance(client: &Client) -> Result<Value, Error> {
    client
        .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
        .path_param("partner_id", "p-1")
        .send()
        .await
}

async fn hub_with_balance() -> MockHub {
    let hub = MockHub::start().await;
    hub.route(
        Method::GET,
        "/api/v2/partners/{partner_id}/balance",
        Ok(json!({"balance": 10})),
    );
    hub
}

#[tokio::test]
async fn the_api_key_travels_as_for_every_operation() {
    let hub = hub_with_balance().await;
    assert_eq!(balance(&hub.client()).await.unwrap()["balance"], 10);
    let request = &hub.requests()[0];
    assert_eq!(request.header("x-api-key"), Some(MockHub::API_KEY));
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn a_bearer_token_travels_as_for_every_operation() {
    let hub = hub_with_balance().await;
    let client = Client::builder()
        .bearer_token(MockHub::BEARER_TOKEN)
        .base_url(hub.base_url())
        .build()
        .unwrap();
    balance(&client).await.unwrap();
    let expected = format!("Bearer {}", MockHub::BEARER_TOKEN);
    assert_eq!(
        hub.requests()[0].header("authorization"),
        Some(expected.as_str())
    );
}

#[tokio::test]
async fn the_token_flow_logs_in_once_and_refreshes_on_401() {
    let hub = hub_with_balance().await;
    let client = hub.token_client();
    balance(&client).await.unwrap();
    balance(&client).await.unwrap();
    assert_eq!(hub.token_requests(), 1, "one login for both calls");
    hub.revoke_tokens();
    balance(&client).await.unwrap();
    assert_eq!(hub.token_requests(), 2, "a new token after the 401");
    let calls = hub.requests_to_route(Method::GET, "/api/v2/partners/{partner_id}/balance");
    assert_eq!(calls.len(), 4, "two calls, then a 401 and its retry");
    assert!(
        calls.iter().all(|r| r
            .header("authorization")
            .is_some_and(|v| v.starts_with("Bearer mock-access-token-"))),
        "{calls:?}"
    );
}

#[tokio::test]
async fn hub_errors_keep_status_message_and_trace_id() {
    let hub = MockHub::start().await;
    hub.route(
        Method::POST,
        API_KEYS,
        Err::<Value, _>(MockError::new(403, "Channel belongs to another partner")),
    );
    let error = hub
        .client()
        .request(Method::POST, API_KEYS)
        .path_param("partner_id", "p-1")
        .path_param("channel_id", "c-1")
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 403 Forbidden: Channel belongs to another partner (360dialog_trace_id: mock-trace-403)"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.trace_id(), Some("mock-trace-403"));
    assert!(error.request_sent());
}

#[tokio::test]
async fn retries_follow_the_method_429_for_every_one() {
    let hub = MockHub::start().await;
    hub.route(Method::POST, API_KEYS, Ok(json!({"api_key": "k"})));
    hub.route(Method::GET, "/api/v2/x", Ok(json!({})));
    let client = hub.client();
    let post = || {
        client
            .request(Method::POST, API_KEYS)
            .path_param("partner_id", "p")
            .path_param("channel_id", "c")
            .send::<Value>()
    };
    // A 503 may have been processed: a POST is not sent again.
    hub.push_fault(MockFault::status(503));
    assert_eq!(
        post().await.unwrap_err().status().map(|s| s.as_u16()),
        Some(503)
    );
    assert_eq!(hub.requests().len(), 1);
    // A 429 was refused unprocessed: the POST is sent again after Retry-After.
    hub.push_fault(MockFault::status(429).retry_after(1));
    let started = Instant::now();
    assert_eq!(post().await.unwrap()["api_key"], "k");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(hub.requests().len(), 3);
    // A GET is retried on a 503.
    hub.push_fault(MockFault::status(503));
    client
        .request(Method::GET, "/api/v2/x")
        .send::<Value>()
        .await
        .unwrap();
    assert_eq!(hub.requests().len(), 5);
}

#[tokio::test]
async fn the_response_size_limit_holds() {
    let server = answering(200, &format!("{{\"x\": \"{}\"}}", "a".repeat(4096))).await;
    let client = common::client_with(&server, |b| b.max_response_bytes(1024));
    let error = client
        .request(Method::GET, "/api/v2/big")
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the response body (HTTP 200 OK) is larger than the limit of 1024 bytes"
    );
}

#[tokio::test]
async fn headers_go_on_the_wire_the_first_replacing_the_clients_own() {
    let server = answering(200, "{}").await;
    let client = common::client(&server);
    client
        .request(Method::POST, "/api/v2/partners/p/thing")
        .json(&json!({"a": 1}))
        .header("X-Request-Id", "req-1")
        .header("accept", "application/problem+json")
        .header("Content-Type", "application/merge-patch+json")
        .header("Prefer", "code=200")
        .header("prefer", "dynamic=true")
        .header("X-Note", "grüße")
        .send::<Value>()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let values = |name: &str| -> Vec<&[u8]> {
        request
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.as_bytes())
            .collect()
    };
    assert_eq!(values("x-request-id"), [b"req-1"]);
    assert_eq!(values("accept"), [b"application/problem+json"]);
    assert_eq!(values("content-type"), [b"application/merge-patch+json"]);
    assert_eq!(values("prefer"), [&b"code=200"[..], b"dynamic=true"]);
    assert_eq!(values("x-note"), ["grüße".as_bytes()]);
    assert_eq!(values("x-api-key"), [common::API_KEY.as_bytes()]);
    assert_eq!(request.body, br#"{"a":1}"#);
}

#[tokio::test]
async fn headers_the_client_owns_are_refused_before_anything_is_sent_naming_them() {
    let server = answering(200, "{}").await;
    let client = common::client(&server);
    let credential = "the client sends its own credential (set it on the `ClientBuilder`)";
    let connection = "it is about the connection, which the HTTP layer manages";
    let cases = [
        ("X-API-Key", "other-key-9", format!("the header `X-API-Key` cannot be set: {credential}")),
        ("authorization", "Bearer other-key-9", format!("the header `authorization` cannot be set: {credential}")),
        ("Proxy-Authorization", "Basic other-key-9", "the header `Proxy-Authorization` cannot be set: it is a proxy's credential (put it in the URL given to `ClientBuilder::proxy`)".into()),
        ("Host", "evil.example", "the header `Host` cannot be set: the HTTP layer sets it from the base URL".into()),
        ("Content-Length", "0", "the header `Content-Length` cannot be set: the HTTP layer sets it from the body".into()),
        ("Transfer-Encoding", "chunked", "the header `Transfer-Encoding` cannot be set: the HTTP layer sets it from the body".into()),
        ("Connection", "close", format!("the header `Connection` cannot be set: {connection}")),
        ("Keep-Alive", "timeout=5", format!("the header `Keep-Alive` cannot be set: {connection}")),
        ("Proxy-Connection", "keep-alive", format!("the header `Proxy-Connection` cannot be set: {connection}")),
        ("TE", "trailers", format!("the header `TE` cannot be set: {connection}")),
        ("Trailer", "X-Sum", format!("the header `Trailer` cannot be set: {connection}")),
        ("Upgrade", "websocket", format!("the header `Upgrade` cannot be set: {connection}")),
        ("User-Agent", "other/1.0", "the header `User-Agent` cannot be set: the client sets it (name your application with `ClientBuilder::user_agent`)".into()),
        ("X-Trace\r\nX-API-Key", "other-key-9", "the header name `X-Trace\\r\\nX-API-Key` contains the control character '\\r'".into()),
        ("X-Trace", "t\r\nX-API-Key: other-key-9", "the value of the header `X-Trace` contains the control character '\\r'".into()),
        ("X-Trace", "t\nother-key-9", "the value of the header `X-Trace` contains the control character '\\n'".into()),
        ("X-Trace", "t\0other-key-9", "the value of the header `X-Trace` contains the control character '\\0'".into()),
        ("X-Tr\0ace", "t", "the header name `X-Tr\\0ace` contains the control character '\\0'".into()),
        ("X Trace", "t", "`X Trace` is not a header name".into()),
        ("", "t", "`` is not a header name".into()),
        ("X-Trace", "t\u{7f}other-key-9", "the value of the header `X-Trace` holds a character a header cannot hold".into()),
    ];
    for (name, value, why) in cases {
        let request = || {
            client
                .request(Method::GET, "/api/v2/partners/p")
                .header("X-Fine", "1")
                .header(name, value)
        };
        let expected = format!("invalid request: GET /api/v2/partners/p: {why}");
        for error in [
            request().send::<Value>().await.unwrap_err(),
            request().send_raw().await.unwrap_err(),
            request().dry_run().unwrap_err(),
        ] {
            assert!(
                matches!(error.kind(), ErrorKind::InvalidRequest(_)),
                "{error:?}"
            );
            assert_eq!(error.to_string(), expected);
            assert!(!error.request_sent(), "{expected}");
            assert!(!error.to_string().contains("other-key-9"), "{error}");
        }
        // A call from data refuses them the same way.
        let error = client
            .call(d360_partner::operations::GET_PARTNER.info())
            .parameter("partner_id", json!("p"))
            .header(name, value)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid request: get_partner: {why}")
        );
        assert!(!error.request_sent());
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn send_raw_hands_back_any_status_with_its_headers_and_body() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "hub-7")
                .set_body_string(r#"{"meta": {"developer_message": "No such thing", "360dialog_trace_id": "t-7"}}"#),
        )
        .mount(&server)
        .await;
    let client = common::client(&server);
    let answer = client
        .request(Method::GET, "/api/v2/partners/{partner_id}/thing")
        .path_param("partner_id", "p-1")
        .send_raw()
        .await
        .unwrap();
    assert_eq!(answer.status(), d360_partner::StatusCode::NOT_FOUND);
    assert_eq!(answer.headers()["x-request-id"], "hub-7");
    assert_eq!(
        answer.bytes(),
        br#"{"meta": {"developer_message": "No such thing", "360dialog_trace_id": "t-7"}}"#
    );
    assert_eq!(
        answer.json::<Value>().unwrap()["meta"]["developer_message"],
        "No such thing"
    );
    assert!(answer.text().starts_with(r#"{"meta""#));
    let shown = format!("{answer:?}");
    assert!(
        shown.contains("404") && shown.contains("x-request-id"),
        "{shown}"
    );
    assert!(
        !shown.contains("hub-7"),
        "header values stay out of Debug: {shown}"
    );
    // The error `send()` gives for it, on request.
    let error = answer.error_for_status().unwrap_err();
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 404 Not Found: No such thing (360dialog_trace_id: t-7)"
    );
    assert_eq!(error.as_api().map(|api| api.raw_body().len()), Some(77));
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.url.path(), "/api/v2/partners/p-1/thing");
    assert_eq!(request.headers["x-api-key"], common::API_KEY);
}

#[tokio::test]
async fn send_raw_retries_refreshes_and_limits_as_send_does() {
    let hub = MockHub::start().await;
    hub.route(Method::GET, "/api/v2/x", Ok(json!({"ok": true})));
    // Retries as the method allows: a 503 that stays one through them is the answer.
    let client = Client::builder()
        .api_key(MockHub::API_KEY)
        .base_url(hub.base_url())
        .max_retries(1)
        .build()
        .unwrap();
    for _ in 0..2 {
        hub.push_fault(MockFault::status(503).retry_after(0));
    }
    let answer = client
        .request(Method::GET, "/api/v2/x")
        .send_raw()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 503);
    assert_eq!(answer.headers()["retry-after"], "0");
    assert_eq!(hub.requests().len(), 2, "the first attempt and one retry");
    hub.push_fault(MockFault::status(503));
    let answer = client.request(Method::GET, "/api/v2/x").send_raw().await;
    assert_eq!(
        answer.unwrap().json::<Value>().unwrap(),
        json!({"ok": true})
    );
    assert_eq!(hub.requests().len(), 4, "retried once, then answered");

    // The token flow's refresh on 401: the answer is the one with the new token.
    let tokens = hub.token_client();
    let get = || tokens.request(Method::GET, "/api/v2/x").send_raw();
    assert_eq!(get().await.unwrap().status().as_u16(), 200);
    hub.revoke_tokens();
    assert_eq!(get().await.unwrap().status().as_u16(), 200);
    assert_eq!(hub.token_requests(), 2);

    // Only a failure to get an answer is an `Err`: the size limit, no connection.
    let small = Client::builder()
        .api_key(MockHub::API_KEY)
        .base_url(hub.base_url())
        .max_response_bytes(4)
        .build()
        .unwrap();
    let error = small
        .request(Method::GET, "/api/v2/x")
        .send_raw()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::ResponseTooLarge { .. }),
        "{error}"
    );
    let nowhere = common::client_for(
        &format!("http://127.0.0.1:{}", common::unused_port()),
        |b| b.max_retries(0),
    );
    let error = nowhere
        .request(Method::GET, "/api/v2/x")
        .send_raw()
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error}");
}

#[tokio::test]
async fn send_raw_answers_a_redirect_without_following_it() {
    let elsewhere = answering(200, "{}").await;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/x", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let client = common::client(&server);
    let answer = client
        .request(Method::GET, "/api/v2/x")
        .send_raw()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    assert_eq!(
        answer.headers()["location"],
        format!("{}/x", elsewhere.uri()).as_str()
    );
    let error = answer.error_for_status().unwrap_err();
    assert_eq!(error.to_string(), "unexpected HTTP status 302 Found");
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_call_from_data_hands_back_its_answer_too() {
    let hub = MockHub::start().await;
    hub.set(
        d360_partner::operations::GET_PARTNER,
        Err(MockError::new(404, "Partner not found")),
    );
    let answer = hub
        .client()
        .call(d360_partner::operations::GET_PARTNER.info())
        .parameter("partner_id", json!("p-1"))
        .header("Prefer", "code=404")
        .send_raw()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    assert_eq!(
        answer.json::<Value>().unwrap()["meta"]["developer_message"],
        "Partner not found"
    );
    assert_eq!(hub.requests()[0].header("prefer"), Some("code=404"));
}
