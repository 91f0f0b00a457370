//! Where the command line is careful with what it is given: a base URL it cannot use, `-H`
//! headers the client keeps to itself or that would break the request, a `--body` that is not
//! JSON or not what the operation takes, and hub flags given where they would do nothing. Each
//! refusal is asserted exactly (stderr, exit code), and so is what reached the mock hub on
//! 127.0.0.1: nothing, for every refusal.

use crate::common;

use common::{Run, failed, ok};
use d360_partner::Method;
use d360_partner::mock::{MockError, MockHub};
use d360_partner::operations::PATCH_PARTNER;
use d360_partner::types::PartnerOut;
use serde_json::json;

/// Runs `d360 args` with only `env` set, `stdin` piped in (see [`common::run`]).
async fn d360(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    common::run(env!("CARGO_BIN_EXE_d360"), args, env, stdin).await
}

/// The environment of a script talking to the hub at `base_url` with its API key.
fn env(base_url: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("D360_PARTNER_API_KEY", MockHub::API_KEY),
        ("D360_PARTNER_BASE_URL", base_url),
    ]
}

async fn d360_on(hub: &MockHub, args: &[&str]) -> Run {
    d360(args, &env(&hub.base_url()), "").await
}

/// A usage error as clap prints it for `d360 {usage}`.
fn usage_error(message: &str, usage: &str) -> String {
    format!("error: {message}\n\nUsage: d360 {usage}\n\nFor more information, try '--help'.\n")
}

const GET_USAGE: &str = "get-partner [OPTIONS] --partner-id <TEXT>";
const PATCH_USAGE: &str = "patch-partner [OPTIONS] --partner-id <TEXT>";
const API_USAGE: &str = "api [OPTIONS] <METHOD> <PATH>";
const KEY: (&str, &str) = ("D360_PARTNER_API_KEY", MockHub::API_KEY);

/// The user agent every request of the command line names itself with.
fn user_agent() -> String {
    format!(
        "d360-partner-cli/{v} d360-partner-rust/{v}",
        v = env!("CARGO_PKG_VERSION")
    )
}

/// A path of the raw-request tests, arranged on the mock hub.
const TRACE: &str = "/api/v2/partners/{partner_id}/trace";

#[tokio::test]
async fn a_base_url_ending_in_the_api_prefix_names_the_flag_or_variable_and_gives_the_fix() {
    let hub = MockHub::start().await;
    let local = hub.base_url();
    let why = |without: &str| {
        format!(
            "its path ends in /api/v2, which every operation's path starts with and would be sent twice: give {without}"
        )
    };
    let get = ["get-partner", "--partner-id", "p-1"];
    let with_flag = |url: &'static str| {
        let mut args = get.to_vec();
        args.extend(["--base-url", url]);
        args
    };
    let hub_url = "https://hub.360dialog.io";
    let local_prefixed = format!("{local}/api/v2");
    let local_slashed = format!("{local}/api/v2/");
    for (args, env, message) in [
        (
            with_flag("https://hub.360dialog.io/api/v2"),
            vec![KEY],
            format!(
                "--base-url https://hub.360dialog.io/api/v2: {}",
                why(hub_url)
            ),
        ),
        (
            with_flag("https://hub.360dialog.io/api/v2/"),
            vec![KEY],
            format!(
                "--base-url https://hub.360dialog.io/api/v2/: {}",
                why(hub_url)
            ),
        ),
        // Without credentials too: the base URL is checked before they are needed.
        (
            with_flag("https://hub.360dialog.io/api/v2"),
            vec![],
            format!(
                "--base-url https://hub.360dialog.io/api/v2: {}",
                why(hub_url)
            ),
        ),
        // The flag is named when it is the one refused, even with a usable variable set.
        (
            with_flag("https://hub.360dialog.io/api/v2"),
            vec![KEY, ("D360_PARTNER_BASE_URL", local.as_str())],
            format!(
                "--base-url https://hub.360dialog.io/api/v2: {}",
                why(hub_url)
            ),
        ),
        // A gateway's own prefix stays in the fix.
        (
            with_flag("https://gw.example/prefix/api/v2"),
            vec![KEY],
            format!(
                "--base-url https://gw.example/prefix/api/v2: {}",
                why("https://gw.example/prefix")
            ),
        ),
        (
            get.to_vec(),
            vec![
                KEY,
                ("D360_PARTNER_BASE_URL", "https://hub.360dialog.io/api/v2"),
            ],
            format!(
                "D360_PARTNER_BASE_URL=https://hub.360dialog.io/api/v2: {}",
                why(hub_url)
            ),
        ),
        (
            get.to_vec(),
            vec![
                KEY,
                ("D360_PARTNER_BASE_URL", "https://hub.360dialog.io/api/v2/"),
            ],
            format!(
                "D360_PARTNER_BASE_URL=https://hub.360dialog.io/api/v2/: {}",
                why(hub_url)
            ),
        ),
        // The mock hub's own URL with the prefix: refused before anything reaches it.
        (
            get.to_vec(),
            vec![KEY, ("D360_PARTNER_BASE_URL", local_prefixed.as_str())],
            format!("D360_PARTNER_BASE_URL={local_prefixed}: {}", why(&local)),
        ),
        (
            get.to_vec(),
            vec![KEY, ("D360_PARTNER_BASE_URL", local_slashed.as_str())],
            format!("D360_PARTNER_BASE_URL={local_slashed}: {}", why(&local)),
        ),
    ] {
        let run = d360(&args, &env, "").await;
        assert_eq!(
            run,
            failed(2, &usage_error(&message, GET_USAGE)),
            "{args:?} {env:?}"
        );
    }
    let args = [
        "api",
        "GET",
        TRACE,
        "-p",
        "partner_id=p-1",
        "--base-url",
        &local_prefixed,
    ];
    let run = d360(&args, &[KEY], "").await;
    assert_eq!(
        run,
        failed(
            2,
            &usage_error(
                &format!("--base-url {local_prefixed}: {}", why(&local)),
                API_USAGE
            )
        )
    );
    assert!(hub.requests().is_empty(), "{:?}", hub.requests());
}

#[tokio::test]
async fn a_base_url_without_a_scheme_names_the_flag_or_variable_and_suggests_https() {
    let hub = MockHub::start().await;
    let local = hub.base_url();
    let host_port = local.strip_prefix("http://").unwrap();
    let why = "it has no scheme: give the hub's URL with it, https://hub.360dialog.io";
    let get = ["get-partner", "--partner-id", "p-1"];
    let mut flag = get.to_vec();
    flag.extend(["--base-url", "hub.360dialog.io"]);
    for (args, env, message) in [
        (
            flag.clone(),
            vec![KEY],
            format!("--base-url hub.360dialog.io: {why}"),
        ),
        (flag, vec![], format!("--base-url hub.360dialog.io: {why}")),
        (
            get.to_vec(),
            vec![KEY, ("D360_PARTNER_BASE_URL", "hub.360dialog.io")],
            format!("D360_PARTNER_BASE_URL=hub.360dialog.io: {why}"),
        ),
        // The mock hub's host and port without http://: nothing reaches it.
        (
            get.to_vec(),
            vec![KEY, ("D360_PARTNER_BASE_URL", host_port)],
            format!(
                "D360_PARTNER_BASE_URL={host_port}: it has no scheme: give the hub's URL with it, https://{host_port}"
            ),
        ),
    ] {
        let run = d360(&args, &env, "").await;
        assert_eq!(
            run,
            failed(2, &usage_error(&message, GET_USAGE)),
            "{args:?} {env:?}"
        );
    }
    assert!(hub.requests().is_empty(), "{:?}", hub.requests());
}

#[tokio::test]
async fn a_gateways_own_path_prefix_is_kept_before_the_api_prefix() {
    let expected = format!(
        "{{\"method\":\"GET\",\"url\":\"https://gw.example/prefix/api/v2/partners/p-1\",\"headers\":{{\"accept\":\"application/json\",\"user-agent\":\"{}\",\"x-api-key\":\"[redacted]\"}},\"body\":null}}\n",
        user_agent()
    );
    let get = ["get-partner", "--partner-id", "p-1", "--dry-run"];
    for (flag, variable) in [
        (Some("https://gw.example/prefix"), None),
        (Some("https://gw.example/prefix/"), None),
        (None, Some("https://gw.example/prefix")),
        // The flag wins over the variable, even one the client could not use.
        (Some("https://gw.example/prefix"), Some("hub.360dialog.io")),
        (
            Some("https://gw.example/prefix"),
            Some("https://hub.360dialog.io/api/v2"),
        ),
    ] {
        let mut args = get.to_vec();
        if let Some(url) = flag {
            args.extend(["--base-url", url]);
        }
        let mut env = vec![("D360_PARTNER_API_KEY", "k")];
        if let Some(url) = variable {
            env.push(("D360_PARTNER_BASE_URL", url));
        }
        assert_eq!(
            d360(&args, &env, "").await,
            ok(&expected),
            "{args:?} {env:?}"
        );
    }
}

#[tokio::test]
async fn api_sends_each_header_given_with_h_and_shows_them_in_a_dry_run() {
    let hub = MockHub::start().await;
    hub.route(Method::GET, TRACE, Ok(json!({"traced": true})));
    let args = [
        "api",
        "GET",
        TRACE,
        "-p",
        "partner_id=p-1",
        "-H",
        "X-Trace: abc",
        "--header",
        "X-Other:def",
    ];
    let run = d360_on(&hub, &args).await;
    assert_eq!(run, ok("{\"traced\":true}\n"));
    let sent = hub.requests_to_route(Method::GET, TRACE);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].path, "/api/v2/partners/p-1/trace");
    let given: Vec<(&str, &str)> = sent[0]
        .headers
        .iter()
        .filter(|(name, _)| name.starts_with("x-") && name != "x-api-key")
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    assert_eq!(given, [("x-trace", "abc"), ("x-other", "def")]);
    // Alongside the client's own, which -H leaves as they were.
    assert_eq!(sent[0].header("x-api-key"), Some(MockHub::API_KEY));
    assert_eq!(sent[0].header("user-agent"), Some(user_agent().as_str()));

    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let run = d360_on(&hub, &dry).await;
    assert_eq!(
        run,
        ok(&format!(
            "{{\"method\":\"GET\",\"url\":\"{}/api/v2/partners/p-1/trace\",\"headers\":{{\"accept\":\"application/json\",\"user-agent\":\"{}\",\"x-api-key\":\"[redacted]\",\"x-other\":\"def\",\"x-trace\":\"abc\"}},\"body\":null}}\n",
            hub.base_url(),
            user_agent()
        ))
    );
    assert_eq!(hub.requests().len(), 1, "the dry run sent nothing");
}

#[tokio::test]
async fn api_refuses_a_header_the_client_keeps_or_that_would_break_the_request() {
    let hub = MockHub::start().await;
    hub.route(Method::GET, TRACE, Ok(json!({"traced": true})));
    let credential = "the credential is the client's own, from D360_PARTNER_API_KEY (or D360_PARTNER_BEARER_TOKEN, or D360_PARTNER_USERNAME and D360_PARTNER_PASSWORD)";
    for (header, message) in [
        (
            "X-API-Key: stolen".to_string(),
            format!("-H X-API-Key: {credential}"),
        ),
        (
            "Authorization: Bearer stolen".into(),
            format!("-H Authorization: {credential}"),
        ),
        (
            "Host: evil.example".into(),
            "-H Host: the HTTP layer writes it".into(),
        ),
        (
            "User-Agent: other".into(),
            "-H User-Agent: d360 names itself in it, as the client does".into(),
        ),
        (
            "X-A: b\r\nX-B: c".into(),
            "-H X-A: it holds the control character '\\r', which would end the header early".into(),
        ),
        (
            "X-A: b\nX-API-Key: stolen".into(),
            "-H X-A: it holds the control character '\\n', which would end the header early".into(),
        ),
        ("X A: b".into(), "-H X A: it is not a header name".into()),
        (
            "X-Trace abc".into(),
            "-H `X-Trace abc`: expected 'NAME: VALUE'".into(),
        ),
        (
            "X-Trace\r\nabc".into(),
            "-H `X-Trace\\r\\nabc`: expected 'NAME: VALUE'".into(),
        ),
    ] {
        let args = [
            "api",
            "GET",
            TRACE,
            "-p",
            "partner_id=p-1",
            "-H",
            "X-Trace: fine",
            "-H",
            &header,
        ];
        let expected = failed(2, &usage_error(&message, API_USAGE));
        assert_eq!(d360_on(&hub, &args).await, expected, "{header:?}");
        // Without credentials, and in a dry run: the same refusal.
        assert_eq!(d360(&args, &[], "").await, expected, "{header:?}");
        let mut dry = args.to_vec();
        dry.push("--dry-run");
        assert_eq!(d360_on(&hub, &dry).await, expected, "{header:?}");
        // The value is never shown.
        assert!(!expected.stderr.contains("stolen"), "{header:?}");
    }
    assert!(hub.requests().is_empty(), "{:?}", hub.requests());
}

#[tokio::test]
async fn api_include_prints_the_status_line_the_headers_a_blank_line_then_the_body() {
    let hub = MockHub::start().await;
    hub.route(Method::GET, TRACE, Ok(json!({"traced": true})));
    let args = ["api", "GET", TRACE, "-p", "partner_id=p-1"];
    // Without -i: the body only.
    assert_eq!(d360_on(&hub, &args).await, ok("{\"traced\":true}\n"));
    for include in ["-i", "--include"] {
        let mut with = args.to_vec();
        with.push(include);
        let run = d360_on(&hub, &with).await;
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
        let (head, body) = run
            .stdout
            .split_once("\n\n")
            .unwrap_or_else(|| panic!("a blank line after the head: {run:?}"));
        assert_eq!(body, "{\"traced\":true}\n", "{run:?}");
        let mut lines = head.lines();
        assert_eq!(lines.next(), Some("HTTP/1.1 200 OK"), "{run:?}");
        let headers: Vec<(&str, &str)> = lines
            .map(|line| line.split_once(": ").expect("name: value"))
            .collect();
        assert!(!headers.is_empty(), "{run:?}");
        for (name, _) in &headers {
            assert_eq!(*name, name.to_ascii_lowercase(), "{run:?}");
        }
        assert!(
            headers.contains(&("content-type", "application/json")),
            "{run:?}"
        );
    }
    // An error answer is printed the same way, with its exit code and nothing on stderr.
    hub.route(
        Method::GET,
        TRACE,
        Err::<serde_json::Value, _>(MockError::new(404, "No trace")),
    );
    let mut with = args.to_vec();
    with.push("-i");
    let run = d360_on(&hub, &with).await;
    assert_eq!((run.code, run.stderr.as_str()), (3, ""), "{run:?}");
    assert!(
        run.stdout.starts_with("HTTP/1.1 404 Not Found\n"),
        "{run:?}"
    );
    let (_, body) = run.stdout.split_once("\n\n").expect("a blank line");
    let body: serde_json::Value = serde_json::from_str(body).expect("the answer's JSON body");
    assert_eq!(body["meta"]["developer_message"], "No trace", "{run:?}");
    assert_eq!(hub.requests_to_route(Method::GET, TRACE).len(), 4);
}

fn partner() -> PartnerOut {
    PartnerOut {
        id: Some("p-1".into()),
        ..Default::default()
    }
}

/// A file of this test process under the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("d360-careful-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn body_is_inline_json_a_file_or_stdin() {
    let hub = MockHub::start().await;
    hub.set(PATCH_PARTNER, Ok(partner()));
    let inline = r#"{"webhook_url":"https://a.example"}"#;
    let run = d360_on(
        &hub,
        &["patch-partner", "--partner-id", "p-1", "--body", inline],
    )
    .await;
    assert_eq!(run, ok("{\"id\":\"p-1\"}\n"));
    let sent = hub.requests_to(PATCH_PARTNER);
    assert_eq!(sent[0].body_text(), inline);
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    // Inline after blanks, an array too; its fields in the order given.
    let run = d360_on(
        &hub,
        &[
            "patch-partner",
            "--partner-id",
            "p-1",
            "--body",
            " {\"webhook_url\": \"https://b.example\", \"allow_client_to_add_phone_no\": true}",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        hub.requests_to(PATCH_PARTNER)[1].body_text(),
        r#"{"webhook_url":"https://b.example","allow_client_to_add_phone_no":true}"#
    );

    // `d360 api` reads --body the same three ways.
    let path = "/api/v2/partners/{partner_id}/things";
    hub.route(Method::POST, path, Ok(json!({"made": true})));
    let file = TempFile::new("body.json", "[{\"b\": 2, \"a\": 1}]\n");
    let url = hub.base_url();
    for (source, stdin, sent) in [
        ("[1,{\"z\":null}]", "", "[1,{\"z\":null}]"),
        (file.path(), "", "[{\"b\":2,\"a\":1}]"),
        ("-", "{\"from\": \"stdin\"}", "{\"from\":\"stdin\"}"),
    ] {
        let args = [
            "api",
            "POST",
            path,
            "-p",
            "partner_id=p-1",
            "--body",
            source,
        ];
        let run = d360(&args, &env(&url), stdin).await;
        assert_eq!(run, ok("{\"made\":true}\n"), "{source}");
        let requests = hub.requests_to_route(Method::POST, path);
        let last = requests.last().expect("sent");
        assert_eq!(last.body_text(), sent, "{source}");
        assert_eq!(last.header("content-type"), Some("application/json"));
    }
    assert_eq!(hub.requests_to_route(Method::POST, path).len(), 3);
}

#[tokio::test]
async fn body_text_that_looks_like_json_and_is_not_names_body_and_the_json_error() {
    let hub = MockHub::start().await;
    for (body, why) in [
        (
            r#"{"webhook_url":"#,
            "EOF while parsing a value at line 1 column 15",
        ),
        (
            r#"{"webhook_url":"https://a.example",}"#,
            "trailing comma at line 1 column 36",
        ),
        ("[1, 2", "EOF while parsing a list at line 1 column 5"),
        (" {oops", "key must be a string at line 1 column 3"),
    ] {
        let message = format!("--body (inline): not JSON: {why}");
        let run = d360_on(
            &hub,
            &["patch-partner", "--partner-id", "p-1", "--body", body],
        )
        .await;
        assert_eq!(
            run,
            failed(2, &usage_error(&message, PATCH_USAGE)),
            "{body}"
        );
        let run = d360_on(
            &hub,
            &["api", "POST", "/api/v2/x", "--body", body, "--dry-run"],
        )
        .await;
        assert_eq!(run, failed(2, &usage_error(&message, API_USAGE)), "{body}");
    }
    // Not starting with `{` or `[`: a file, named as given.
    let missing =
        std::env::temp_dir().join(format!("d360-careful-{}-missing.json", std::process::id()));
    let missing = missing.to_str().unwrap();
    let run = d360_on(
        &hub,
        &["patch-partner", "--partner-id", "p-1", "--body", missing],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with(&format!("error: --body {missing}: cannot read it: ")),
        "{run:?}"
    );
    assert!(hub.requests().is_empty(), "{:?}", hub.requests());
}

#[tokio::test]
async fn a_typed_commands_body_is_checked_against_its_schema_before_anything_is_sent() {
    let hub = MockHub::start().await;
    hub.set(PATCH_PARTNER, Ok(partner()));
    let patch = ["patch-partner", "--partner-id", "p-1", "--body"];
    for (body, flags, message) in [
        (
            r#"{"allow_client_to_add_phone_no":"yes"}"#,
            &[][..],
            r#"the body's `allow_client_to_add_phone_no` is not what `patch-partner` takes: invalid type: string "yes", expected a boolean"#,
        ),
        (
            r#"{"webhook_url":1}"#,
            &[],
            "the body's `webhook_url` is not what `patch-partner` takes: invalid type: integer `1`, expected a string",
        ),
        (
            "[1]",
            &[],
            "the body is an array, where `patch-partner` takes a JSON object",
        ),
        (
            "[1]",
            &["--webhook-url", "https://a.example"],
            "the --body is not a JSON object, so property flags cannot set fields of it",
        ),
        (
            r#"{"webhook_url":"https://a.example","web_hook":"x"}"#,
            &[],
            "the body has `web_hook`, which the request body of `patch-partner` does not have (it has: webhook_url, partner_redirect_url, allow_client_to_add_phone_no)",
        ),
        // A flag does not hide a wrong field of the body it sets others of.
        (
            r#"{"allow_client_to_add_phone_no":"yes"}"#,
            &["--webhook-url", "https://a.example"],
            r#"the body's `allow_client_to_add_phone_no` is not what `patch-partner` takes: invalid type: string "yes", expected a boolean"#,
        ),
    ] {
        let mut args = patch.to_vec();
        args.push(body);
        args.extend(flags);
        let expected = failed(2, &usage_error(message, PATCH_USAGE));
        assert_eq!(d360_on(&hub, &args).await, expected, "{args:?}");
        // Without credentials, and in a dry run: the same refusal.
        assert_eq!(d360(&args, &[], "").await, expected, "{args:?}");
        args.push("--dry-run");
        assert_eq!(d360_on(&hub, &args).await, expected, "{args:?}");
    }
    assert!(hub.requests().is_empty(), "{:?}", hub.requests());
    // What the schema takes is sent.
    let run = d360_on(
        &hub,
        &[
            "patch-partner",
            "--partner-id",
            "p-1",
            "--body",
            r#"{"allow_client_to_add_phone_no":false}"#,
        ],
    )
    .await;
    assert_eq!(run, ok("{\"id\":\"p-1\"}\n"));
    assert_eq!(
        hub.requests_to(PATCH_PARTNER)[0].body_text(),
        r#"{"allow_client_to_add_phone_no":false}"#
    );
}

#[tokio::test]
async fn hub_flags_are_refused_by_the_commands_that_do_not_call_the_hub() {
    let hub = MockHub::start().await;
    let url = hub.base_url();
    let unexpected = |flag: &str, tip: bool, usage: &str| {
        let tip = match tip {
            true => format!("\n  tip: to pass '{flag}' as a value, use '-- {flag}'\n"),
            false => String::new(),
        };
        format!(
            "error: unexpected argument '{flag}' found\n{tip}\nUsage: d360 {usage}\n\nFor more information, try '--help'.\n"
        )
    };
    let parse = "onboarding parse <URL>";
    let link = "onboarding link --partner-id <ID>";
    let verify = "webhook verify [OPTIONS] --signature <SIG>";
    let sign = "webhook sign [OPTIONS]";
    let listen = "webhook listen [OPTIONS]";
    // Clap's usage line names the arguments given.
    let send = "webhook send --event <NAME> <URL>";
    let completion = "completion <shell>";
    let mock = "mock [OPTIONS]";
    let redirect = "https://p.example/?client=c&channels=[a]";
    let cases: [(&[&str], &str, bool, &str); 16] = [
        (
            &[
                "onboarding",
                "parse",
                "--base-url",
                "https://x.example",
                redirect,
            ],
            "--base-url",
            true,
            parse,
        ),
        (
            &["onboarding", "parse", "--dry-run", redirect],
            "--dry-run",
            true,
            parse,
        ),
        (&["onboarding", "parse", "-v", redirect], "-v", true, parse),
        (
            &[
                "onboarding",
                "link",
                "--partner-id",
                "p",
                "--base-url",
                &url,
            ],
            "--base-url",
            false,
            link,
        ),
        (
            &["onboarding", "link", "--partner-id", "p", "--dry-run"],
            "--dry-run",
            false,
            link,
        ),
        (
            &["webhook", "verify", "--base-url", &url, "--signature", "00"],
            "--base-url",
            false,
            verify,
        ),
        (
            &["webhook", "verify", "--verbose", "--signature", "00"],
            "--verbose",
            false,
            verify,
        ),
        (&["webhook", "sign", "--dry-run"], "--dry-run", false, sign),
        (
            &["webhook", "listen", "--base-url", &url],
            "--base-url",
            false,
            listen,
        ),
        (&["webhook", "listen", "-v"], "-v", false, listen),
        // `send` has a --dry-run of its own, and no other hub flag.
        (
            &["webhook", "send", "--event", "x", "--base-url", &url, &url],
            "--base-url",
            true,
            send,
        ),
        (
            &["completion", "bash", "--verbose"],
            "--verbose",
            true,
            completion,
        ),
        (&["completion", "zsh", "-v"], "-v", true, completion),
        (
            &["completion", "fish", "--dry-run"],
            "--dry-run",
            true,
            completion,
        ),
        (&["mock", "--base-url", &url], "--base-url", false, mock),
        (&["mock", "-v"], "-v", false, mock),
    ];
    for (args, flag, tip, usage) in cases {
        let run = d360(args, &env(&url), "").await;
        assert_eq!(run, failed(2, &unexpected(flag, tip, usage)), "{args:?}");
    }
    assert!(hub.requests().is_empty(), "{:?}", hub.requests());
    // The same onboarding redirect is read without the flag.
    let run = d360(&["onboarding", "parse", redirect], &[], "").await;
    assert_eq!(
        run,
        ok("{\"client\":\"c\",\"channels\":[\"a\"],\"revoked\":[]}\n")
    );
}
