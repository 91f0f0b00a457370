use super::*;
use crate::call::auth::RequestAuth;
use crate::client::credentials::Auth;
use crate::env;

fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

fn fixed_header(client: &Client) -> (String, bool) {
    match &client.shared.auth {
        RequestAuth::Fixed(name, value) => (name.to_string(), value.is_sensitive()),
        _ => panic!("expected a fixed credential header"),
    }
}

#[test]
fn env_api_key_wins_over_bearer_token_and_credentials() {
    let builder = ClientBuilder::from_lookup(lookup(&[
        (env::API_KEY, "k"),
        (env::BEARER_TOKEN, "t"),
        (env::USERNAME, "u@example.com"),
        (env::PASSWORD, "p"),
    ]))
    .unwrap();
    assert_eq!(builder.auth.as_ref().map(Auth::kind), Some("api_key"));
    let client = builder.build().unwrap();
    assert_eq!(fixed_header(&client), ("x-api-key".into(), true));
}

#[test]
fn env_username_and_password_choose_the_token_flow() {
    let builder = ClientBuilder::from_lookup(lookup(&[
        (env::USERNAME, "u@example.com"),
        (env::PASSWORD, "p"),
    ]))
    .unwrap();
    assert_eq!(
        builder.auth.as_ref().map(Auth::kind),
        Some("username_password")
    );
    let err = ClientBuilder::from_lookup(lookup(&[(env::USERNAME, "u@example.com")]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "invalid client configuration: D360_PARTNER_USERNAME is set but D360_PARTNER_PASSWORD is not"
    );
}

#[test]
fn env_bearer_token_and_base_url() {
    let vars = [
        (env::BEARER_TOKEN, "t"),
        (env::BASE_URL, "http://127.0.0.1:8080/"),
    ];
    let client = ClientBuilder::from_lookup(lookup(&vars))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    assert_eq!(fixed_header(&client), ("authorization".into(), true));
}

#[test]
fn env_without_credentials_names_the_variables_when_building() {
    let builder = ClientBuilder::from_lookup(lookup(&[])).unwrap();
    let err = builder.clone().build().unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid client configuration: no credentials: set D360_PARTNER_API_KEY (or D360_PARTNER_BEARER_TOKEN, or D360_PARTNER_USERNAME and D360_PARTNER_PASSWORD)"
    );
    let err = ClientBuilder::from_lookup(lookup(&[(env::API_KEY, " ")]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "invalid client configuration: D360_PARTNER_API_KEY is set but empty"
    );
}

#[test]
fn bad_base_urls_are_refused_with_the_reason() {
    for (url, why) in [
        ("hub.360dialog.io", "has no scheme: start it with https://"),
        ("https://hub.360dialog.io/api/v2", "ends in /api/v2"),
        ("ftp://hub.360dialog.io", "it must start with https://"),
        ("https://hub.360dialog.io/?x=1", "must not have a query"),
        (
            "https://user:pw@hub.360dialog.io",
            "must not contain user info",
        ),
        (
            "https://user:pw@hub.360dialog.io/?x=1",
            "must not contain user info",
        ),
        (
            "https://hub.360dialog.io/?api_key=pw",
            "must not have a query",
        ),
        (
            "http://hub.360dialog.io",
            "uses plain http:// to a host other than this machine, so credentials would cross the network unencrypted; use https://, or .allow_insecure_http(true)",
        ),
    ] {
        let err = Client::builder()
            .api_key("k")
            .base_url(url)
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{url}: {err}");
        assert!(
            !err.contains("pw@"),
            "the URL's password must not be echoed: {err}"
        );
    }
}

#[test]
fn plain_http_is_allowed_for_loopback_hosts_and_by_explicit_opt_in() {
    for url in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        assert!(
            Client::builder().api_key("k").base_url(url).build().is_ok(),
            "{url}"
        );
    }
    let opted_in = Client::builder()
        .api_key("k")
        .base_url("http://hub.internal")
        .allow_insecure_http(true)
        .build();
    assert!(opted_in.is_ok());
}

#[test]
fn building_without_credentials_fails() {
    let err = Client::builder().build().unwrap_err().to_string();
    assert!(err.contains("no credentials"), "{err}");
}

#[test]
fn a_key_that_cannot_be_a_header_is_refused_without_echoing_it() {
    let err = Client::builder()
        .api_key("bad\nsecret-value")
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "invalid client configuration: the API key contains characters not allowed in an HTTP header"
    );
}

#[test]
fn empty_credentials_are_refused_naming_which() {
    for (builder, what) in [
        (Client::builder().api_key(""), "the API key is empty"),
        (Client::builder().api_key(" "), "the API key is empty"),
        (
            Client::builder().bearer_token(""),
            "the bearer token is empty",
        ),
        (
            Client::builder().credentials("", "p"),
            "the username is empty",
        ),
        (
            Client::builder().credentials("u@example.com", ""),
            "the password is empty",
        ),
    ] {
        assert_eq!(
            builder.build().unwrap_err().to_string(),
            format!("invalid client configuration: {what}")
        );
    }
}

#[test]
fn a_proxy_url_is_checked_and_its_credentials_stay_secret() {
    let builder = Client::builder()
        .api_key("k")
        .proxy("http://user:proxy-pass-9@127.0.0.1:3128");
    assert!(!format!("{builder:?}").contains("proxy-pass-9"));
    assert!(builder.build().is_ok());
    let err = Client::builder()
        .api_key("k")
        .proxy("ftp://user:proxy-pass-9@proxy.internal:2121/x")
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "invalid client configuration: proxy `ftp://proxy.internal:2121`: the scheme must be http, https, socks5 or socks5h"
    );
}

#[test]
fn the_user_agent_names_the_application_then_the_client() {
    let err = Client::builder()
        .api_key("k")
        .user_agent(" ")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: the user agent is empty"
    );
    let err = Client::builder()
        .api_key("k")
        .user_agent("a\nb")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("user agent contains characters"),
        "{err}"
    );
}

#[test]
fn debug_output_redacts_every_kind_of_secret() {
    let builders = [
        Client::builder().api_key("super-secret-key-123"),
        Client::builder().bearer_token("super-secret-key-123"),
        Client::builder().credentials("user@example.com", "super-secret-key-123"),
    ];
    for builder in builders {
        let client = builder.clone().build().unwrap();
        for text in [format!("{builder:?}"), format!("{client:?}")] {
            assert!(!text.contains("super-secret-key-123"), "{text}");
            assert!(text.contains("[redacted]"), "{text}");
        }
    }
}

#[test]
fn a_dry_run_client_needs_no_credentials_and_sends_nothing() {
    let builder = ClientBuilder::from_lookup(lookup(&[]))
        .unwrap()
        .dry_run_only();
    let client = builder.build().unwrap();
    assert!(matches!(
        client.shared.auth,
        RequestAuth::Missing {
            from_environment: true
        }
    ));
    let shown = client
        .request(reqwest::Method::GET, "/api/v2/partners/{id}")
        .path_param("id", "p")
        .dry_run()
        .unwrap();
    assert!(
        shown
            .headers
            .iter()
            .all(|(name, _)| name != "x-api-key" && name != "authorization"),
        "{shown:?}"
    );
    // Credentials given are still checked, and shown redacted.
    let err = Client::builder()
        .api_key(" ")
        .dry_run_only()
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: the API key is empty"
    );
}

#[test]
fn a_builders_debug_shows_the_base_urls_origin_only() {
    let builder = Client::builder()
        .api_key("k")
        .base_url("https://user:pw-secret@gw.example/token-abc/x?q=also-secret");
    let shown = format!("{builder:?}");
    assert!(
        shown.contains("base_url: \"https://gw.example/…\""),
        "{shown}"
    );
    for secret in ["pw-secret", "token-abc", "also-secret", "user:"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let shown = format!("{:?}", Client::builder().base_url("not a url"));
    assert!(shown.contains("base_url: \"[not a URL]\""), "{shown}");
    let shown = format!("{:?}", Client::builder());
    assert!(
        shown.contains("base_url: \"https://hub.360dialog.io\""),
        "{shown}"
    );
}
