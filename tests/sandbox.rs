//! The simulated hub (`MockHub::sandbox`, what `d360 mock` runs): the partner, onboarding with
//! its IO signature, the redirect, the channels and their keys, the signed events and their
//! resends, and faults chosen by a seed. Every server here is on 127.0.0.1; every wait is
//! bounded.

use d360_partner::mock::{MockHub, Sandbox};
use d360_partner::onboarding::{Link, Redirect};
use d360_partner::types::PatchPartnerIn;
use d360_partner::webhooks::{Event, Verifier};
use d360_partner::{Client, ErrorKind, Method, PlatformSecret, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PARTNER: &str = MockHub::PARTNER_ID;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn secret() -> PlatformSecret {
    PlatformSecret::new(MockHub::PLATFORM_SECRET).unwrap()
}

/// A signed link to the hub's v2 page, back to `redirect_url`.
fn link(hub: &MockHub, redirect_url: &str, signed_at: u64) -> d360_partner::Url {
    Link::new(PARTNER)
        .v2()
        .origin(hub.base_url())
        .redirect_url(redirect_url)
        .signed(&secret(), signed_at)
        .url()
        .unwrap()
}

async fn sandbox(options: Sandbox) -> MockHub {
    MockHub::sandbox_with(options).await.unwrap()
}

/// A call's answer as status and JSON body, whatever the status.
async fn raw(client: &Client, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = client
        .request(method, path)
        .path_param("partner_id", PARTNER);
    if let Some(body) = &body {
        request = request.json(body);
    }
    let response = request.send_raw().await.unwrap();
    let json = serde_json::from_slice(response.bytes()).unwrap_or(Value::Null);
    (response.status().as_u16(), json)
}

#[tokio::test]
async fn the_partner_is_read_changed_and_refused_as_the_hub_would() {
    let hub = MockHub::sandbox().await;
    let client = hub.client();
    let partner = client.get_partner().partner_id(PARTNER).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER));
    assert_eq!(partner.webhook_url, None);
    let json = serde_json::to_value(&partner).unwrap();
    assert_eq!(
        json.pointer("/settings/io_secure/io_signature_verification_enabled"),
        Some(&json!(true))
    );

    // PATCH changes what it names and answers the changed partner; GET then agrees.
    let changed = client
        .patch_partner()
        .partner_id(PARTNER)
        .body(PatchPartnerIn {
            webhook_url: Some("https://partner.example/hook".into()),
            partner_redirect_url: Some("https://partner.example/done".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        changed.webhook_url.as_deref(),
        Some("https://partner.example/hook")
    );
    let again = client.get_partner().partner_id(PARTNER).await.unwrap();
    assert_eq!(
        again.partner_redirect_url.as_deref(),
        Some("https://partner.example/done")
    );
    assert_eq!(again.brand_name, partner.brand_name);

    // What the spec's body does not have, or has with another type: 400 with the hub's body.
    let path = "/api/v2/partners/{partner_id}";
    for (body, message, details) in [
        (
            json!({"webhook_urll": "x"}),
            "Invalid payload: the request body has `webhook_urll`, which its type does not have",
            json!({"webhook_urll": ["Unknown field."]}),
        ),
        (
            json!({"allow_client_to_add_phone_no": "yes"}),
            "Invalid payload: the request body's `allow_client_to_add_phone_no`: invalid type: string \"yes\", expected a boolean",
            json!({"allow_client_to_add_phone_no": ["invalid type: string \"yes\", expected a boolean"]}),
        ),
    ] {
        let (status, answer) = raw(&client, Method::PATCH, path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["meta"]["developer_message"], message, "{answer}");
        assert_eq!(answer["meta"]["details"], details, "{answer}");
    }
    // The refused PATCH changed nothing.
    let after = client.get_partner().partner_id(PARTNER).await.unwrap();
    assert_eq!(after.webhook_url, again.webhook_url);

    // Another partner id: 404.
    let error = client
        .get_partner()
        .partner_id("Other01")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(error.developer_message(), Some("Partner Other01 not found"));

    // No credentials: 401, naming what the hub takes. A token from the token endpoint works.
    let anonymous = crate::common::plain_http();
    let answer = anonymous
        .get(format!("{}/api/v2/partners/{PARTNER}", hub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body["meta"]["developer_message"],
        format!(
            "Invalid or missing credentials: send X-API-Key: {}, or Authorization: Bearer <token> with a token from POST /api/v2/token",
            MockHub::API_KEY
        )
    );
    let by_token = hub.token_client().get_partner().partner_id(PARTNER).await;
    assert_eq!(by_token.unwrap().id.as_deref(), Some(PARTNER));
}

#[tokio::test]
async fn an_onboarding_page_takes_each_fresh_io_signature_once_and_sends_the_browser_back() {
    let hub = MockHub::sandbox().await;
    let back = "https://partner.example/done?session=s1";
    // Each link signed at a second of its own: the signature covers the id and the time, not
    // the page, so two links of one second share a signature, which counts as used.
    let signed_at = now();
    let link = link(&hub, back, signed_at);
    let location = hub.visit(&link).await.unwrap();
    let redirect = Redirect::parse(&location).unwrap();
    assert_eq!(
        location,
        format!(
            "https://partner.example/done?session=s1&client={}&channels=[{}]",
            redirect.client_id(),
            redirect.channel_ids()[0]
        )
    );
    assert_eq!(redirect.channel_ids().len(), 1);
    assert!(redirect.client_id().ends_with("CL"), "{location}");

    // A signature made without this crate's `Link` (HMAC-SHA512 of `{id}|{seconds}`, lowercase
    // hex, computed here), so a bug shared by the link and the hub would not go unseen.
    let independent = signed_at + 4;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA512, MockHub::PLATFORM_SECRET.as_bytes());
    let signature = hex::encode(ring::hmac::sign(
        &key,
        format!("{PARTNER}|{independent}").as_bytes(),
    ));
    let by_hand = d360_partner::Url::parse(&format!(
        "{}/onboarding/{PARTNER}?redirect_url=https%3A%2F%2Fpartner.example%2Fx&io_timestamp={independent}&io_signature={signature}",
        hub.base_url()
    ))
    .unwrap();
    let location = hub.visit(&by_hand).await.unwrap();
    assert!(
        location.starts_with("https://partner.example/x?client="),
        "{location}"
    );
    // One byte changed: refused.
    let last = signature.chars().last().unwrap();
    let changed = format!(
        "{}{}",
        &signature[..127],
        if last == '0' { '1' } else { '0' }
    );
    let tampered = d360_partner::Url::parse(&by_hand.as_str().replace(&signature, &changed));
    let error = hub.visit(&tampered.unwrap()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert!(
        error
            .developer_message()
            .unwrap()
            .starts_with("io_signature does not sign"),
        "{error:?}"
    );

    // The same signature again, a stale one, a wrong one, none: 403 naming the cause.
    let refused = |error: d360_partner::Error| {
        assert_eq!(error.status(), Some(StatusCode::FORBIDDEN), "{error:?}");
        error.developer_message().unwrap().to_string()
    };
    assert_eq!(
        refused(hub.visit(&link).await.unwrap_err()),
        "io_signature was used before: make a new signed link for each visitor"
    );
    let stale = now() - 600;
    let message = refused(hub.visit(&self::link(&hub, back, stale)).await.unwrap_err());
    assert!(
        message.starts_with(&format!("io_timestamp {stale} is 6")),
        "{message}"
    );
    assert!(message.ends_with(" s from now: a signed link is good for 5 minutes"));
    let forged = Link::new(PARTNER)
        .v2()
        .origin(hub.base_url())
        .signed(&PlatformSecret::new("another secret").unwrap(), now())
        .url()
        .unwrap();
    assert_eq!(
        refused(hub.visit(&forged).await.unwrap_err()),
        format!(
            "io_signature does not sign `{PARTNER}|{}` with the platform secret (HMAC-SHA512, lowercase hex)",
            forged
                .query_pairs()
                .find(|(name, _)| name == "io_timestamp")
                .unwrap()
                .1
        )
    );
    let unsigned = Link::new(PARTNER).origin(hub.base_url()).url().unwrap();
    assert_eq!(
        refused(hub.visit(&unsigned).await.unwrap_err()),
        "io_signature and io_timestamp are required: the partner has IO signature verification on"
    );

    // The v1 page too; without a redirect_url, the partner's partner_redirect_url, and with
    // neither, 400 saying how to set one.
    let v1 = Link::new(PARTNER)
        .origin(hub.base_url())
        .signed(&secret(), signed_at - 2)
        .url()
        .unwrap();
    assert_eq!(v1.path(), format!("/dashboard/app/{PARTNER}"));
    let error = hub.visit(&v1).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST), "{error:?}");
    assert_eq!(
        error.developer_message(),
        Some(
            "No redirect_url in the link, and the partner has no partner_redirect_url: set it with PATCH /api/v2/partners/MockPartner01"
        )
    );
    hub.client()
        .patch_partner()
        .partner_id(PARTNER)
        .body(PatchPartnerIn {
            partner_redirect_url: Some("https://partner.example/back".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let v1 = Link::new(PARTNER)
        .origin(hub.base_url())
        .signed(&secret(), signed_at + 2)
        .url()
        .unwrap();
    let location = hub.visit(&v1).await.unwrap();
    assert!(
        location.starts_with("https://partner.example/back?client=sbx"),
        "{location}"
    );

    // Another partner's page: 404.
    let other = Link::new("Other01").origin(hub.base_url()).url().unwrap();
    let error = hub.visit(&other).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn without_io_signature_verification_a_plain_link_onboards() {
    let hub = sandbox(Sandbox::new().io_signature(false)).await;
    let partner = hub
        .client()
        .get_partner()
        .partner_id(PARTNER)
        .await
        .unwrap();
    let json = serde_json::to_value(&partner).unwrap();
    assert_eq!(
        json.pointer("/settings/io_secure/io_signature_verification_enabled"),
        Some(&json!(false))
    );
    let link = Link::new(PARTNER)
        .v2()
        .origin(hub.base_url())
        .redirect_url("https://partner.example/done")
        .url()
        .unwrap();
    let first = Redirect::parse(&hub.visit(&link).await.unwrap()).unwrap();
    let second = Redirect::parse(&hub.visit(&link).await.unwrap()).unwrap();
    assert_ne!(first.client_id(), second.client_id());
}

/// A receiver that answers `failures` deliveries with 500, then 200 to the rest.
async fn receiver(failures: u64) -> MockServer {
    let server = MockServer::start().await;
    if failures > 0 {
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .up_to_n_times(failures)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

/// The deliveries `server` received, verified with the mock's platform secret, once there are
/// `count` of them (within 20 s).
async fn deliveries(server: &MockServer, count: usize) -> Vec<Event> {
    let verifier = Verifier::new(MockHub::PLATFORM_SECRET).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let received = server.received_requests().await.unwrap();
        if received.len() >= count {
            return received
                .iter()
                .map(|request| {
                    let headers = d360_partner::HeaderMap::from_iter(
                        request.headers.iter().map(|(n, v)| (n.clone(), v.clone())),
                    );
                    verifier.verify(&headers, request.body.clone()).unwrap()
                })
                .collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {count} deliveries",
            received.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_onboarding_is_followed_by_signed_events_resent_with_their_id_until_taken() {
    let hub = sandbox(Sandbox::new().channel_delay(Duration::from_millis(300))).await;
    // The first delivery is refused once: it comes again with the same id.
    let app = receiver(1).await;
    hub.client()
        .patch_partner()
        .partner_id(PARTNER)
        .body(PatchPartnerIn {
            webhook_url: Some(format!("{}/hook", app.uri())),
            ..Default::default()
        })
        .await
        .unwrap();
    let location = hub
        .visit(&link(&hub, "https://partner.example/done", now()))
        .await
        .unwrap();
    let redirect = Redirect::parse(&location).unwrap();
    let events = deliveries(&app, 4).await;
    let names: Vec<&str> = events.iter().map(Event::name).collect();
    assert_eq!(
        names,
        [
            "client_created",
            "client_created",
            "channel_created",
            "channel_running"
        ]
    );
    assert_eq!(events[0].id(), events[1].id(), "a resend keeps its id");
    assert_ne!(events[1].id(), events[2].id());
    assert_eq!(events[0].data()["id"], redirect.client_id());
    let channel = redirect.channel_ids()[0].as_str();
    assert_eq!(events[2].data()["id"], channel);
    assert_eq!(events[2].data()["client_id"], redirect.client_id());
    assert_eq!(events[2].data()["status"], "pending");
    assert_eq!(events[3].data()["id"], channel);
    assert_eq!(events[3].data()["status"], "running");
    // Each is the envelope, signed as the hub signs.
    let received = app.received_requests().await.unwrap();
    for request in &received {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["data", "event", "id"]);
        assert_eq!(
            request.headers["x-360dialog-signature"],
            MockHub::signature(&request.body).as_str()
        );
        assert_eq!(request.url.path(), "/hook");
    }
}

#[tokio::test]
async fn channels_are_listed_page_by_page_and_given_keys_once_they_run() {
    let hub = sandbox(
        Sandbox::new()
            .io_signature(false)
            .channel_delay(Duration::ZERO),
    )
    .await;
    let client = hub.client();
    let mut made = Vec::new();
    for n in 0..3 {
        let link = Link::new(PARTNER)
            .origin(hub.base_url())
            .redirect_url(format!("https://partner.example/done?n={n}"))
            .url()
            .unwrap();
        let redirect = Redirect::parse(&hub.visit(&link).await.unwrap()).unwrap();
        made.push(redirect.channel_ids()[0].clone());
    }
    let path = "/api/v2/partners/{partner_id}/channels";
    let page = |offset: usize, limit: usize| {
        client
            .request(Method::GET, path)
            .path_param("partner_id", PARTNER)
            .query("offset", offset)
            .query("limit", limit)
            .send::<Value>()
    };
    let first = page(0, 2).await.unwrap();
    assert_eq!(
        (
            &first["count"],
            &first["total"],
            &first["limit"],
            &first["offset"]
        ),
        (&json!(2), &json!(3), &json!(2), &json!(0))
    );
    assert!(first["sort"].is_array(), "{first}");
    let second = page(2, 2).await.unwrap();
    assert_eq!(
        (&second["count"], &second["offset"]),
        (&json!(1), &json!(2))
    );
    let listed: Vec<Value> = first["partner_channels"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["partner_channels"].as_array().unwrap())
        .map(|channel| channel["id"].clone())
        .collect();
    assert_eq!(listed, made.iter().map(|id| json!(id)).collect::<Vec<_>>());
    assert_eq!(first["partner_channels"][0]["status"], "running");

    // A running channel's key, as the real hub answers it.
    let keys = "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys";
    let key: Value = client
        .request(Method::POST, keys)
        .path_param("partner_id", PARTNER)
        .path_param("channel_id", &made[0])
        .send()
        .await
        .unwrap();
    let mut fields: Vec<&String> = key.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(fields, ["address", "api_key", "app_id", "id"]);
    // An unknown channel: 404.
    let error = client
        .request(Method::POST, keys)
        .path_param("partner_id", PARTNER)
        .path_param("channel_id", "NOPE")
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(error.developer_message(), Some("Channel NOPE not found"));
}

#[tokio::test]
async fn a_channel_not_running_yet_gets_no_key() {
    let hub = sandbox(
        Sandbox::new()
            .io_signature(false)
            .channel_delay(Duration::from_secs(3600)),
    )
    .await;
    let link = Link::new(PARTNER)
        .origin(hub.base_url())
        .redirect_url("https://partner.example/done")
        .url()
        .unwrap();
    let redirect = Redirect::parse(&hub.visit(&link).await.unwrap()).unwrap();
    let channel = &redirect.channel_ids()[0];
    let error = hub
        .client()
        .request(
            Method::POST,
            "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys",
        )
        .path_param("partner_id", PARTNER)
        .path_param("channel_id", channel)
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(
        error.developer_message(),
        Some(
            format!("Channel {channel} is not running yet: an API key can be generated only for a running channel")
                .as_str()
        )
    );
}

/// The statuses of `n` partner reads from a hub with `faults` and `seed`, with no retries.
async fn statuses(faults: f64, seed: u64, n: usize) -> Vec<(u16, Option<String>)> {
    let hub = sandbox(Sandbox::new().faults(faults).seed(seed)).await;
    let client = Client::builder()
        .api_key(MockHub::API_KEY)
        .base_url(hub.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..n {
        let response = client
            .request(Method::GET, "/api/v2/partners/{partner_id}")
            .path_param("partner_id", PARTNER)
            .send_raw()
            .await
            .unwrap();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|value| value.to_str().unwrap().to_string());
        seen.push((response.status().as_u16(), retry_after));
    }
    // Onboarding pages are never faulted.
    let link = Link::new(PARTNER)
        .origin(hub.base_url())
        .redirect_url("https://partner.example/done")
        .signed(&secret(), now())
        .url()
        .unwrap();
    for _ in 0..5 {
        let error = hub.visit(&link).await.err();
        assert!(
            error
                .as_ref()
                .is_none_or(|e| e.status() == Some(StatusCode::FORBIDDEN)),
            "{error:?}"
        );
    }
    seen
}

#[tokio::test]
async fn faults_are_429_with_retry_after_or_503_and_the_same_under_the_same_seed() {
    let first = statuses(0.5, 7, 40).await;
    assert_eq!(first, statuses(0.5, 7, 40).await);
    assert_ne!(first, statuses(0.5, 8, 40).await);
    let count = |status| first.iter().filter(|(s, _)| *s == status).count();
    assert!(
        count(200) > 0 && count(429) > 0 && count(503) > 0,
        "{first:?}"
    );
    assert_eq!(count(200) + count(429) + count(503), 40);
    for (status, retry_after) in &first {
        let expected = (*status == 429).then(|| "1".to_string());
        assert_eq!(retry_after, &expected, "{status}");
    }
    // None without a rate; every API request with 1.
    assert!(statuses(0.0, 7, 10).await.iter().all(|(s, _)| *s == 200));
    assert!(statuses(1.0, 7, 10).await.iter().all(|(s, _)| *s != 200));
}

#[tokio::test]
async fn a_visit_of_a_hub_that_is_gone_fails_to_connect() {
    let hub = MockHub::sandbox().await;
    let link = link(&hub, "https://partner.example/done", now());
    let other = MockHub::sandbox().await;
    drop(hub);
    let error = other.visit(&link).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");
}
