//! Integrated onboarding end to end: the signed link a partner sends a client to (checked
//! against openssl), the redirect the mock hub sends the browser back with, read by `Redirect`,
//! and the first call after it, a channel API key per channel.

use d360_partner::Method;
use d360_partner::mock::MockHub;
use d360_partner::onboarding::{Link, Redirect};
use serde_json::{Value, json};

#[test]
fn a_signed_v2_link_carries_what_openssl_computes() {
    let url = Link::new("aAbBcCPA")
        .v2()
        .email("owner@client.example")
        .redirect_url("https://partner.example/onboarded?session=7")
        .signed(
            &d360_partner::PlatformSecret::new(MockHub::PLATFORM_SECRET).unwrap(),
            1775653748,
        )
        .url()
        .unwrap();
    // printf 'aAbBcCPA|1775653748' | openssl dgst -sha512 -hmac mock-platform-secret
    let openssl = "1da3ab137a524d75461d9040202f912e473f3151ac975d060c018649ce842b3ae72aa42ae0955735c244ea142d91583c88583c090d6691c011bf09c7880d07c1";
    assert_eq!(
        url.as_str(),
        format!(
            "https://app.360dialog.com/onboarding/aAbBcCPA?email=owner%40client.example\
             &redirect_url=https%3A%2F%2Fpartner.example%2Fonboarded%3Fsession%3D7\
             &io_timestamp=1775653748&io_signature={openssl}"
        )
    );
}

#[tokio::test]
async fn the_mock_hubs_redirect_reads_back_as_sent() {
    let hub = MockHub::start().await;
    let hub_url = |redirect: &str, channels: &[&str], revoked: &[&str]| {
        hub.onboarding_redirect(redirect, "CL 1", channels, revoked)
    };
    let url = hub_url(
        "https://partner.example/done?session=7#top",
        &["CH1", "CH/2"],
        &["CH3"],
    );
    assert_eq!(
        url,
        "https://partner.example/done?session=7&client=CL%201&channels=[CH1,CH%2F2]&revoked=[CH3]#top"
    );
    let redirect = Redirect::parse(&url).unwrap();
    assert_eq!(redirect.client_id(), "CL 1");
    assert_eq!(redirect.channel_ids(), ["CH1", "CH/2"]);
    assert_eq!(redirect.revoked_channel_ids(), ["CH3"]);

    let none = hub_url("https://partner.example/done", &[], &[]);
    assert_eq!(
        none,
        "https://partner.example/done?client=CL%201&channels=[]"
    );
    let redirect: Redirect = none.parse().unwrap();
    assert!(redirect.channel_ids().is_empty() && redirect.revoked_channel_ids().is_empty());
}

#[tokio::test]
async fn after_the_redirect_each_channel_gets_an_api_key() {
    let hub = MockHub::start().await;
    let path = "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys";
    hub.on_route(Method::POST, path, |request| {
        let channel = request.path_parameter("channel_id").unwrap();
        Ok(json!({"address": "https://waba-v2.360dialog.io", "api_key": format!("key-{channel}"), "app_id": "A1", "id": "K1"}))
    });
    let url = hub.onboarding_redirect("https://partner.example/done", "CL1", &["CH1", "CH2"], &[]);
    let redirect = Redirect::parse(&url).unwrap();
    let client = hub.client();
    let mut keys = Vec::new();
    for channel in redirect.channel_ids() {
        let key: Value = client
            .request(Method::POST, path)
            .path_param("partner_id", "PA")
            .path_param("channel_id", channel)
            .send()
            .await
            .unwrap();
        keys.push(key["api_key"].as_str().unwrap().to_string());
    }
    assert_eq!(keys, ["key-CH1", "key-CH2"]);
    let paths: Vec<String> = hub
        .requests_to_route(Method::POST, path)
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v2/partners/PA/channels/CH1/api_keys",
            "/api/v2/partners/PA/channels/CH2/api_keys"
        ]
    );
}
