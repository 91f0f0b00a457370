//! The builder's HTTP options (proxy, extra root certificate, user agent, local address, a
//! `reqwest::ClientBuilder` of the caller's own) take effect, and with each of them the
//! builder's guards still hold: plain `http://` to another host is refused, credentials are
//! required, redirects are not followed, the user agent keeps the client's name.

use crate::common;

use common::{API_KEY, PARTNER_ID, partner_json};
use d360_partner::{Client, ClientBuilder, Error, ErrorKind};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CA: &[u8] = include_bytes!("fixtures/tls/ca.pem");
const HUB_CERTIFICATE: &[u8] = include_bytes!("fixtures/tls/hub.pem");
const HUB_KEY: &[u8] = include_bytes!("fixtures/tls/hub.key");

type Option_ = Box<dyn Fn(ClientBuilder) -> ClientBuilder>;

/// Each option with a value that builds (the proxy and address point at this machine).
fn options() -> Vec<(&'static str, Option_)> {
    vec![
        (
            "proxy",
            Box::new(|b: ClientBuilder| b.proxy("http://127.0.0.1:9")),
        ),
        (
            "add_root_certificate",
            Box::new(|b: ClientBuilder| b.add_root_certificate(CA)),
        ),
        (
            "user_agent",
            Box::new(|b: ClientBuilder| b.user_agent("acme-onboarding/2.1")),
        ),
        (
            "local_address",
            Box::new(|b: ClientBuilder| b.local_address(IpAddr::from([127, 0, 0, 1]))),
        ),
        ("http", Box::new(|b: ClientBuilder| b.http(their_builder()))),
    ]
}

/// A caller's own reqwest builder, set to do what the client's guards forbid: follow
/// redirects, call itself something else, wait a minute.
fn their_builder() -> reqwest::ClientBuilder {
    d360_partner::reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(10))
        .user_agent("their-agent/9")
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(1)
}

fn with_key(option: &Option_) -> ClientBuilder {
    option(
        Client::builder()
            .api_key(API_KEY)
            .timeout(Duration::from_secs(5)),
    )
}

#[test]
fn with_every_option_plain_http_to_another_host_is_refused() {
    for (name, option) in options() {
        let error = with_key(&option)
            .base_url("http://hub.partner.example")
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid client configuration: base URL `http://hub.partner.example` uses plain http:// to a host other than this machine, so credentials would cross the network unencrypted; use https://, or .allow_insecure_http(true) if you must",
            "{name}"
        );
        let opted_in = with_key(&option)
            .base_url("http://hub.partner.example")
            .allow_insecure_http(true)
            .build();
        assert!(opted_in.is_ok(), "{name}: {opted_in:?}");
    }
}

#[test]
fn with_every_option_credentials_are_required() {
    for (name, option) in options() {
        let error = option(Client::builder()).build().unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid client configuration: no credentials: call .api_key(..), .bearer_token(..) or .credentials(..)",
            "{name}"
        );
    }
}

/// A server on 127.0.0.1 answering every request with a redirect to `target`.
async fn redirecting_to(target: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header("location", target))
        .mount(&server)
        .await;
    server
}

/// A server on 127.0.0.1 answering every request with the partner.
async fn serving_the_partner() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(partner_json()))
        .mount(&server)
        .await;
    server
}

/// The call ended with the 307 itself, and `elsewhere` received nothing.
async fn assert_not_followed(
    result: Result<d360_partner::types::PartnerOut, Error>,
    elsewhere: &MockServer,
    name: &str,
) {
    let error = result.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::UnexpectedStatus { status } if *status == 307),
        "{name}: {error:?}"
    );
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "{name}: the redirect was followed"
    );
}

#[tokio::test]
async fn with_the_user_agent_a_local_address_or_their_builder_redirects_are_not_followed() {
    let elsewhere = MockServer::start().await;
    let hub = redirecting_to(&format!("{}/stolen", elsewhere.uri())).await;
    for (name, option) in options() {
        if matches!(name, "user_agent" | "local_address" | "http") {
            let client = with_key(&option).base_url(hub.uri()).build().unwrap();
            assert_not_followed(
                client.get_partner().partner_id(PARTNER_ID).await,
                &elsewhere,
                name,
            )
            .await;
        }
    }
}

#[tokio::test]
async fn the_user_agent_names_the_application_then_the_client() {
    let hub = serving_the_partner().await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(hub.uri())
        .user_agent("acme-onboarding/2.1")
        .build()
        .unwrap();
    client.get_partner().partner_id(PARTNER_ID).await.unwrap();
    let request = &hub.received_requests().await.unwrap()[0];
    assert_eq!(
        request.headers["user-agent"],
        concat!(
            "acme-onboarding/2.1 d360-partner-rust/",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[tokio::test]
async fn requests_go_through_the_proxy_which_cannot_redirect_them() {
    let proxy = serving_the_partner().await;
    // The hub's name does not resolve: only the proxy can reach it.
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url("http://hub.partner.invalid")
        .allow_insecure_http(true)
        .proxy(proxy.uri())
        .build()
        .unwrap();
    let partner = client.get_partner().partner_id(PARTNER_ID).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));
    let request = &proxy.received_requests().await.unwrap()[0];
    assert_eq!(request.url.path(), format!("/api/v2/partners/{PARTNER_ID}"));
    assert_eq!(request.headers["host"], "hub.partner.invalid");
    assert_eq!(request.headers["x-api-key"], API_KEY);

    let elsewhere = MockServer::start().await;
    let redirecting_proxy = redirecting_to(&format!("{}/stolen", elsewhere.uri())).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url("http://hub.partner.invalid")
        .allow_insecure_http(true)
        .proxy(redirecting_proxy.uri())
        .build()
        .unwrap();
    assert_not_followed(
        client.get_partner().partner_id(PARTNER_ID).await,
        &elsewhere,
        "proxy",
    )
    .await;
}

#[tokio::test]
async fn the_connection_comes_from_the_local_address() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = partner_json().to_string();
    let server = tokio::spawn(async move {
        let (mut stream, peer): (_, SocketAddr) = listener.accept().await.unwrap();
        read_head(&mut stream).await;
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).await.unwrap();
        peer.ip()
    });
    // Linux answers all of 127.0.0.0/8, so a second loopback address shows the binding.
    let local = IpAddr::from([127, 0, 0, 2]);
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .local_address(local)
        .build()
        .unwrap();
    client.get_partner().partner_id(PARTNER_ID).await.unwrap();
    let peer = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(peer, local);
}

/// An HTTPS server on 127.0.0.1 with the test CA's certificate, answering every connection's
/// request with `response` (a whole HTTP/1.1 response). Returns its port.
async fn https_server(response: String) -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(HUB_CERTIFICATE)
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_slice(HUB_KEY).unwrap();
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(crate::common::ring_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certificates, key)
            .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let response = response.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to answer.
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                read_head(&mut stream).await;
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    port
}

/// Reads a request's head (up to the blank line), bounded in time.
async fn read_head(stream: &mut (impl AsyncReadExt + Unpin)) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    let read = async {
        while !head.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                break;
            }
            head.push(byte[0]);
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), read).await;
}

#[tokio::test]
async fn an_extra_root_certificate_is_trusted_and_its_server_cannot_redirect() {
    let body = partner_json().to_string();
    let ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let port = https_server(ok).await;
    let base_url = format!("https://localhost:{port}");

    let untrusted = Client::builder()
        .api_key(API_KEY)
        .base_url(&base_url)
        .max_retries(0)
        .build()
        .unwrap();
    let error = untrusted
        .get_partner()
        .partner_id(PARTNER_ID)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Transport(t) if t.is_connect()),
        "{error:?}"
    );
    assert!(
        !error.request_sent(),
        "no request leaves before the handshake"
    );
    let chain = format!("{:#}", anyhow::Error::from(error));
    assert!(
        chain.contains("invalid peer certificate: UnknownIssuer"),
        "{chain}"
    );

    let trusting = Client::builder()
        .api_key(API_KEY)
        .base_url(&base_url)
        .add_root_certificate(CA)
        .build()
        .unwrap();
    let partner = trusting.get_partner().partner_id(PARTNER_ID).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));

    let elsewhere = MockServer::start().await;
    let redirect = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {}/stolen\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        elsewhere.uri()
    );
    let port = https_server(redirect).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("https://localhost:{port}"))
        .add_root_certificate(CA)
        .build()
        .unwrap();
    assert_not_followed(
        client.get_partner().partner_id(PARTNER_ID).await,
        &elsewhere,
        "add_root_certificate",
    )
    .await;
}

#[test]
fn a_root_certificate_that_is_not_pem_is_refused_naming_it() {
    let error = Client::builder()
        .api_key(API_KEY)
        .add_root_certificate(CA)
        .add_root_certificate(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: root certificate #2 (in the order added) is not a PEM certificate: it holds no PEM certificate"
    );
}

#[tokio::test]
async fn their_builder_is_used_and_the_client_keeps_its_name_and_timeouts() {
    let hub = serving_the_partner().await;
    let address = hub.address();
    // A custom resolver: the name exists only in their builder.
    let http = their_builder()
        .resolve("hub.partner.test", *address)
        .default_headers(
            [(
                reqwest::header::HeaderName::from_static("x-deployment"),
                reqwest::header::HeaderValue::from_static("eu-1"),
            )]
            .into_iter()
            .collect(),
        );
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://hub.partner.test:{}", address.port()))
        .allow_insecure_http(true)
        .http(http)
        .user_agent("acme-onboarding/2.1")
        .build()
        .unwrap();
    let partner = client.get_partner().partner_id(PARTNER_ID).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));
    let request = &hub.received_requests().await.unwrap()[0];
    assert_eq!(
        request.headers["host"],
        format!("hub.partner.test:{}", address.port()).as_str()
    );
    assert_eq!(request.headers["x-deployment"], "eu-1");
    assert_eq!(request.headers["x-api-key"], API_KEY);
    assert_eq!(
        request.headers["user-agent"],
        concat!(
            "acme-onboarding/2.1 d360-partner-rust/",
            env!("CARGO_PKG_VERSION")
        ),
        "their user agent is replaced"
    );

    // Their builder's minute-long timeout is replaced by the client's.
    let hub = d360_partner::mock::MockHub::start().await;
    hub.set(d360_partner::operations::GET_PARTNER, Ok(common::partner()));
    hub.push_fault(d360_partner::mock::MockFault::status(200).delay(Duration::from_secs(5)));
    let client = Client::builder()
        .api_key(d360_partner::mock::MockHub::API_KEY)
        .base_url(hub.base_url())
        .http(their_builder())
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.get_partner().partner_id("p").await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn with_their_builder_tls_stays_the_clients() {
    let body = partner_json().to_string();
    let ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let port = https_server(ok).await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(format!("https://localhost:{port}"))
        .http(their_builder())
        .add_root_certificate(CA)
        .build()
        .unwrap();
    let partner = client.get_partner().partner_id(PARTNER_ID).await.unwrap();
    assert_eq!(partner.id.as_deref(), Some(PARTNER_ID));
}

#[test]
fn their_builder_replaces_the_proxy_and_local_address_and_builds_one_client() {
    for (option, configure) in [
        (
            "proxy",
            Box::new(|b: ClientBuilder| b.proxy("http://127.0.0.1:9")) as Option_,
        ),
        (
            "local_address",
            Box::new(|b: ClientBuilder| b.local_address(IpAddr::from([127, 0, 0, 1]))),
        ),
    ] {
        let error = configure(Client::builder().api_key(API_KEY).http(their_builder()))
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "invalid client configuration: `.{option}(..)` does not apply with `.http(..)`: set it on the reqwest::ClientBuilder given there"
            )
        );
    }
    let secret_header = reqwest::header::HeaderValue::from_static("Basic c2VjcmV0LXByb3h5");
    let http = their_builder().default_headers(
        [(reqwest::header::PROXY_AUTHORIZATION, secret_header)]
            .into_iter()
            .collect(),
    );
    let builder = Client::builder().api_key(API_KEY).http(http);
    let shown = format!("{builder:?}");
    assert!(shown.contains("a reqwest::ClientBuilder"), "{shown}");
    assert!(!shown.contains("c2VjcmV0"), "{shown}");
    let first = builder.clone().build();
    assert!(first.is_ok(), "{first:?}");
    assert_eq!(
        builder.build().unwrap_err().to_string(),
        "invalid client configuration: the reqwest::ClientBuilder given to `.http(..)` was taken by an earlier build() of this builder or a clone of it; give each build its own"
    );
}
