//! The built `d360` binary, run as a script would run it, against the mock hub on 127.0.0.1:
//! stdout, stderr and the exit code of every case asserted exactly.

use crate::common;

use common::{Run, failed, ok, on_a_terminal};
use d360_partner::Method;
use d360_partner::mock::{MockError, MockFault, MockHub};
use d360_partner::operations::{GET_PARTNER, PATCH_PARTNER};
use d360_partner::types::PartnerOut;
use serde_json::json;

/// Runs `d360 args` with only `env` set, `stdin` piped in (see [`common::run`]).
async fn d360(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    common::run(
        env!("CARGO_BIN_EXE_d360"),
        args,
        env,
        stdin.unwrap_or_default(),
    )
    .await
}

/// The environment of a script talking to the hub at `base_url` with its API key.
fn env(base_url: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("D360_PARTNER_API_KEY", MockHub::API_KEY),
        ("D360_PARTNER_BASE_URL", base_url),
    ]
}

async fn d360_on(hub: &MockHub, args: &[&str]) -> Run {
    d360(args, &env(&hub.base_url()), None).await
}

fn partner() -> PartnerOut {
    PartnerOut {
        id: Some("p-1".into()),
        brand_name: Some("Acme".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_operation_prints_the_hubs_answer_as_one_line_of_json() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    let run = d360_on(&hub, &["get-partner", "--partner-id", "p-1"]).await;
    assert_eq!(run, ok("{\"brand_name\":\"Acme\",\"id\":\"p-1\"}\n"));
    assert_eq!(hub.requests_to(GET_PARTNER)[0].path, "/api/v2/partners/p-1");
}

#[tokio::test]
async fn every_field_the_hub_sent_is_printed_in_its_order_even_unknown_ones() {
    let hub = MockHub::start().await;
    hub.route(
        Method::GET,
        "/api/v2/partners/{partner_id}",
        Ok(json!({"id": "p-1", "new_field": {"b": 1, "a": [true]}, "brand_name": "Acme"})),
    );
    let run = d360_on(&hub, &["get-partner", "--partner-id", "p-1"]).await;
    assert_eq!(
        run,
        ok("{\"id\":\"p-1\",\"new_field\":{\"b\":1,\"a\":[true]},\"brand_name\":\"Acme\"}\n")
    );
}

#[tokio::test]
async fn on_a_terminal_the_answer_is_pretty_printed() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    let command = format!(
        "{} get-partner --partner-id p-1",
        env!("CARGO_BIN_EXE_d360")
    );
    let (code, shown) = on_a_terminal(&command, &env(&hub.base_url())).await;
    assert_eq!(
        (code, shown.as_str()),
        (0, "{\n  \"brand_name\": \"Acme\",\n  \"id\": \"p-1\"\n}\n")
    );
}

#[tokio::test]
async fn hub_flags_belong_to_the_commands_that_call_the_hub() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    let key = [("D360_PARTNER_API_KEY", MockHub::API_KEY)];
    let url = hub.base_url();
    let run = d360(
        &["get-partner", "--partner-id", "p-1", "--base-url", &url],
        &key,
        None,
    )
    .await;
    assert_eq!(run, ok("{\"brand_name\":\"Acme\",\"id\":\"p-1\"}\n"));
    let run = d360(
        &[
            "get-partner",
            "--partner-id",
            "p-1",
            "-v",
            "--base-url",
            &url,
        ],
        &key,
        None,
    )
    .await;
    assert!(run.stderr.contains("d360_partner.request"), "{run:?}");
    // Where a flag would do nothing it is a usage error, not silently ignored.
    for args in [
        vec![
            "onboarding",
            "parse",
            "--base-url",
            &url,
            "https://p.example/?client=c",
        ],
        vec!["webhook", "verify", "--dry-run", "--signature", "00"],
        vec!["completion", "bash", "--base-url", &url],
        vec!["mock", "--dry-run"],
        vec!["--base-url", &url, "get-partner", "--partner-id", "p-1"],
    ] {
        let run = d360(&args, &key, None).await;
        assert_eq!(run.code, 2, "{args:?} {run:?}");
        assert!(
            run.stderr.starts_with("error: unexpected argument '--"),
            "{args:?} {run:?}"
        );
        assert_eq!(hub.requests_to(GET_PARTNER).len(), 2, "{args:?}");
    }
}

#[tokio::test]
async fn partner_id_defaults_to_the_environment() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    let url = hub.base_url();
    let mut env = env(&url);
    env.push(("D360_PARTNER_ID", "p-from-env"));
    let run = d360(&["get-partner"], &env, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        hub.requests_to(GET_PARTNER)[0].path,
        "/api/v2/partners/p-from-env"
    );
}

#[tokio::test]
async fn the_body_holds_only_what_was_given_flags_over_the_file() {
    let hub = MockHub::start().await;
    hub.set(PATCH_PARTNER, Ok(partner()));
    let run = d360_on(
        &hub,
        &[
            "patch-partner",
            "--partner-id",
            "p-1",
            "--webhook-url",
            "https://a.example/hook",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        hub.requests_to(PATCH_PARTNER)[0].body_text(),
        r#"{"webhook_url":"https://a.example/hook"}"#
    );

    let file = std::env::temp_dir().join(format!("d360-body-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"{"webhook_url": "https://file.example", "allow_client_to_add_phone_no": false}"#,
    )
    .unwrap();
    let run = d360_on(
        &hub,
        &[
            "patch-partner",
            "--partner-id",
            "p-1",
            "--body",
            file.to_str().unwrap(),
            "--webhook-url",
            "https://flag.example",
        ],
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        hub.requests_to(PATCH_PARTNER)[1].body_text(),
        r#"{"webhook_url":"https://flag.example","allow_client_to_add_phone_no":false}"#
    );

    let url = hub.base_url();
    let env = env(&url);
    let run = d360(
        &[
            "patch-partner",
            "--partner-id",
            "p-1",
            "--body",
            "-",
            "--allow-client-to-add-phone-no",
            "true",
        ],
        &env,
        Some(r#"{"partner_redirect_url": "https://stdin.example"}"#),
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        hub.requests_to(PATCH_PARTNER)[2].body_text(),
        r#"{"partner_redirect_url":"https://stdin.example","allow_client_to_add_phone_no":true}"#
    );
}

#[tokio::test]
async fn bad_input_is_a_usage_error_naming_it_and_nothing_is_sent() {
    let hub = MockHub::start().await;
    let url = hub.base_url();
    let env = env(&url);
    let run = d360(
        &["patch-partner", "--partner-id", "p-1", "--body", "-"],
        &env,
        Some(r#"{"nope": 1}"#),
    )
    .await;
    assert_eq!(
        run,
        failed(
            2,
            "error: the body has `nope`, which the request body of `patch-partner` does not have (it has: webhook_url, partner_redirect_url, allow_client_to_add_phone_no)\n\nUsage: d360 patch-partner [OPTIONS] --partner-id <TEXT>\n\nFor more information, try '--help'.\n"
        )
    );
    let run = d360(
        &["patch-partner", "--partner-id", "p-1", "--body", "-"],
        &env,
        Some("{not json"),
    )
    .await;
    assert_eq!(
        run,
        failed(
            2,
            "error: --body -: not JSON: key must be a string at line 1 column 2\n\nUsage: d360 patch-partner [OPTIONS] --partner-id <TEXT>\n\nFor more information, try '--help'.\n"
        )
    );
    let run = d360(
        &[
            "patch-partner",
            "--partner-id",
            "p-1",
            "--allow-client-to-add-phone-no",
            "maybe",
        ],
        &env,
        None,
    )
    .await;
    assert_eq!(
        run,
        failed(
            2,
            "error: invalid value 'maybe' for '--allow-client-to-add-phone-no <true|false>'\n  [possible values: true, false]\n\nFor more information, try '--help'.\n"
        )
    );
    // Without credentials too: input is checked before the client is built.
    let run = d360(
        &["patch-partner", "--partner-id", "p-1", "--body", "-"],
        &[],
        Some(r#"{"nope": 1}"#),
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with("error: the body has `nope`"),
        "{run:?}"
    );
    let run = d360(&["get-partner"], &env, None).await;
    assert_eq!(
        run,
        failed(
            2,
            "error: the following required arguments were not provided:\n  --partner-id <TEXT>\n\n  tip: give --partner-id, or set D360_PARTNER_ID once for every command\n\nUsage: d360 get-partner --partner-id <TEXT>\n\nFor more information, try '--help'.\n"
        )
    );
    let run = d360(&["get-partner", "--partner-id", ""], &env, None).await;
    assert_eq!(
        run,
        failed(
            2,
            "d360: invalid request: get_partner: the path parameter `partner_id` is empty, which would send the request to another path\n"
        )
    );
    assert!(hub.requests().is_empty());
}

#[tokio::test]
async fn a_4xx_is_exit_3_with_the_hubs_message_and_trace_id() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Err(MockError::new(404, "Partner not found")));
    let run = d360_on(&hub, &["get-partner", "--partner-id", "nope"]).await;
    assert_eq!(
        run,
        failed(
            3,
            "d360: 360dialog API error: HTTP 404 Not Found: Partner not found (360dialog_trace_id: mock-trace-404)\n"
        )
    );
}

#[tokio::test]
async fn authentication_failures_are_exit_4() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    let url = hub.base_url();
    let args = ["get-partner", "--partner-id", "p-1"];
    let run = d360(&args, &[("D360_PARTNER_BASE_URL", &url)], None).await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: invalid client configuration: no credentials: set D360_PARTNER_API_KEY (or D360_PARTNER_BEARER_TOKEN, or D360_PARTNER_USERNAME and D360_PARTNER_PASSWORD)\n"
        )
    );
    let run = d360(
        &args,
        &[
            ("D360_PARTNER_API_KEY", " "),
            ("D360_PARTNER_BASE_URL", &url),
        ],
        None,
    )
    .await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: invalid client configuration: D360_PARTNER_API_KEY is set but empty\n"
        )
    );
    let run = d360(
        &args,
        &[
            ("D360_PARTNER_API_KEY", "wrong-key"),
            ("D360_PARTNER_BASE_URL", &url),
        ],
        None,
    )
    .await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: 360dialog API error: HTTP 401 Unauthorized: Invalid or missing credentials (360dialog_trace_id: mock-trace-401)\n"
        )
    );
    let refused = [
        ("D360_PARTNER_USERNAME", MockHub::USERNAME),
        ("D360_PARTNER_PASSWORD", "wrong-password"),
        ("D360_PARTNER_BASE_URL", &url),
    ];
    let run = d360(&args, &refused, None).await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: authentication failed: HTTP 401 Unauthorized: Invalid username or password (360dialog_trace_id: mock-trace-401)\n"
        )
    );
    hub.set(
        GET_PARTNER,
        Err(MockError::new(403, "Forbidden for this partner")),
    );
    let run = d360_on(&hub, &args).await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: 360dialog API error: HTTP 403 Forbidden: Forbidden for this partner (360dialog_trace_id: mock-trace-403)\n"
        )
    );
}

#[tokio::test]
async fn a_5xx_or_no_answer_is_exit_5() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Err(MockError::new(500, "Internal error")));
    let run = d360_on(&hub, &["get-partner", "--partner-id", "p-1"]).await;
    assert_eq!(
        run,
        failed(
            5,
            "d360: 360dialog API error: HTTP 500 Internal Server Error: Internal error (360dialog_trace_id: mock-trace-500)\n"
        )
    );
    // 408: the hub timed out waiting (after the client's retries).
    hub.set(GET_PARTNER, Err(MockError::new(408, "Request timeout")));
    let run = d360_on(&hub, &["get-partner", "--partner-id", "p-1"]).await;
    assert_eq!(
        run,
        failed(
            5,
            "d360: 360dialog API error: HTTP 408 Request Timeout: Request timeout (360dialog_trace_id: mock-trace-408)\n"
        )
    );
    // A port nothing listens on: the connection fails (after the client's retries).
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let run = d360(
        &["get-partner", "--partner-id", "p-1"],
        &[
            ("D360_PARTNER_API_KEY", "k"),
            ("D360_PARTNER_BASE_URL", &closed),
        ],
        None,
    )
    .await;
    // Where it tried (no path: the partner id stays out), why, and how often.
    assert_eq!(
        run,
        failed(
            5,
            &format!("d360: could not connect to {closed}: connection refused (4 attempts)\n")
        )
    );
}

/// `http://127.0.0.1:PORT` of a port nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

#[tokio::test]
async fn a_connection_failure_names_the_origin_the_cause_and_the_attempts() {
    let closed = closed_port();
    // A base URL with a path prefix, and ids in the path: the message names the origin only.
    let base_url = format!("{closed}/prefix");
    let key = [
        ("D360_PARTNER_API_KEY", "k"),
        ("D360_PARTNER_BASE_URL", base_url.as_str()),
    ];
    let refused = format!("d360: could not connect to {closed}: connection refused (4 attempts)\n");
    for args in [
        &[
            "patch-partner",
            "--partner-id",
            "p-secret",
            "--webhook-url",
            "https://a.example",
        ][..],
        &[
            "api",
            "POST",
            "/api/v2/partners/{partner_id}/x",
            "-p",
            "partner_id=p-secret",
            "-q",
            "a=b",
        ],
    ] {
        // A refused connection is retried for every method: the hub never saw the request.
        assert_eq!(
            d360(args, &key, None).await,
            failed(5, &refused),
            "{args:?}"
        );
    }
    // The token flow's login, sent through the same attempts: counted as a call's are.
    let login = [
        ("D360_PARTNER_USERNAME", MockHub::USERNAME),
        ("D360_PARTNER_PASSWORD", MockHub::PASSWORD),
        ("D360_PARTNER_BASE_URL", base_url.as_str()),
    ];
    let run = d360(&["get-partner", "--partner-id", "p-secret"], &login, None).await;
    assert_eq!(
        run,
        failed(
            5,
            &format!(
                "d360: authentication failed: the token endpoint at {closed} did not answer: connection refused (4 attempts)\n"
            )
        )
    );
}

#[tokio::test]
async fn an_answer_that_does_not_decode_is_exit_1() {
    let hub = MockHub::start().await;
    hub.route(
        Method::GET,
        "/api/v2/partners/{partner_id}",
        Ok(json!({"id": 7})),
    );
    let run = d360_on(&hub, &["get-partner", "--partner-id", "p-1"]).await;
    assert_eq!(
        run,
        failed(
            1,
            "d360: could not decode the HTTP 200 OK response body at `id`: invalid type: integer `7`, expected a string at line 1 column 7; body starts with: \"{\\\"id\\\":7}\"\n"
        )
    );
}

#[tokio::test]
async fn a_dry_run_prints_the_request_with_the_credential_redacted_and_sends_nothing() {
    let hub = MockHub::start().await;
    let url = hub.base_url();
    let expected = format!(
        "{{\"method\":\"PATCH\",\"url\":\"{url}/api/v2/partners/p%201\",\"headers\":{{\"accept\":\"application/json\",\"content-type\":\"application/json\",\"user-agent\":\"d360-partner-cli/{v} d360-partner-rust/{v}\",\"x-api-key\":\"[redacted]\"}},\"body\":{{\"webhook_url\":\"https://a.example\"}}}}\n",
        v = env!("CARGO_PKG_VERSION")
    );
    let args = [
        "patch-partner",
        "--partner-id",
        "p 1",
        "--webhook-url",
        "https://a.example",
        "--dry-run",
    ];
    assert_eq!(d360_on(&hub, &args).await, ok(&expected));
    let token = [
        ("D360_PARTNER_USERNAME", MockHub::USERNAME),
        ("D360_PARTNER_PASSWORD", MockHub::PASSWORD),
        ("D360_PARTNER_BASE_URL", &url),
    ];
    let run = d360(
        &["get-partner", "--partner-id", "p", "--dry-run"],
        &token,
        None,
    )
    .await;
    assert!(
        run.stdout
            .contains(r#""authorization":"Bearer [redacted]""#),
        "{run:?}"
    );
    assert!(!run.stdout.contains(MockHub::PASSWORD));
    assert!(
        hub.requests().is_empty(),
        "nothing was sent, not even a login"
    );
}

#[tokio::test]
async fn verbose_logs_the_call_to_stderr_and_no_secret_anywhere() {
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    hub.push_fault(MockFault::status(503));
    let url = hub.base_url();
    for (round, credentials) in [
        vec![("D360_PARTNER_API_KEY", MockHub::API_KEY)],
        vec![
            ("D360_PARTNER_USERNAME", MockHub::USERNAME),
            ("D360_PARTNER_PASSWORD", MockHub::PASSWORD),
        ],
        vec![("D360_PARTNER_BEARER_TOKEN", MockHub::BEARER_TOKEN)],
    ]
    .into_iter()
    .enumerate()
    {
        let mut env = credentials.clone();
        env.push(("D360_PARTNER_BASE_URL", &url));
        let run = d360(
            &["get-partner", "--partner-id", "p-1", "--verbose"],
            &env,
            None,
        )
        .await;
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(run.stdout, "{\"brand_name\":\"Acme\",\"id\":\"p-1\"}\n");
        assert!(
            run.stderr.contains("d360_partner.request"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("operation=\"get_partner\""),
            "{}",
            run.stderr
        );
        // The queued 503 answers the first call, which retries it.
        assert_eq!(
            run.stderr.contains("retrying"),
            round == 0,
            "{}",
            run.stderr
        );
        for secret in [
            MockHub::API_KEY,
            MockHub::PASSWORD,
            MockHub::BEARER_TOKEN,
            "mock-access-token",
        ] {
            assert!(
                !run.stderr.contains(secret) && !run.stdout.contains(secret),
                "{secret}: {run:?}"
            );
        }
    }
}

#[tokio::test]
async fn api_sends_a_raw_request_with_the_same_output_and_exit_codes() {
    let hub = MockHub::start().await;
    let path = "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys";
    hub.on_route(Method::POST, path, |request| {
        Ok(json!({"api_key": "k-1", "channel": request.path_parameter("channel_id"), "query": request.query}))
    });
    let run = d360_on(
        &hub,
        &[
            "api",
            "post",
            path,
            "-p",
            "partner_id=p-1",
            "-p",
            "channel_id=c/1",
            "-q",
            "scope=all",
            "-q",
            "x=a b",
        ],
    )
    .await;
    assert_eq!(
        run,
        ok("{\"api_key\":\"k-1\",\"channel\":\"c/1\",\"query\":\"scope=all&x=a+b\"}\n")
    );
    assert_eq!(
        hub.requests_to_route(Method::POST, path)[0].path,
        "/api/v2/partners/p-1/channels/c%2F1/api_keys"
    );

    let run = d360_on(&hub, &["api", "GET", "/api/v2/nowhere"]).await;
    assert_eq!(
        run,
        failed(
            5,
            "d360: 360dialog API error: HTTP 501 Not Implemented: The mock hub has no answer arranged for GET /api/v2/nowhere, which is no operation of the spec; arrange one with `hub.route(Method::GET, \"/api/v2/nowhere\", ..)` (a `{placeholder}` matches one segment) or `hub.on_route(..)` (360dialog_trace_id: mock-trace-501)\n"
        )
    );
    let run = d360_on(&hub, &["api", "GET", "https://evil.example/x"]).await;
    assert_eq!(
        run,
        failed(
            2,
            "d360: invalid request: GET https://evil.example/..: the path is an absolute URL: only paths on the client's base URL can be requested, so credentials never leave its host\n"
        )
    );
    let run = d360_on(&hub, &["api", "GET", "/x", "-q", "novalue"]).await;
    assert_eq!(
        run,
        failed(
            2,
            "error: -q `novalue`: expected NAME=VALUE\n\nUsage: d360 api [OPTIONS] <METHOD> <PATH>\n\nFor more information, try '--help'.\n"
        )
    );
    let run = d360_on(&hub, &["api", "G T", "/x"]).await;
    assert_eq!(
        run,
        failed(
            2,
            "error: invalid value 'G T' for '<METHOD>'\n  [possible values: GET, POST, PUT, PATCH, DELETE]\n\n  tip: a similar value exists: 'GET'\n\nFor more information, try '--help'.\n"
        )
    );
}

#[tokio::test]
async fn api_sends_only_the_methods_its_help_lists() {
    let hub = MockHub::start().await;
    for method in ["FOO", "HEAD", "options"] {
        let run = d360_on(&hub, &["api", method, "/x"]).await;
        assert_eq!(
            run,
            failed(
                2,
                &format!(
                    "error: invalid value '{method}' for '<METHOD>'\n  [possible values: GET, POST, PUT, PATCH, DELETE]\n\nFor more information, try '--help'.\n"
                )
            )
        );
    }
    assert!(hub.requests().is_empty());
    // In any case, as sent.
    let run = d360_on(&hub, &["api", "delete", "/x", "--dry-run"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("{\"method\":\"DELETE\","), "{run:?}");
    // The help and the completions list the same methods.
    let help = d360(&["api", "--help"], &[], None).await;
    assert_eq!((help.code, help.stderr.as_str()), (0, ""));
    insta::assert_snapshot!("api_help", help.stdout);
    let bash = d360(&["completion", "bash"], &[], None).await;
    assert!(
        bash.stdout.contains("--help GET POST PUT PATCH DELETE\""),
        "{}",
        bash.stdout
    );
}

#[tokio::test]
async fn a_command_that_sends_a_body_refuses_to_send_none() {
    let hub = MockHub::start().await;
    hub.set(PATCH_PARTNER, Ok(partner()));
    let usage = "\n\nUsage: d360 patch-partner [OPTIONS] --partner-id <TEXT>\n\nFor more information, try '--help'.\n";
    let refused = format!(
        "error: `patch-partner` needs a request body: give at least one of its fields (--webhook-url, --partner-redirect-url, --allow-client-to-add-phone-no), or --body JSON, FILE or - (stdin){usage}"
    );
    for args in [
        &["patch-partner", "--partner-id", "p-1"][..],
        &["patch-partner", "--partner-id", "p-1", "--dry-run"],
    ] {
        assert_eq!(d360_on(&hub, args).await, failed(2, &refused), "{args:?}");
        // Input is checked before credentials are read.
        assert_eq!(d360(args, &[], None).await, failed(2, &refused), "{args:?}");
    }
    assert!(hub.requests().is_empty());
    // An empty object is a body given on purpose.
    let url = hub.base_url();
    let args = ["patch-partner", "--partner-id", "p-1", "--body", "-"];
    let run = d360(&args, &env(&url), Some("{}")).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(hub.requests_to(PATCH_PARTNER)[0].body_text(), "{}");
}

#[tokio::test]
async fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let run = d360(&["completion", shell], &[], None).await;
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        assert!(
            run.stdout.contains("get-partner") && run.stdout.contains("patch-partner"),
            "{shell}"
        );
        assert!(run.stdout.contains("webhook-url"), "{shell}");
        assert_eq!(run.stderr, "");
    }
}

#[tokio::test]
async fn help_lists_the_operations_by_tag() {
    let top = d360(&["--help"], &[], None).await;
    assert_eq!(top.code, 0);
    assert_eq!(top.stderr, "");
    insta::assert_snapshot!("help", top.stdout);
    let operation = d360(&["patch-partner", "--help"], &[], None).await;
    assert_eq!(operation.code, 0);
    insta::assert_snapshot!("patch_partner_help", operation.stdout);
}

/// Usage error text as clap prints it for `d360 {command}`.
fn usage_error(message: &str, usage: &str) -> String {
    format!("error: {message}\n\nUsage: d360 {usage}\n\nFor more information, try '--help'.\n")
}

const API_USAGE: &str = "api [OPTIONS] <METHOD> <PATH>";

#[tokio::test]
async fn api_refuses_a_path_in_the_command_lines_terms() {
    let hub = MockHub::start().await;
    for (args, message) in [
        (
            &["api", "GET", "/api/v2/partners/x?a=1&b=2"][..],
            "the path `/api/v2/partners/x?a=1&b=2` holds a query (`?a=1&b=2`): give each query parameter with -q name=value",
        ),
        (
            &["api", "GET", "/api/v2/partners/x#top"],
            "the path `/api/v2/partners/x#top` holds a fragment (`#top`), which is never sent: leave it out",
        ),
        (
            &["api", "GET", "/api/v2/partners/a b"],
            "the path `/api/v2/partners/a b` holds ' ', which a path cannot hold as written: put the value in a {placeholder} and give it with -p name=value, which encodes it",
        ),
        (
            &["api", "GET", "/api/v2/partners/a%2Fb"],
            "the path `/api/v2/partners/a%2Fb` holds '%', which a path cannot hold as written: put the value in a {placeholder} and give it with -p name=value, which encodes it",
        ),
        (
            &["api", "GET", "/api/v2/partners/x", "-p", "nope=1"],
            "-p nope=1: the path `/api/v2/partners/x` has no {nope} (-p name=value fills the path's {name}; it has none)",
        ),
        (
            &[
                "api",
                "GET",
                "/api/v2/partners/{partner_id}/channels/{channel_id}",
                "-p",
                "partner_id=p",
                "-p",
                "nope=1",
            ],
            "-p nope=1: the path `/api/v2/partners/{partner_id}/channels/{channel_id}` has no {nope} (-p name=value fills the path's {name}; it has {partner_id}, {channel_id})",
        ),
        (
            &[
                "api",
                "GET",
                "/api/v2/partners/{partner_id}/channels/{channel_id}",
                "-p",
                "partner_id=p",
            ],
            "the path `/api/v2/partners/{partner_id}/channels/{channel_id}` has {channel_id}: give -p channel_id=VALUE",
        ),
        (
            &["api", "GET", "/api/v2/partners/{partner_id}"],
            "the path `/api/v2/partners/{partner_id}` has {partner_id}: give -p partner_id=VALUE, or set D360_PARTNER_ID",
        ),
    ] {
        let expected = failed(2, &usage_error(message, API_USAGE));
        assert_eq!(d360_on(&hub, args).await, expected, "{args:?}");
        // The same without credentials: input is checked first.
        assert_eq!(d360(args, &[], None).await, expected, "{args:?}");
    }
    assert!(hub.requests().is_empty());
}

#[tokio::test]
async fn a_base_url_the_command_line_cannot_use_is_refused_in_its_terms() {
    let get = ["get-partner", "--partner-id", "p-1"];
    let get_usage = "get-partner [OPTIONS] --partner-id <TEXT>";
    let plain = "plain http:// is allowed only for this machine (localhost, 127.0.0.1, [::1]); credentials would cross the network unencrypted, so give the hub's https:// URL";
    let user_info = "credentials in the URL are not taken; they come from the environment only: set D360_PARTNER_API_KEY (or D360_PARTNER_BEARER_TOKEN, or D360_PARTNER_USERNAME and D360_PARTNER_PASSWORD)";
    let key = ("D360_PARTNER_API_KEY", "k");
    for (url, shown, why) in [
        ("http://example.com", "http://example.com", plain),
        (
            "http://hub.example:8080/prefix?k=v",
            "http://hub.example:8080",
            plain,
        ),
        (
            "https://user:url-secret@hub.example/x",
            "https://…@hub.example",
            user_info,
        ),
        (
            "http://user:url-secret@127.0.0.1:9",
            "http://…@127.0.0.1:9",
            user_info,
        ),
    ] {
        let mut flag = get.to_vec();
        flag.extend(["--base-url", url]);
        for (args, env, message) in [
            (
                flag.clone(),
                vec![key],
                format!("--base-url {shown}: {why}"),
            ),
            (flag, vec![], format!("--base-url {shown}: {why}")),
            (
                get.to_vec(),
                vec![key, ("D360_PARTNER_BASE_URL", url)],
                format!("D360_PARTNER_BASE_URL={shown}: {why}"),
            ),
        ] {
            let run = d360(&args, &env, None).await;
            assert_eq!(
                run,
                failed(2, &usage_error(&message, get_usage)),
                "{args:?} {env:?}"
            );
        }
    }
    let run = d360(&get, &[key, ("D360_PARTNER_BASE_URL", " ")], None).await;
    assert_eq!(
        run,
        failed(
            2,
            &usage_error(
                "D360_PARTNER_BASE_URL is set but empty: unset it for the default hub, or set the hub's https:// URL",
                get_usage
            )
        )
    );
    // This machine over plain http is the mock hub's case, and https anywhere.
    let hub = MockHub::start().await;
    hub.set(GET_PARTNER, Ok(partner()));
    let local = hub.base_url().replace("127.0.0.1", "localhost");
    let run = d360(
        &get,
        &[
            ("D360_PARTNER_API_KEY", MockHub::API_KEY),
            ("D360_PARTNER_BASE_URL", &local),
        ],
        None,
    )
    .await;
    assert_eq!(run, ok("{\"brand_name\":\"Acme\",\"id\":\"p-1\"}\n"));
    let run = d360(
        &[
            "get-partner",
            "--partner-id",
            "p-1",
            "--dry-run",
            "--base-url",
            "https://hub.example:8443/v",
        ],
        &[key],
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with(
            "{\"method\":\"GET\",\"url\":\"https://hub.example:8443/v/api/v2/partners/p-1\""
        ),
        "{run:?}"
    );
}

#[tokio::test]
async fn api_fills_partner_id_from_the_environment_unless_given() {
    let hub = MockHub::start().await;
    let path = "/api/v2/partners/{partner_id}/balance";
    hub.route(Method::GET, path, Ok(json!({"balance": 1})));
    let url = hub.base_url();
    let mut env = env(&url);
    env.push(("D360_PARTNER_ID", "p-env"));
    let run = d360(&["api", "GET", path], &env, None).await;
    assert_eq!(run, ok("{\"balance\":1}\n"));
    let run = d360(&["api", "GET", path, "-p", "partner_id=p-flag"], &env, None).await;
    assert_eq!(run, ok("{\"balance\":1}\n"));
    let paths: Vec<String> = hub
        .requests_to_route(Method::GET, path)
        .into_iter()
        .map(|request| request.path)
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v2/partners/p-env/balance",
            "/api/v2/partners/p-flag/balance"
        ]
    );
    // A path without {partner_id} takes nothing from it.
    let run = d360(&["api", "GET", "/api/v2/x", "--dry-run"], &env, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("\"url\":\"{url}/api/v2/x\"")),
        "{run:?}"
    );
}

#[tokio::test]
async fn a_dry_run_needs_no_credentials_and_marks_them_absent() {
    let expected = |method: &str, url: &str, body: &str| {
        format!(
            "{{\"method\":\"{method}\",\"url\":\"{url}\",\"headers\":{{\"accept\":\"application/json\",{}\"user-agent\":\"d360-partner-cli/{v} d360-partner-rust/{v}\",\"x-api-key\":\"[absent: set D360_PARTNER_API_KEY]\"}},\"body\":{body}}}\n",
            if body == "null" {
                ""
            } else {
                "\"content-type\":\"application/json\","
            },
            v = env!("CARGO_PKG_VERSION")
        )
    };
    let run = d360(
        &["get-partner", "--partner-id", "p-1", "--dry-run"],
        &[],
        None,
    )
    .await;
    assert_eq!(
        run,
        ok(&expected(
            "GET",
            "https://hub.360dialog.io/api/v2/partners/p-1",
            "null"
        ))
    );
    let run = d360(
        &[
            "patch-partner",
            "--webhook-url",
            "https://a.example",
            "--dry-run",
        ],
        &[
            ("D360_PARTNER_ID", "p-2"),
            ("D360_PARTNER_BASE_URL", "http://127.0.0.1:9"),
        ],
        None,
    )
    .await;
    assert_eq!(
        run,
        ok(&expected(
            "PATCH",
            "http://127.0.0.1:9/api/v2/partners/p-2",
            "{\"webhook_url\":\"https://a.example\"}"
        ))
    );
    let run = d360(
        &[
            "api",
            "POST",
            "/api/v2/partners/{partner_id}/x",
            "-q",
            "a=b",
            "--dry-run",
        ],
        &[("D360_PARTNER_ID", "p-3")],
        None,
    )
    .await;
    assert_eq!(
        run,
        ok(&expected(
            "POST",
            "https://hub.360dialog.io/api/v2/partners/p-3/x?a=b",
            "null"
        ))
    );
    // Credentials set but unusable still fail: the run would.
    let run = d360(
        &["get-partner", "--partner-id", "p-1", "--dry-run"],
        &[("D360_PARTNER_USERNAME", "u@example.com")],
        None,
    )
    .await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: invalid client configuration: D360_PARTNER_USERNAME is set but D360_PARTNER_PASSWORD is not\n"
        )
    );
    // Without --dry-run, no credentials is still exit 4.
    let run = d360(
        &["get-partner", "--partner-id", "p-1"],
        &[("D360_PARTNER_BASE_URL", "http://127.0.0.1:9")],
        None,
    )
    .await;
    assert_eq!(run.code, 4, "{run:?}");
}

/// An environment variable of a run: name and value.
type Var<'a> = (&'a str, &'a str);

/// Whether `line` spells a library method: `.name(`.
fn names_a_method(line: &str) -> bool {
    line.match_indices('.').any(|(at, _)| {
        let rest = &line[at + 1..];
        let name = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len());
        name > 0 && rest[name..].starts_with('(')
    })
}

#[tokio::test]
async fn no_message_of_the_command_line_names_a_library_method() {
    assert!(names_a_method(
        "give query parameters with `.query(name, value)`"
    ));
    assert!(names_a_method(
        "use https://, or .allow_insecure_http(true) if you must"
    ));
    assert!(!names_a_method("give -q name=value (e.g. -q a=1)"));
    let key = ("D360_PARTNER_API_KEY", "k");
    let local = ("D360_PARTNER_BASE_URL", "http://127.0.0.1:9");
    // Every path on which the library's message names one of its methods, reached from the
    // command line: a raw path with a query, a character to encode, a -p naming no
    // placeholder; a base URL over plain http or with user info; a body left out; no
    // credentials.
    let cases: [(&[&str], Vec<Var>); 12] = [
        (&["api", "GET", "/api/v2/partners/x?a=1"], vec![key, local]),
        (&["api", "GET", "/api/v2/partners/x#a"], vec![key, local]),
        (&["api", "GET", "/api/v2/partners/a b"], vec![key, local]),
        (&["api", "GET", "/api/v2/partners/a%20b"], vec![key, local]),
        (
            &["api", "GET", "/api/v2/partners/x", "-p", "nope=1"],
            vec![key, local],
        ),
        (
            &["api", "GET", "/api/v2/partners/{partner_id}"],
            vec![key, local],
        ),
        (
            &[
                "--base-url",
                "http://example.com",
                "get-partner",
                "--partner-id",
                "p",
            ],
            vec![key],
        ),
        (
            &["api", "GET", "/x"],
            vec![key, ("D360_PARTNER_BASE_URL", "http://example.com")],
        ),
        (
            &[
                "--base-url",
                "https://u:p@example.com",
                "get-partner",
                "--partner-id",
                "p",
            ],
            vec![key],
        ),
        (
            &["api", "GET", "/x"],
            vec![key, ("D360_PARTNER_BASE_URL", "https://u:p@example.com")],
        ),
        (&["patch-partner", "--partner-id", "p"], vec![key, local]),
        (&["get-partner", "--partner-id", "p"], vec![local]),
    ];
    for (args, env) in cases {
        for dry_run in [false, true] {
            let mut args = args.to_vec();
            if dry_run {
                args.push("--dry-run");
            }
            let run = d360(&args, &env, None).await;
            // Each fails, but for a dry run without credentials, which needs none.
            let no_credentials = !env.contains(&key);
            assert_eq!(
                run.code == 0,
                dry_run && no_credentials,
                "{args:?}: {run:?}"
            );
            for line in run.stderr.lines() {
                assert!(!names_a_method(line), "{args:?} {env:?}: {line}");
            }
        }
    }
}

#[tokio::test]
async fn a_missing_or_empty_partner_id_names_the_flag_and_the_variable() {
    let hub = MockHub::start().await;
    let url = hub.base_url();
    let mut env = env(&url);
    let run = d360(
        &["patch-partner", "--webhook-url", "https://a.example"],
        &env,
        None,
    )
    .await;
    assert_eq!(
        run,
        failed(
            2,
            "error: the following required arguments were not provided:\n  --partner-id <TEXT>\n\n  tip: give --partner-id, or set D360_PARTNER_ID once for every command\n\nUsage: d360 patch-partner --partner-id <TEXT> --webhook-url <TEXT>\n\nFor more information, try '--help'.\n"
        )
    );
    // Exported without its value.
    env.push(("D360_PARTNER_ID", " "));
    let run = d360(&["get-partner"], &env, None).await;
    assert_eq!(
        run,
        failed(
            2,
            &usage_error(
                "D360_PARTNER_ID is set but empty: set it to the partner's id, or give --partner-id",
                "get-partner [OPTIONS] --partner-id <TEXT>"
            )
        )
    );
    let run = d360(&["api", "GET", "/api/v2/partners/{partner_id}"], &env, None).await;
    assert_eq!(
        run,
        failed(
            2,
            &usage_error(
                "the path `/api/v2/partners/{partner_id}` has {partner_id}, and D360_PARTNER_ID is set but empty: set it to the partner's id, or give -p partner_id=VALUE",
                API_USAGE
            )
        )
    );
    assert!(hub.requests().is_empty());
}
