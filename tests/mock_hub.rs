//! The `mock` feature's hub: every operation of the spec routed from the operation table,
//! typed answers arranged per operation (fixed or computed), request recording, credentials.

use d360_partner::mock::{MockError, MockHub};
use d360_partner::operations::{self, GET_PARTNER, PATCH_PARTNER};
use d360_partner::types::{PartnerOut, PatchPartnerIn};
use d360_partner::{Client, ErrorKind, Method};
use std::sync::{Arc, Mutex};

fn partner(id: &str) -> PartnerOut {
    PartnerOut {
        id: Some(id.into()),
        brand_name: Some("Mock Partner".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn serves_an_arranged_answer_on_loopback() {
    let hub = MockHub::start().await;
    assert!(
        hub.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        hub.base_url()
    );
    hub.set(GET_PARTNER, Ok(partner("p-1")));
    let got = hub.client().get_partner().partner_id("p-1").await.unwrap();
    assert_eq!(got, partner("p-1"));
}

#[tokio::test]
async fn an_operation_without_an_answer_gets_501_naming_how_to_arrange_one() {
    let hub = MockHub::start().await;
    let error = hub
        .client()
        .patch_partner()
        .partner_id("p-1")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(501));
    assert_eq!(
        error.developer_message(),
        Some(
            "The mock hub has no answer arranged for `patch_partner` (PATCH /api/v2/partners/{partner_id}); \
             arrange one with `hub.set(d360_partner::operations::PATCH_PARTNER, ..)` or `hub.on(..)`"
        )
    );
}

#[tokio::test]
async fn computed_answers_see_the_path_parameters_and_the_typed_body() {
    let hub = MockHub::start().await;
    let stored = Arc::new(Mutex::new(partner("p-1")));
    let for_get = stored.clone();
    hub.on(GET_PARTNER, move |request| {
        let partner = for_get.lock().unwrap().clone();
        match request.path_parameter("partner_id") {
            Some(id) if Some(id) == partner.id.as_deref() => Ok(partner),
            Some(id) => Err(MockError::new(404, format!("Partner {id} not found"))),
            None => unreachable!("the route has the parameter"),
        }
    });
    let for_patch = stored.clone();
    hub.on(PATCH_PARTNER, move |request| {
        let update: PatchPartnerIn = request.body_as()?;
        let mut partner = for_patch.lock().unwrap();
        if let Some(url) = update.webhook_url {
            partner.webhook_url = Some(url);
        }
        Ok(partner.clone())
    });

    let client = hub.client();
    let update = PatchPartnerIn {
        webhook_url: Some("https://new.example/hook".into()),
        ..Default::default()
    };
    let updated = client
        .patch_partner()
        .partner_id("p-1")
        .body(update)
        .await
        .unwrap();
    assert_eq!(
        updated.webhook_url.as_deref(),
        Some("https://new.example/hook")
    );
    let again = client.get_partner().partner_id("p-1").await.unwrap();
    assert_eq!(again, updated);
    let error = client.get_partner().partner_id("a b/c").await.unwrap_err();
    assert_eq!(error.developer_message(), Some("Partner a b/c not found"));

    // A body that is not the operation's type is the 400 the hub would send.
    let error = client.patch_partner().partner_id("p-1").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(
        error
            .developer_message()
            .unwrap()
            .starts_with("Invalid payload: EOF"),
        "{error}"
    );
}

#[tokio::test]
async fn typed_errors_reach_the_client_as_the_hub_sends_them() {
    let hub = MockHub::start().await;
    let mut slow_down = MockError::new(429, "Slow down");
    slow_down.trace_id = "t-429".into();
    hub.set(GET_PARTNER, Err(slow_down));
    let client = Client::builder()
        .api_key(MockHub::API_KEY)
        .base_url(hub.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.get_partner().partner_id("p2").await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status == 429),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 429 Too Many Requests: Slow down (360dialog_trace_id: t-429)"
    );
}

#[tokio::test]
async fn wrong_credentials_get_401_and_the_other_credentials_pass() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner("p-1")));
    let stranger = Client::builder()
        .api_key("wrong")
        .base_url(hub.base_url())
        .build()
        .unwrap();
    let error = stranger.get_partner().partner_id("p-1").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        error.developer_message(),
        Some("Invalid or missing credentials")
    );

    let bearer = Client::builder()
        .bearer_token(MockHub::BEARER_TOKEN)
        .base_url(hub.base_url())
        .build()
        .unwrap();
    bearer.get_partner().partner_id("p-1").await.unwrap();
    hub.token_client()
        .get_partner()
        .partner_id("p-1")
        .await
        .unwrap();
    assert_eq!(hub.token_requests(), 1);
}

#[tokio::test]
async fn records_every_request_in_order_with_its_operation() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner("p-1")));
    hub.set(PATCH_PARTNER, Ok(partner("p-1")));
    let client = hub.client();
    client.get_partner().partner_id("p-1").await.unwrap();
    let update = PatchPartnerIn {
        allow_client_to_add_phone_no: Some(false),
        ..Default::default()
    };
    client
        .patch_partner()
        .partner_id("p-1")
        .body(update)
        .await
        .unwrap();
    let unknown = reqwest_get(&format!("{}/api/v2/nowhere", hub.base_url())).await;
    assert_eq!(unknown, 501, "a path of no operation and no arranged route");

    let requests = hub.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        (
            requests[0].method.as_str(),
            requests[0].path.as_str(),
            requests[0].operation
        ),
        ("GET", "/api/v2/partners/p-1", Some("get_partner"))
    );
    assert_eq!(requests[1].method, "PATCH");
    assert_eq!(
        requests[1].json(),
        Some(serde_json::json!({"allow_client_to_add_phone_no": false}))
    );
    assert_eq!(requests[1].header("X-API-Key"), Some(MockHub::API_KEY));
    assert_eq!(requests[2].operation, None);
    assert_eq!(hub.requests_to(PATCH_PARTNER).len(), 1);
}

#[tokio::test]
async fn every_operation_of_the_spec_is_routed() {
    let hub = MockHub::start().await;
    for info in operations::ALL {
        // An unarranged operation answers 501 naming itself: the route exists.
        let path = info.path().replace('{', "x").replace('}', "");
        let client = hub.client();
        let mut call = client.call(info);
        for parameter in info.parameters().iter().filter(|p| p.required()) {
            let value = serde_json::json!(format!("x{}", parameter.name()));
            call = call.parameter(parameter.name(), value);
        }
        let response = call.send().await.unwrap_err();
        assert_eq!(
            response.status().map(|s| s.as_u16()),
            Some(501),
            "{}",
            info.id()
        );
        let recorded = hub.requests().pop().unwrap();
        assert_eq!(recorded.operation, Some(info.id()), "{path}");
    }
}

/// A GET with the hub's API key by plain reqwest; returns the status.
async fn reqwest_get(url: &str) -> u16 {
    // The crate's rustls build has no process-wide crypto provider; reqwest needs one.
    let _ = crate::common::ring_provider().install_default();
    reqwest::Client::new()
        .get(url)
        .header("x-api-key", MockHub::API_KEY)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

const API_KEYS: &str = "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys";

#[tokio::test]
async fn a_route_the_spec_lacks_answers_json_typed_or_computed_and_is_recorded() {
    #[derive(serde::Serialize)]
    struct Balance {
        balance: f64,
    }
    let hub = MockHub::start().await;
    hub.route(
        Method::GET,
        "/api/v2/partners/{partner_id}/balance",
        Ok(Balance { balance: 4.5 }),
    );
    hub.on_route(Method::POST, API_KEYS, |request| {
        let body: serde_json::Value = request.body_as()?;
        Ok(serde_json::json!({
            "api_key": format!("key-of-{}", request.path_parameter("channel_id").unwrap()),
            "name": body["name"],
        }))
    });
    hub.route(
        Method::DELETE,
        "/api/v2/partners/{partner_id}/thing",
        Ok(()),
    );
    let client = hub.client();

    let balance: serde_json::Value = client
        .request(Method::GET, "/api/v2/partners/{partner_id}/balance")
        .path_param("partner_id", "p-1")
        .send()
        .await
        .unwrap();
    assert_eq!(balance, serde_json::json!({"balance": 4.5}));
    let key: serde_json::Value = client
        .request(Method::POST, API_KEYS)
        .path_param("partner_id", "p-1")
        .path_param("channel_id", "c 1")
        .json(&serde_json::json!({"name": "ci"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        key,
        serde_json::json!({"api_key": "key-of-c 1", "name": "ci"})
    );
    client
        .request(Method::DELETE, "/api/v2/partners/{partner_id}/thing")
        .path_param("partner_id", "p-1")
        .send::<()>()
        .await
        .unwrap();
    assert_eq!(
        hub.requests().last().map(|r| r.method.as_str()),
        Some("DELETE")
    );

    let recorded = hub.requests_to_route(Method::POST, API_KEYS);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].route.as_deref(), Some(API_KEYS));
    assert_eq!(recorded[0].operation, None);
    assert_eq!(
        recorded[0].path_parameters,
        [
            ("partner_id".to_string(), "p-1".to_string()),
            ("channel_id".into(), "c 1".into())
        ]
    );
    assert!(
        hub.requests_to_route(Method::GET, API_KEYS).is_empty(),
        "by method too"
    );
}

#[tokio::test]
async fn an_unarranged_route_gets_501_naming_how_to_arrange_it() {
    let hub = MockHub::start().await;
    let error = hub
        .client()
        .request(Method::POST, API_KEYS)
        .path_param("partner_id", "p-1")
        .path_param("channel_id", "c-1")
        .send::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(501));
    assert_eq!(
        error.developer_message(),
        Some(
            "The mock hub has no answer arranged for POST /api/v2/partners/p-1/channels/c-1/api_keys, \
             which is no operation of the spec; arrange one with \
             `hub.route(Method::POST, \"/api/v2/partners/p-1/channels/c-1/api_keys\", ..)` \
             (a `{placeholder}` matches one segment) or `hub.on_route(..)`"
        )
    );
}

#[tokio::test]
async fn a_recorded_request_shows_its_body_as_text_and_hides_credentials() {
    let hub = MockHub::start().await;
    hub.route(Method::POST, "/api/v2/echo", Ok(serde_json::json!({})));
    hub.client()
        .request(Method::POST, "/api/v2/echo")
        .json(&serde_json::json!({"name": "Acme"}))
        .query("q", "1")
        .send::<serde_json::Value>()
        .await
        .unwrap();
    let recorded = hub.requests().remove(0);
    let shown = format!("{recorded:?}");
    assert!(shown.contains(r#"body: "{\"name\":\"Acme\"}""#), "{shown}");
    assert!(shown.contains(r#"("x-api-key", "[redacted]")"#), "{shown}");
    assert!(!shown.contains(MockHub::API_KEY), "{shown}");
    assert_eq!(recorded.body_text(), r#"{"name":"Acme"}"#);
    assert_eq!(recorded.query_parameter("q").as_deref(), Some("1"));
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Named {
        name: String,
    }
    assert_eq!(
        recorded.body_as::<Named>(),
        Ok(Named {
            name: "Acme".into()
        })
    );
}

/// A client of the hub at `url` that retries `retries` times.
fn client_of(url: &str, retries: u32) -> Client {
    Client::builder()
        .api_key(MockHub::API_KEY)
        .base_url(url)
        .max_retries(retries)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_dropped_hub_is_gone_and_its_old_url_fails_to_connect() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner("p-1")));
    // A client that keeps an idle connection to the hub, as a user's client would. The hub's
    // end of it is closed by the drop, which the client learns by using it: that attempt
    // breaks off, and the GET is sent again on a new connection, which is refused.
    let kept = client_of(&hub.base_url(), 1);
    kept.get_partner().partner_id("p-1").await.unwrap();
    let url = hub.base_url();
    drop(hub);
    let fresh = client_of(&url, 0);
    for (name, client) in [
        ("a client with a connection", kept),
        ("a new client", fresh),
    ] {
        let error = client.get_partner().partner_id("p-1").await.unwrap_err();
        assert!(error.is_connect(), "{name}: {error:?}");
        assert!(!error.request_sent(), "{name}");
        assert_eq!(
            error.to_string(),
            format!("could not connect to {url}"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_new_hub_never_answers_with_an_older_hubs_arrangement_nor_the_other_way_round() {
    let old = MockHub::start().await;
    old.set(GET_PARTNER, Ok(partner("old")));
    let old_client = client_of(&old.base_url(), 1);
    assert_eq!(
        old_client.get_partner().partner_id("p").await.unwrap(),
        partner("old")
    );
    drop(old);

    let new = MockHub::start().await;
    // The old arrangement is not the new hub's: nothing is arranged there yet.
    let error = new
        .client()
        .get_partner()
        .partner_id("p")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(501), "{error}");
    new.set(GET_PARTNER, Ok(partner("new")));
    assert_eq!(
        new.client().get_partner().partner_id("p").await.unwrap(),
        partner("new")
    );
    // Nor is the new arrangement served on the old hub's URL.
    let error = old_client.get_partner().partner_id("p").await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(
        new.requests().len(),
        2,
        "only the new hub's own client reached it"
    );

    // Hub after hub, each answers with its own arrangement only.
    for n in 0..5 {
        let hub = MockHub::start().await;
        let id = format!("hub-{n}");
        hub.set(GET_PARTNER, Ok(partner(&id)));
        let got = hub.client().get_partner().partner_id("p").await.unwrap();
        assert_eq!(got, partner(&id));
        assert_eq!(hub.requests().len(), 1, "{id}");
    }
}
