//! `get_partner`: `GET /api/v2/partners/{partner_id}` against a loopback mock server.

use crate::common;

use common::{API_KEY, PARTNER_ID, client, error_json, partner_json};
use d360_partner::{Client, Error, ErrorKind};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_answering(status: u16, body: serde_json::Value) -> MockServer {
    common::server_answering("GET", status, body).await
}

async fn get(client: &Client) -> Result<d360_partner::types::PartnerOut, Error> {
    client.get_partner().partner_id(PARTNER_ID).await
}

#[tokio::test]
async fn sends_a_get_with_the_api_key_and_nothing_else_of_note() {
    let server = server_answering(200, partner_json()).await;
    get(&client(&server)).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v2/partners/PaRtNeR01");
    assert_eq!(request.url.query(), None);
    assert_eq!(request.headers["x-api-key"], API_KEY);
    assert_eq!(request.headers["accept"], "application/json");
    assert!(
        request.headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("d360-partner-rust/")
    );
    assert!(request.headers.get("authorization").is_none());
    assert!(
        request.headers.get("api-version").is_none(),
        "the generator's api-version header is not sent"
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn a_bearer_token_goes_in_the_authorization_header() {
    let server = server_answering(200, partner_json()).await;
    let client = Client::builder()
        .bearer_token("tok-123")
        .base_url(server.uri())
        .build()
        .unwrap();
    get(&client).await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers["authorization"], "Bearer tok-123");
    assert!(request.headers.get("x-api-key").is_none());
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(partner_json()))
        .mount(&server)
        .await;
    client(&server)
        .get_partner()
        .partner_id("a b/c")
        .send()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.url.path(), "/api/v2/partners/a%20b%2Fc");
}

#[tokio::test]
async fn decodes_every_documented_field() {
    let server = server_answering(200, partner_json()).await;
    let partner = get(&client(&server)).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));
    assert_eq!(partner.brand_name.as_deref(), Some("Acme"));
    assert_eq!(partner.logo_url, None);
    assert_eq!(
        partner.webhook_url.as_deref(),
        Some("https://acme.example/hook")
    );
    assert_eq!(partner.allow_client_to_add_phone_no, Some(true));
    assert_eq!(partner.payment_plan.unwrap()["plan"], "basic");
    let settings = partner.settings.unwrap();
    assert_eq!(
        settings.partner_change_request.unwrap().auto_approve,
        Some(true)
    );
    assert_eq!(
        settings.account_sharing.unwrap().solution_status.as_deref(),
        Some("ACTIVE")
    );
    assert_eq!(
        settings.default_data_localization_region.as_deref(),
        Some("EU")
    );
    assert_eq!(
        settings
            .io_secure
            .unwrap()
            .io_signature_verification_enabled,
        Some(true)
    );
    assert_eq!(settings.bearer_token_auth_disabled, Some(true));
}

#[tokio::test]
async fn fields_the_hub_adds_are_ignored_at_every_level() {
    let mut body = partner_json();
    body["brand_new_field"] = json!({"nested": [1, 2]});
    body["settings"]["another_new_setting"] = json!(true);
    body["settings"]["io_secure"]["new_flag"] = json!("x");
    let server = server_answering(200, body).await;
    let partner = get(&client(&server)).await.unwrap();
    assert_eq!(partner.brand_name.as_deref(), Some("Acme"));
    assert_eq!(
        partner
            .settings
            .unwrap()
            .io_secure
            .unwrap()
            .io_signature_verification_enabled,
        Some(true)
    );
}

#[tokio::test]
async fn null_free_form_objects_and_empty_settings_decode() {
    let mut body = partner_json();
    body["payment_plan"] = json!(null);
    body["settings"]["partner_change_request"] = json!({});
    body["settings"]["account_sharing"] = json!(null);
    body["settings"]["io_secure"] = json!({});
    let server = server_answering(200, body).await;
    let partner = get(&client(&server)).await.unwrap();
    assert_eq!(partner.payment_plan, None);
    let settings = partner.settings.unwrap();
    assert_eq!(
        settings.partner_change_request.unwrap().auto_approve,
        None,
        "`{{}}` decodes with the flag unknown"
    );
    assert_eq!(settings.account_sharing, None);

    let server = server_answering(200, json!({"id": "x", "settings": {}})).await;
    let partner = get(&client(&server)).await.unwrap();
    assert_eq!(partner.settings, Some(Default::default()));
    let server = server_answering(200, json!({"id": "x", "settings": null})).await;
    assert_eq!(get(&client(&server)).await.unwrap().settings, None);
}

#[tokio::test]
async fn a_400_decodes_into_the_error_with_message_trace_id_and_details() {
    let body = error_json(
        400,
        "partner_id is malformed",
        "trace-400",
        Some(json!({"partner_id": ["invalid"]})),
    );
    let server = server_answering(400, body).await;
    let error = get(&client(&server)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.developer_message(), Some("partner_id is malformed"));
    assert_eq!(error.trace_id(), Some("trace-400"));
    let meta = error.api_error_meta().unwrap();
    assert_eq!(meta.http_code, Some(400));
    assert_eq!(
        meta.details.as_ref().unwrap()["partner_id"],
        json!(["invalid"])
    );
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 400 Bad Request: partner_id is malformed (360dialog_trace_id: trace-400)"
    );
    // The whole answer in one call: status, decoded and raw body.
    let api = error.as_api().unwrap();
    assert_eq!(api.status, d360_partner::StatusCode::BAD_REQUEST);
    assert_eq!(api.meta(), Some(meta));
    let raw: serde_json::Value = serde_json::from_slice(api.raw_body()).unwrap();
    assert_eq!(raw["meta"]["details"], json!({"partner_id": ["invalid"]}));
    assert!(!error.is_decode() && !error.is_connect() && !error.is_timeout());
}

#[tokio::test]
async fn a_404_decodes_into_the_error_with_message_and_trace_id() {
    let server =
        server_answering(404, error_json(404, "Partner not found", "trace-404", None)).await;
    let error = get(&client(&server)).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status.as_u16() == 404),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 404 Not Found: Partner not found (360dialog_trace_id: trace-404)"
    );
    assert_eq!(error.api_error_meta().unwrap().details, None);
}

#[tokio::test]
async fn statuses_the_spec_does_not_list_decode_too() {
    for (status, message) in [
        (401, "Invalid API key"),
        (403, "Forbidden"),
        (429, "Too many requests"),
        (503, "Maintenance"),
    ] {
        let server = server_answering(status, error_json(status, message, "t", None)).await;
        // Retrying 429 and 503 is tested in `resilience.rs`; here only the decoding counts.
        let client = common::client_with(&server, |builder| builder.max_retries(0));
        let error = get(&client).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.developer_message(), Some(message), "{status}");
        assert_eq!(
            error.is_retryable(),
            matches!(status, 429 | 503),
            "{status}"
        );
    }
}

#[tokio::test]
async fn a_body_that_is_not_a_partner_names_the_problem_and_shows_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let error = get(&client(&server)).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode(_)), "{error:?}");
    assert!(error.is_decode() && error.as_api().is_none());
    let text = error.to_string();
    assert!(
        text.starts_with("could not decode the HTTP 200 OK response body: expected value"),
        "{text}"
    );
    assert!(
        text.ends_with("body starts with: \"<html>oops</html>\""),
        "{text}"
    );
}

#[tokio::test]
async fn a_missing_or_empty_partner_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = client(&server).get_partner().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: get_partner: the required path parameter `partner_id` is not set"
    );
    assert!(!error.request_sent());
    // `GET /api/v2/partners/` would address another resource, so it is never sent.
    let error = client(&server)
        .get_partner()
        .partner_id("")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: get_partner: the path parameter `partner_id` is empty, which would send the request to another path"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn send_and_await_make_the_same_request() {
    let server = server_answering(200, partner_json()).await;
    let client = client(&server);
    let sent = client
        .get_partner()
        .partner_id(PARTNER_ID)
        .send()
        .await
        .unwrap();
    let awaited = client.get_partner().partner_id(PARTNER_ID).await.unwrap();
    assert_eq!(sent, awaited);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url, requests[1].url);
    assert_eq!(requests[0].headers, requests[1].headers);
}

#[tokio::test]
async fn an_unreachable_hub_is_a_transport_error() {
    let port = common::unused_port();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Transport(t) if t.is_connect()),
        "{error:?}"
    );
    assert!(error.is_connect() && !error.is_decode() && !error.is_timeout());
    assert!(error.is_retryable());
    assert!(!error.request_sent(), "the connection never opened");
    // The origin only (the partner id of the path stays out), and the retries it made.
    assert_eq!(
        error.to_string(),
        format!("could not connect to http://127.0.0.1:{port}")
    );
    let ErrorKind::Transport(transport) = error.kind() else {
        unreachable!()
    };
    assert_eq!(transport.origin(), format!("http://127.0.0.1:{port}"));
    assert_eq!(
        transport.attempts(),
        4,
        "the first and the 3 default retries"
    );
    let cause = std::error::Error::source(&error).expect("the cause is the source");
    assert!(
        cause.to_string().starts_with("error sending request"),
        "{cause}"
    );
    // Only the origin is named, anywhere: a path or query may hold ids or secrets.
    let debug = format!("{transport:?}");
    for shown in [debug, format!("{:#}", anyhow::Error::new(error))] {
        assert!(!shown.contains("/api/v2"), "{shown}");
    }
}
