//! `patch_partner`: `PATCH /api/v2/partners/{partner_id}` against a loopback mock server.

use crate::common;

use common::{API_KEY, PARTNER_ID, client, error_json, partner_json};
use d360_partner::{Error, types::PatchPartnerIn};
use serde_json::json;

use wiremock::MockServer;

async fn server_answering(status: u16, body: serde_json::Value) -> MockServer {
    common::server_answering("PATCH", status, body).await
}

async fn patch(
    server: &MockServer,
    body: PatchPartnerIn,
) -> Result<d360_partner::types::PartnerOut, Error> {
    client(server)
        .patch_partner()
        .partner_id(PARTNER_ID)
        .body(body)
        .await
}

#[tokio::test]
async fn sends_only_the_fields_that_are_set() {
    let server = server_answering(200, partner_json()).await;
    let update = PatchPartnerIn {
        webhook_url: Some("https://acme.example/new".into()),
        ..Default::default()
    };
    patch(&server, update).await.unwrap();

    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(request.url.path(), "/api/v2/partners/PaRtNeR01");
    assert_eq!(request.headers["x-api-key"], API_KEY);
    assert_eq!(request.headers["content-type"], "application/json");
    assert!(request.headers.get("api-version").is_none());
    // Exactly this object: unset optional fields are omitted, never sent as null.
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        r#"{"webhook_url":"https://acme.example/new"}"#
    );
}

#[tokio::test]
async fn sends_every_field_when_all_are_set() {
    let server = server_answering(200, partner_json()).await;
    let update = PatchPartnerIn {
        webhook_url: Some("https://acme.example/hook".into()),
        partner_redirect_url: Some("https://acme.example/done".into()),
        allow_client_to_add_phone_no: Some(false),
    };
    patch(&server, update).await.unwrap();
    let body: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(
        body,
        json!({"webhook_url": "https://acme.example/hook", "partner_redirect_url": "https://acme.example/done", "allow_client_to_add_phone_no": false})
    );
}

#[tokio::test]
async fn an_empty_update_sends_an_empty_object() {
    let server = server_answering(200, partner_json()).await;
    patch(&server, PatchPartnerIn::default()).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap()[0].body, b"{}");
}

#[tokio::test]
async fn decodes_the_updated_partner() {
    let mut body = partner_json();
    body["webhook_url"] = json!("https://acme.example/new");
    body["unannounced"] = json!(1);
    let server = server_answering(200, body).await;
    let partner = patch(&server, PatchPartnerIn::default()).await.unwrap();
    assert_eq!(
        partner.webhook_url.as_deref(),
        Some("https://acme.example/new")
    );
}

#[tokio::test]
async fn a_400_validation_error_keeps_its_details() {
    let details = json!({"webhook_url": ["Not a valid URL."]});
    let server = server_answering(
        400,
        error_json(400, "Wrong payload", "trace-p400", Some(details.clone())),
    )
    .await;
    let update = PatchPartnerIn {
        webhook_url: Some("nope".into()),
        ..Default::default()
    };
    let error = patch(&server, update).await.unwrap_err();
    assert_eq!(error.developer_message(), Some("Wrong payload"));
    assert_eq!(error.trace_id(), Some("trace-p400"));
    assert_eq!(
        serde_json::Value::Object(error.api_error_meta().unwrap().details.clone().unwrap()),
        details
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_404_names_the_missing_partner() {
    let server = server_answering(
        404,
        error_json(404, "Partner PaRtNeR01 not found", "trace-p404", None),
    )
    .await;
    let error = patch(&server, PatchPartnerIn::default()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 404 Not Found: Partner PaRtNeR01 not found (360dialog_trace_id: trace-p404)"
    );
}

#[tokio::test]
async fn without_a_body_none_is_sent() {
    // The spec does not require this operation's body: unset, the request has none.
    let server = server_answering(200, partner_json()).await;
    client(&server)
        .patch_partner()
        .partner_id(PARTNER_ID)
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert!(request.body.is_empty());
    assert!(request.headers.get("content-type").is_none());
}

#[tokio::test]
async fn a_missing_partner_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = client(&server)
        .patch_partner()
        .body(PatchPartnerIn::default())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: patch_partner: the required path parameter `partner_id` is not set"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
