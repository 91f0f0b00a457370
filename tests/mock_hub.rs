//! The `mock` feature's hub: default data, arranged outcomes, request recording.

use d360_partner::mock::{MockError, MockHub};
use d360_partner::types::{PartnerOut, PatchPartnerIn};
use d360_partner::{Client, Error};

#[tokio::test]
async fn serves_the_default_partner_and_applies_updates() {
    let hub = MockHub::start().await;
    assert!(
        hub.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        hub.base_url()
    );
    let client = hub.client();
    let partner = client
        .get_partner()
        .partner_id(MockHub::PARTNER_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(*partner, MockHub::default_partner());

    let update = PatchPartnerIn {
        webhook_url: Some("https://new.example/hook".into()),
        ..Default::default()
    };
    let updated = client
        .patch_partner()
        .partner_id(MockHub::PARTNER_ID)
        .body(update)
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.webhook_url.as_deref(),
        Some("https://new.example/hook")
    );
    assert_eq!(
        updated.brand_name,
        MockHub::default_partner().brand_name,
        "unset fields keep their value"
    );
    assert_eq!(
        hub.partner(MockHub::PARTNER_ID)
            .unwrap()
            .webhook_url
            .as_deref(),
        Some("https://new.example/hook")
    );
}

#[tokio::test]
async fn answers_arranged_outcomes() {
    let hub = MockHub::start().await;
    let client = hub.client();
    let arranged = PartnerOut {
        id: Some("p2".into()),
        country: Some("BR".into()),
        ..Default::default()
    };
    hub.set_patch_partner(Ok(arranged.clone()));
    let got = client
        .patch_partner()
        .partner_id("p2")
        .body(PatchPartnerIn::default())
        .send()
        .await
        .unwrap();
    assert_eq!(*got, arranged);

    hub.set_get_partner(Err(MockError {
        status: 429,
        developer_message: "Slow down".into(),
        trace_id: "t-429".into(),
    }));
    let error = Error::from(
        client
            .get_partner()
            .partner_id("p2")
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 429 Too Many Requests: Slow down (360dialog_trace_id: t-429)"
    );
}

#[tokio::test]
async fn unknown_partners_and_wrong_credentials_get_the_hubs_errors() {
    let hub = MockHub::start().await;
    let error = Error::from(
        hub.client()
            .get_partner()
            .partner_id("nobody")
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.developer_message(), Some("Partner nobody not found"));

    let stranger = Client::builder()
        .api_key("wrong")
        .base_url(hub.base_url())
        .build()
        .unwrap();
    let error = Error::from(
        stranger
            .get_partner()
            .partner_id(MockHub::PARTNER_ID)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));

    let bearer = Client::builder()
        .bearer_token(MockHub::BEARER_TOKEN)
        .base_url(hub.base_url())
        .build()
        .unwrap();
    bearer
        .get_partner()
        .partner_id(MockHub::PARTNER_ID)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn records_every_request_in_order() {
    let hub = MockHub::start().await;
    let client = hub.client();
    client
        .get_partner()
        .partner_id(MockHub::PARTNER_ID)
        .send()
        .await
        .unwrap();
    let update = PatchPartnerIn {
        allow_client_to_add_phone_no: Some(false),
        ..Default::default()
    };
    client
        .patch_partner()
        .partner_id(MockHub::PARTNER_ID)
        .body(update)
        .send()
        .await
        .unwrap();

    let requests = hub.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/api/v2/partners/MockPartner01")
    );
    assert_eq!(requests[1].method, "PATCH");
    assert_eq!(
        requests[1].json(),
        Some(serde_json::json!({"allow_client_to_add_phone_no": false}))
    );
    assert_eq!(requests[1].header("X-API-Key"), Some(MockHub::API_KEY));
}
