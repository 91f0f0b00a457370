use super::*;
use bytes::Bytes;

fn api(status: u16, body: &str) -> Error {
    let status = StatusCode::from_u16(status).unwrap();
    ErrorKind::Api(ApiError::new(
        status,
        None,
        &Bytes::copy_from_slice(body.as_bytes()),
    ))
    .into()
}

#[test]
fn display_names_status_message_and_trace_id() {
    let error = api(
        404,
        r#"{"meta":{"developer_message":"Partner not found","http_code":404,"success":false,"360dialog_trace_id":"t-1"}}"#,
    );
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 404 Not Found: Partner not found (360dialog_trace_id: t-1)"
    );
    assert_eq!(error.trace_id(), Some("t-1"));
    assert!(!error.is_retryable());
    assert!(error.request_sent());
}

#[test]
fn bodies_of_other_shapes_still_decode_and_show() {
    let error = api(
        401,
        r#"{"error":"invalid_grant","error_description":"bad password"}"#,
    );
    assert!(error.to_string().contains("bad password"), "{error}");
    let error = api(502, "<html><body>Bad Gateway</body></html>");
    assert_eq!(
        error.to_string(),
        "360dialog API error: HTTP 502 Bad Gateway; the body is not a hub error, it starts with: \"<html><body>Bad Gateway</body></html>\""
    );
    assert!(error.is_retryable());
}

#[test]
fn server_texts_of_any_length_give_a_bounded_message() {
    let long = "x".repeat(1_000_000);
    let body = serde_json::json!({"meta": {"developer_message": long, "360dialog_trace_id": long}});
    let error = api(500, &body.to_string());
    assert!(
        error.to_string().len() < 3 * BODY_PREFIX_LIMIT,
        "{}",
        error.to_string().len()
    );
    assert_eq!(
        error.developer_message().map(str::len),
        Some(1_000_000),
        "the field keeps it all"
    );
}

#[test]
fn a_page_failure_is_the_request_error_with_its_page_as_context() {
    let body =
        r#"{"meta":{"developer_message":"Database unavailable","360dialog_trace_id":"t-5"}}"#;
    let failed = api(500, body).on_page("get_clients", 20);
    let api = failed.as_api().expect("the page's request got an answer");
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(api.raw_body(), body.as_bytes());
    assert_eq!(failed.developer_message(), Some("Database unavailable"));
    assert_eq!(
        failed.page().map(|p| (p.operation(), p.offset())),
        Some(("get_clients", 20))
    );
    assert_eq!(
        failed.to_string(),
        "get_clients: the page at offset 20 failed: 360dialog API error: HTTP 500 Internal Server Error: Database unavailable (360dialog_trace_id: t-5)"
    );
    let inconsistent: Error = ErrorKind::InconsistentPage("offsets".into()).into();
    let inconsistent = inconsistent.on_page("get_clients", 100);
    assert!(inconsistent.as_api().is_none() && inconsistent.request_sent());
    assert_eq!(
        inconsistent.to_string(),
        "get_clients: the page at offset 100 ends the list: offsets"
    );
}

/// The error of a request to a port nothing listens on.
async fn refused() -> reqwest::Error {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    crate::client::tls::configure(reqwest::Client::builder(), &[])
        .unwrap()
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_transport_error_keeps_the_origin_of_the_url_only() {
    for (url, origin) in [
        (
            "https://user:pw@hub.example:443/p/secret?key=v#f",
            "https://hub.example",
        ),
        ("http://hub.example:8080/p", "http://hub.example:8080"),
        ("http://[::1]:9/", "http://[::1]:9"),
    ] {
        let url = reqwest::Url::parse(url).unwrap();
        let mut error = TransportError::new(refused().await, &url);
        assert!(error.is_connect());
        assert_eq!(error.origin(), origin);
        assert_eq!(error.attempts(), 1);
        assert_eq!(error.to_string(), format!("could not connect to {origin}"));
        error.set_attempts(4);
        let error: Error = ErrorKind::Transport(error).into();
        assert_eq!(error.attempts(), Some(4));
        assert!(error.is_connect() && !error.request_sent());
        assert_eq!(error.to_string(), format!("could not connect to {origin}"));
    }
}

#[tokio::test]
async fn a_login_that_got_no_answer_counts_its_attempts_and_names_the_origin() {
    let url = reqwest::Url::parse("http://127.0.0.1:9/api/v2/token").unwrap();
    let mut transport = TransportError::new(refused().await, &url);
    transport.set_attempts(3);
    let error: Error = ErrorKind::Auth(AuthError::unanswered(transport)).into();
    assert_eq!(error.attempts(), Some(3));
    assert!(error.as_transport().is_some_and(TransportError::is_connect));
    assert!(error.is_retryable() && !error.request_sent());
    assert_eq!(
        error.to_string(),
        "authentication failed: the token endpoint at http://127.0.0.1:9 did not answer"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn errors_refused_before_sending_say_so_and_carry_their_cause() {
    let missing = Error::invalid(
        "get_partner",
        RequestCause::MissingParameter {
            location: crate::operations::Location::Path,
            name: "partner_id",
        },
    );
    assert_eq!(
        missing.to_string(),
        "invalid request: get_partner: the required path parameter `partner_id` is not set"
    );
    let config: Error = ErrorKind::Config(ConfigError::BaseUrl(BaseUrlError {
        shown: Some("https://hub.360dialog.io".into()),
        problem: BaseUrlProblem::ApiPrefix { prefix: "/api/v2" },
    }))
    .into();
    let credentials: Error = ErrorKind::Credentials(CredentialsError::Incomplete {
        given: Credential::Username,
        missing: Credential::Password,
    })
    .into();
    assert_eq!(
        credentials.to_string(),
        "invalid client configuration: D360_PARTNER_USERNAME is set but D360_PARTNER_PASSWORD is not"
    );
    for error in [missing, config, credentials] {
        assert!(!error.request_sent(), "{error}");
        assert!(std::error::Error::source(&error).is_none());
        assert!(error.attempts().is_none());
    }
}

#[test]
fn an_error_is_one_pointer_wide() {
    assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
}
