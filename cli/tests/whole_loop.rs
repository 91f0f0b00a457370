//! The whole loop on one machine, through processes only: `d360 mock` as the hub, `d360 webhook
//! listen --forward-to` in front of an app (a test server on 127.0.0.1 that keeps what it gets),
//! the partner's API calls, the signed onboarding link and the browser's visit, and the events
//! that follow. Then the webhook commands at their edges (`sign`, `verify` of a body saved with
//! `echo`, `send` at its nesting limit) and the listener under what the internet sends (a body
//! that never comes, held connections, paths that would forge a log line, a closed stdout, a
//! stderr nobody reads). Stdout, stderr, exit codes and bytes on the wire are asserted exactly;
//! every wait is bounded; every process is stopped by its PID, and killed when a test fails.

use crate::common;

use common::app::App;
use common::{Run, failed, ok};
use d360_partner::mock::MockHub;
use serde_json::Value;
use std::collections::HashSet;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

const D360: &str = env!("CARGO_BIN_EXE_d360");
/// How long a line, an answer or an exit may take before the test fails.
const BOUND: Duration = Duration::from_secs(20);
const SECRET: &str = "D360_PARTNER_PLATFORM_SECRET";
const API_KEY: &str = "D360_PARTNER_API_KEY";
/// The body limit of `listen`: the verifier's default, 1 MiB.
const LIMIT: usize = 1024 * 1024;
/// Where the onboarding links send the browser back to.
const DONE: &str = "https://partner.example/done";
/// The listener's cause for a request without a signature header.
const UNSIGNED: &str = "with 401 Unauthorized: the request has no x-360dialog-signature header";

/// Runs `d360 args` with only `env` set and `stdin` piped in, bounded by [`BOUND`] (the process
/// killed past it).
async fn d360(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    within(common::run(D360, args, env, stdin)).await
}

/// `future`, or the test fails after [`BOUND`].
async fn within<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, future)
        .await
        .expect("done within the bound")
}

/// A usage error as clap prints it, with the command's usage line.
fn usage(message: &str, usage: &str) -> String {
    format!("error: {message}\n\nUsage: {usage}\n\nFor more information, try '--help'.\n")
}

fn hub_secret() -> Vec<(&'static str, &'static str)> {
    vec![(SECRET, MockHub::PLATFORM_SECRET)]
}

// ---------------------------------------------------------------------------------------------
// processes

/// The lines `reader` gives, as they come, until its end (read all along, so a full pipe never
/// stalls the process).
fn lines(reader: impl AsyncRead + Unpin + Send + 'static) -> mpsc::UnboundedReceiver<String> {
    let (send, receive) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(reader).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// A running `d360`: its stdout and stderr lines as they come. Killed when dropped, so a failing
/// test leaves no process behind.
struct Process {
    child: tokio::process::Child,
    stdout: mpsc::UnboundedReceiver<String>,
    stderr: mpsc::UnboundedReceiver<String>,
}

impl Process {
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> Process {
        Process::spawn_with(args, env, None)
    }

    /// With `stdout` as given (its lines then never come), or piped and read when `None`.
    fn spawn_with(args: &[&str], env: &[(&str, &str)], stdout: Option<Stdio>) -> Process {
        let mut child = tokio::process::Command::new(D360)
            .args(args)
            .env_clear()
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(stdout.unwrap_or_else(Stdio::piped))
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("d360 starts");
        let stdout = match child.stdout.take() {
            Some(out) => lines(out),
            None => mpsc::unbounded_channel().1,
        };
        let stderr = lines(child.stderr.take().unwrap());
        Process {
            child,
            stdout,
            stderr,
        }
    }

    async fn stdout_line(&mut self) -> String {
        within(self.stdout.recv()).await.expect("a line on stdout")
    }

    async fn stderr_line(&mut self) -> String {
        within(self.stderr.recv()).await.expect("a line on stderr")
    }

    /// Stops it with `signal` (`TERM`, `INT`) sent to its PID: its exit code, and the stdout
    /// and stderr lines not read yet.
    async fn stop(mut self, signal: &str) -> (i32, Vec<String>, Vec<String>) {
        kill(&self.child, signal);
        let status = within(self.child.wait()).await.unwrap();
        let code = status.code().expect("an exit code, not a signal");
        (
            code,
            rest(&mut self.stdout).await,
            rest(&mut self.stderr).await,
        )
    }
}

/// Sends `signal` to `child` by its PID.
fn kill(child: &tokio::process::Child, signal: &str) {
    let pid = child.id().expect("still running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-s", signal, &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// The lines still to come, up to the end.
async fn rest(lines: &mut mpsc::UnboundedReceiver<String>) -> Vec<String> {
    let mut rest = Vec::new();
    while let Some(line) = within(lines.recv()).await {
        rest.push(line);
    }
    rest
}

/// A running `d360 mock`, and what its line on stdout said.
struct Mock {
    process: Process,
    line: String,
    base_url: String,
    partner_id: String,
    api_key: String,
    platform_secret: String,
}

impl Mock {
    /// `d360 mock args`, once it printed its line.
    async fn start(args: &[&str]) -> Mock {
        let mut all = vec!["mock"];
        all.extend(args);
        let mut process = Process::spawn(&all, &[]);
        let line = process.stdout_line().await;
        let value: Value = serde_json::from_str(&line).expect("the line is JSON");
        let field = |name: &str| {
            value[name]
                .as_str()
                .unwrap_or_else(|| panic!("no {name}: {line}"))
                .to_string()
        };
        Mock {
            base_url: field("base_url"),
            partner_id: field("partner_id"),
            api_key: field("api_key"),
            platform_secret: field("platform_secret"),
            line,
            process,
        }
    }

    /// Its host and port.
    fn address(&self) -> &str {
        self.base_url.strip_prefix("http://").unwrap()
    }

    /// The environment of a script calling it with its API key.
    fn key(&self) -> [(&str, &str); 1] {
        [(API_KEY, self.api_key.as_str())]
    }
}

/// The mock's next log line, asserted to be `{request} N ms` (`request`: method, path, status).
async fn served(mock: &mut Process, request: &str) {
    let line = mock.stderr_line().await;
    let ms = line
        .strip_prefix(&format!("{request} "))
        .and_then(|rest| rest.strip_suffix(" ms"))
        .unwrap_or_else(|| panic!("not `{request} N ms`: {line}"));
    assert!(
        !ms.is_empty() && ms.bytes().all(|b| b.is_ascii_digit()),
        "{line}"
    );
}

/// The simulated partner as the hub answers it, compact, in the hub's order.
fn partner_json(webhook_url: Option<&str>, io_signature: bool) -> String {
    let webhook_url = webhook_url.map_or("null".to_string(), |url| format!("\"{url}\""));
    format!(
        "{{\"id\":\"MockPartner01\",\"brand_name\":\"Sandbox Partner\",\"country\":\"DE\",\
         \"logo_url\":null,\"webhook_url\":{webhook_url},\"partner_redirect_url\":null,\
         \"allow_client_to_add_phone_no\":true,\"settings\":{{\"partner_change_request\":\
         {{\"auto_approve\":false}},\"account_sharing\":null,\"io_secure\":\
         {{\"io_signature_verification_enabled\":{io_signature}}}}}}}"
    )
}

/// A running `d360 webhook listen --port 0 args`, and the address from its first line.
struct Listen {
    process: Process,
    address: String,
}

impl Listen {
    async fn start(args: &[&str], env: &[(&str, &str)]) -> Listen {
        Listen::start_with(args, env, None).await
    }

    async fn start_with(args: &[&str], env: &[(&str, &str)], stdout: Option<Stdio>) -> Listen {
        let mut all = vec!["webhook", "listen", "--port", "0"];
        all.extend(args);
        let mut process = Process::spawn_with(&all, env, stdout);
        let first = process.stderr_line().await;
        let address = listening(&first);
        Listen { process, address }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

/// The address of `listening on http://127.0.0.1:PORT`, with a port other than 0.
fn listening(line: &str) -> String {
    let address = line
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("not the listening line: {line}"));
    let port: u16 = address
        .strip_prefix("127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not 127.0.0.1 and a port: {line}"));
    assert_ne!(port, 0, "the bound port is printed");
    address.to_string()
}

// ---------------------------------------------------------------------------------------------
// the app, and HTTP by hand

/// A URL on 127.0.0.1 where nothing listens: its origin, and the URL.
fn closed_url() -> (String, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    (origin.clone(), format!("{origin}/app/webhook"))
}

/// `request` sent as is to `address`, and the whole answer (the request closes the connection).
async fn raw_http(address: &str, request: &[u8]) -> String {
    within(async {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(request).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
}

/// The head of the answer coming on `stream`: its status line and headers, up to the blank line.
async fn answer_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = stream.read(&mut byte).await.unwrap();
        assert_eq!(read, 1, "the connection closed within the head: {head:?}");
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// The value of the header `name` in an answer's head.
fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    let head = answer.split("\r\n\r\n").next()?;
    head.split("\r\n").skip(1).find_map(|line| {
        let (field, value) = line.split_once(':')?;
        field.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A POST of `body` to `path`, signed as the hub signs, on a connection it closes.
fn signed_post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nx-360dialog-signature: {}\r\nConnection: close\r\n\r\n",
        body.len(),
        MockHub::signature(body)
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// A POST to `path` (bytes as given) without a signature and without a body.
fn unsigned_post(path: &[u8]) -> Vec<u8> {
    let mut request = b"POST ".to_vec();
    request.extend_from_slice(path);
    request.extend_from_slice(
        b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    request
}

// ---------------------------------------------------------------------------------------------
// d360 mock

#[tokio::test]
async fn mock_prints_one_json_line_serves_the_partner_logs_each_request_and_stops_on_a_signal() {
    for (args, signal) in [(&["--port", "0"][..], "TERM"), (&[][..], "INT")] {
        let mut mock = Mock::start(args).await;
        let port: u16 = mock
            .address()
            .strip_prefix("127.0.0.1:")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("not http://127.0.0.1:PORT: {}", mock.line));
        assert_ne!(port, 0, "{args:?}");
        // Exactly these keys, in this order, with the hub's constants.
        assert_eq!(
            mock.line,
            format!(
                "{{\"base_url\":\"{}\",\"partner_id\":\"{}\",\"api_key\":\"{}\",\"username\":\"{}\",\
                 \"password\":\"{}\",\"platform_secret\":\"{}\"}}",
                mock.base_url,
                MockHub::PARTNER_ID,
                MockHub::API_KEY,
                MockHub::USERNAME,
                MockHub::PASSWORD,
                MockHub::PLATFORM_SECRET
            ),
            "{args:?}"
        );

        let get = [
            "get-partner",
            "--partner-id",
            &mock.partner_id,
            "--base-url",
            &mock.base_url,
        ];
        let run = d360(&get, &mock.key(), "").await;
        assert_eq!(
            run,
            ok(&format!("{}\n", partner_json(None, true))),
            "{args:?}"
        );
        served(&mut mock.process, "GET /api/v2/partners/MockPartner01 200").await;
        // A key it does not accept: 401 on the wire, exit 4.
        let run = d360(&get, &[(API_KEY, "not-the-key")], "").await;
        assert_eq!(run.code, 4, "{run:?}");
        served(&mut mock.process, "GET /api/v2/partners/MockPartner01 401").await;

        // One line per request, and no more.
        let (code, stdout, stderr) = mock.process.stop(signal).await;
        assert_eq!((code, stdout, stderr), (0, vec![], vec![]), "SIG{signal}");
    }
}

#[tokio::test]
async fn mock_refuses_a_fault_rate_outside_0_to_1_and_no_io_signature_turns_verification_off() {
    for (flag, shown) in [("--faults=2", "2"), ("--faults=-0.5", "-0.5")] {
        let run = d360(&["mock", flag], &[], "").await;
        assert_eq!(
            run,
            failed(
                2,
                &usage(
                    &format!("--faults {shown}: a rate is a fraction from 0 to 1"),
                    "d360 mock [OPTIONS]"
                )
            ),
            "{flag}"
        );
    }

    let mut mock = Mock::start(&["--no-io-signature"]).await;
    let run = d360(
        &[
            "get-partner",
            "--partner-id",
            &mock.partner_id,
            "--base-url",
            &mock.base_url,
        ],
        &mock.key(),
        "",
    )
    .await;
    assert_eq!(run, ok(&format!("{}\n", partner_json(None, false))));
    served(&mut mock.process, "GET /api/v2/partners/MockPartner01 200").await;
    // So a link without a signature onboards.
    let run = d360(
        &[
            "onboarding",
            "link",
            "--v2",
            "--origin",
            &mock.base_url,
            "--partner-id",
            &mock.partner_id,
            "--redirect-url",
            DONE,
        ],
        &[],
        "",
    )
    .await;
    let link = format!(
        "{}/onboarding/MockPartner01?redirect_url=https%3A%2F%2Fpartner.example%2Fdone",
        mock.base_url
    );
    assert_eq!(run, ok(&format!("{link}\n")));
    let path = link.strip_prefix(&mock.base_url).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let answer = raw_http(mock.address(), request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 302 Found\r\n"), "{answer}");
    assert_eq!(
        header(&answer, "location"),
        Some("https://partner.example/done?client=sbx00001CL&channels=[sbx00002CH]")
    );
    served(&mut mock.process, "GET /onboarding/MockPartner01 302").await;
    let (code, stdout, stderr) = mock.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

// ---------------------------------------------------------------------------------------------
// the whole loop

#[tokio::test]
async fn the_whole_loop_from_a_signed_link_to_the_events_printed_and_forwarded_byte_for_byte() {
    let mut mock = Mock::start(&["--channel-delay", "0.2"]).await;
    let mut app = App::start(200).await;
    let secret = [(SECRET, mock.platform_secret.as_str())];
    let mut listener = Listen::start(&["--forward-to", &app.url], &secret).await;
    let webhook_url = listener.url("/360dialog/webhook");

    // The partner points its webhook URL at the listener.
    let run = d360(
        &[
            "patch-partner",
            "--partner-id",
            &mock.partner_id,
            "--webhook-url",
            &webhook_url,
            "--base-url",
            &mock.base_url,
        ],
        &mock.key(),
        "",
    )
    .await;
    assert_eq!(
        run,
        ok(&format!("{}\n", partner_json(Some(&webhook_url), true)))
    );
    served(
        &mut mock.process,
        "PATCH /api/v2/partners/MockPartner01 200",
    )
    .await;

    let link_args = [
        "onboarding",
        "link",
        "--v2",
        "--origin",
        &mock.base_url,
        "--partner-id",
        &mock.partner_id,
        "--redirect-url",
        DONE,
    ];
    let visit = |link: &str| {
        let path = link
            .trim_end()
            .strip_prefix(&mock.base_url)
            .unwrap_or_else(|| panic!("not a link to the mock: {link}"));
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    };
    let refused = |why: &str| {
        format!(
            "{{\"meta\":{{\"developer_message\":\"{why}\",\"http_code\":403,\"success\":false,\
             \"360dialog_trace_id\":\"mock-trace-403\"}}}}"
        )
    };
    // Unsigned, the link is refused: the partner has IO signature verification on.
    let unsigned = d360(&link_args, &[], "").await;
    assert_eq!(unsigned.code, 0, "{unsigned:?}");
    let answer = raw_http(mock.address(), visit(&unsigned.stdout).as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
    assert!(
        answer.ends_with(&refused(
            "io_signature and io_timestamp are required: the partner has IO signature verification on"
        )),
        "{answer}"
    );
    served(&mut mock.process, "GET /onboarding/MockPartner01 403").await;

    // Signed with the mock's secret, it onboards: the browser is sent back with the client and
    // its channel.
    let mut signed_args = link_args.to_vec();
    signed_args.push("--sign");
    let signed = d360(&signed_args, &secret, "").await;
    assert_eq!((signed.code, signed.stderr.as_str()), (0, ""), "{signed:?}");
    assert!(
        signed.stdout.starts_with(&format!(
            "{}/onboarding/MockPartner01?redirect_url=https%3A%2F%2Fpartner.example%2Fdone&io_timestamp=",
            mock.base_url
        )),
        "{signed:?}"
    );
    let answer = raw_http(mock.address(), visit(&signed.stdout).as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 302 Found\r\n"), "{answer}");
    let location = header(&answer, "location").expect("a Location");
    assert_eq!(
        location,
        "https://partner.example/done?client=sbx00001CL&channels=[sbx00002CH]"
    );
    served(&mut mock.process, "GET /onboarding/MockPartner01 302").await;
    let run = d360(&["onboarding", "parse", location], &[], "").await;
    assert_eq!(
        run,
        ok("{\"client\":\"sbx00001CL\",\"channels\":[\"sbx00002CH\"],\"revoked\":[]}\n")
    );
    // A signed link is good once.
    let answer = raw_http(mock.address(), visit(&signed.stdout).as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
    assert!(
        answer.ends_with(&refused(
            "io_signature was used before: make a new signed link for each visitor"
        )),
        "{answer}"
    );
    served(&mut mock.process, "GET /onboarding/MockPartner01 403").await;

    // The events follow, in order: printed by the listener, and handed to the app.
    let mut events = Vec::new();
    for _ in 0..3 {
        events.push(listener.process.stdout_line().await);
    }
    let created_at = |line: &str| {
        let event: Value = serde_json::from_str(line).unwrap();
        let at = event["data"]["created_at"].as_str().unwrap().to_string();
        assert!(at.len() == 20 && at.ends_with('Z'), "{line}");
        at
    };
    let client_at = created_at(&events[0]);
    let channel_at = created_at(&events[1]);
    let channel = |status: &str| {
        format!(
            "{{\"id\":\"sbx00002CH\",\"client_id\":\"sbx00001CL\",\"status\":\"{status}\",\
             \"setup_info\":{{\"phone_number\":\"+49 30 0000001\",\"phone_name\":\"Sandbox\"}},\
             \"waba_account\":{{\"id\":\"sbx00003WA\"}},\"created_at\":\"{channel_at}\"}}"
        )
    };
    assert_eq!(
        events,
        [
            format!(
                "{{\"id\":\"sbx-event-1\",\"event\":\"client_created\",\"data\":{{\"id\":\"sbx00001CL\",\
                 \"partner_id\":\"MockPartner01\",\"name\":\"Sandbox Client sbx00001CL\",\
                 \"contact_info\":{{\"email\":null}},\"status\":\"active\",\"created_at\":\"{client_at}\"}}}}"
            ),
            format!(
                "{{\"id\":\"sbx-event-2\",\"event\":\"channel_created\",\"data\":{}}}",
                channel("pending")
            ),
            format!(
                "{{\"id\":\"sbx-event-3\",\"event\":\"channel_running\",\"data\":{}}}",
                channel("running")
            ),
        ]
    );
    for event in &events {
        let got = app.next().await;
        let signature = MockHub::signature(event.as_bytes());
        assert_eq!(got.method, "POST");
        assert_eq!(got.path, "/app/webhook");
        assert_eq!(got.content_type.as_deref(), Some("application/json"));
        // The body as the hub sent it, byte for byte, with the hub's signature.
        assert_eq!(got.body, event.as_bytes());
        assert_eq!(got.signature.as_deref(), Some(signature.as_str()));
        assert_eq!(
            listener.process.stderr_line().await,
            format!(
                "forwarded to {}: the app answered 200 OK",
                origin_of(&app.url)
            )
        );
        // ... which `d360 webhook verify` takes with the mock's secret.
        let run = d360(
            &["webhook", "verify", "--signature", &signature],
            &secret,
            event,
        )
        .await;
        assert_eq!(run, ok(&format!("{event}\n")));
    }

    // The channel runs: it takes an API key.
    let run = d360(
        &[
            "api",
            "POST",
            "/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys",
            "-p",
            &format!("partner_id={}", mock.partner_id),
            "-p",
            "channel_id=sbx00002CH",
            "--base-url",
            &mock.base_url,
        ],
        &mock.key(),
        "",
    )
    .await;
    assert_eq!(
        run,
        ok(
            "{\"address\":\"https://waba-v2.360dialog.io\",\"api_key\":\"sandbox-api-key-sbx00004KY\",\
             \"app_id\":\"sbx00002CH-app\",\"id\":\"sbx00004KY\"}\n"
        )
    );
    served(
        &mut mock.process,
        "POST /api/v2/partners/MockPartner01/channels/sbx00002CH/api_keys 200",
    )
    .await;

    // Every event was taken at once: nothing is sent again.
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
    let (code, stdout, stderr) = mock.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
    assert!(app.got_nothing_more(), "a request after the loop");
}

// ---------------------------------------------------------------------------------------------
// webhook listen --forward-to

#[tokio::test]
async fn forward_answers_the_hub_with_the_apps_status_or_502_and_prints_the_event_either_way() {
    let hub = MockHub::start().await;
    let body = r#"{"id":"ev-1","event":"channel_created","data":{"id":"CH1"}}"#;

    // The app fails: the hub is answered its 500, so it sends the event again.
    let mut app = App::start(500).await;
    // A token in the app's URL never reaches the log: lines name its origin only.
    let with_token = format!("{}?token=s3cret", app.url);
    let mut listener = Listen::start(&["--forward-to", &with_token], &hub_secret()).await;
    let url = listener.url("/hook");
    assert_eq!(within(hub.deliver_signed(&url, body)).await.unwrap(), 500);
    assert_eq!(listener.process.stdout_line().await, body);
    assert_eq!(
        listener.process.stderr_line().await,
        format!(
            "forwarded to {}: the app answered 500 Internal Server Error",
            origin_of(&app.url)
        )
    );
    let got = app.next().await;
    assert_eq!(got.body, body.as_bytes());
    assert_eq!(
        got.signature,
        Some(MockHub::signature(body.as_bytes())),
        "{got:?}"
    );
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));

    // The app is not running: 502.
    let (origin, closed) = closed_url();
    let mut listener = Listen::start(&["--forward-to", &closed], &hub_secret()).await;
    let url = listener.url("/hook");
    assert_eq!(within(hub.deliver_signed(&url, body)).await.unwrap(), 502);
    assert_eq!(listener.process.stdout_line().await, body);
    assert_eq!(
        listener.process.stderr_line().await,
        format!(
            "could not forward: could not connect to {origin}: connection refused \
             (1 attempt); answered 502, so the hub sends it again"
        )
    );
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn forward_to_a_url_that_is_not_http_is_a_usage_error_before_the_secret() {
    for url in ["ftp://x", "not a url"] {
        for env in [hub_secret(), vec![]] {
            let run = d360(
                &["webhook", "listen", "--port", "0", "--forward-to", url],
                &env,
                "",
            )
            .await;
            assert_eq!(
                run,
                failed(
                    2,
                    &usage(
                        &format!("--forward-to {url}: not an http:// or https:// URL"),
                        "d360 webhook listen [OPTIONS]"
                    )
                ),
                "{url} {env:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// webhook sign, verify, send

/// Signed by another implementation: Python's `hmac.new(b"platform-secret", BODY,
/// hashlib.sha256).hexdigest()` (and `openssl dgst -sha256 -hmac platform-secret`).
const BODY: &str = r#"{"id":"ev-1","event":"channel_live","data":{"id":"CH1","status":"running"}}"#;
const PYTHON_HEX: &str = "8b2fa5af8c2d6f0ee9f29c39df8cc8ac0ef0a077563fe478be0d44020e5d27e2";

#[tokio::test]
async fn sign_prints_the_hubs_signature_of_stdin_and_without_the_secret_exits_4() {
    let run = d360(
        &["webhook", "sign", "--body", "-"],
        &[(SECRET, "platform-secret")],
        BODY,
    )
    .await;
    assert_eq!(run, ok(&format!("{PYTHON_HEX}\n")));
    // With the mock's secret, the signature the mock hub sends; byte for byte (a final line
    // break is signed too); stdin without --body.
    for (args, body) in [
        (&["webhook", "sign", "--body", "-"][..], BODY.to_string()),
        (&["webhook", "sign"], format!("{BODY}\n")),
        (&["webhook", "sign", "--body", "-"], String::new()),
    ] {
        let run = d360(args, &hub_secret(), &body).await;
        let signature = MockHub::signature(body.as_bytes());
        assert_eq!(run, ok(&format!("{signature}\n")), "{body:?}");
        assert!(
            signature.len() == 64
                && signature
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{signature}"
        );
    }
    assert_ne!(
        MockHub::signature(BODY.as_bytes()),
        MockHub::signature(format!("{BODY}\n").as_bytes())
    );
    let run = d360(&["webhook", "sign", "--body", "-"], &[], BODY).await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: webhook sign needs the platform secret: set D360_PARTNER_PLATFORM_SECRET\n"
        )
    );
}

#[tokio::test]
async fn verify_of_a_body_saved_with_echo_exits_4_and_names_the_final_line_break() {
    let env = hub_secret();
    let signature = MockHub::signature(BODY.as_bytes());
    let hint = "d360: --signature does not sign this body with D360_PARTNER_PLATFORM_SECRET (the body \
                was changed, or signed with another secret); the body ends with a line break, without \
                which it does: was it saved with `echo`? (`printf '%s'` or `echo -n` add none)\n";
    let file =
        std::env::temp_dir().join(format!("d360-whole-loop-echo-{}.json", std::process::id()));
    // As `echo "$body" > file` saves it.
    std::fs::write(&file, format!("{BODY}\n")).unwrap();
    let path = file.to_str().unwrap();
    let from_file = d360(
        &[
            "webhook",
            "verify",
            "--signature",
            &signature,
            "--body",
            path,
        ],
        &env,
        "",
    )
    .await;
    // As `printf '%s' "$body" > file` saves it.
    std::fs::write(&file, BODY).unwrap();
    let printf = d360(
        &[
            "webhook",
            "verify",
            "--signature",
            &signature,
            "--body",
            path,
        ],
        &env,
        "",
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(from_file, failed(4, hint));
    assert_eq!(printf, ok(&format!("{BODY}\n")));
    let from_stdin = d360(
        &["webhook", "verify", "--signature", &signature],
        &env,
        &format!("{BODY}\n"),
    )
    .await;
    assert_eq!(from_stdin, failed(4, hint));
    // Changed otherwise, no hint.
    let run = d360(
        &["webhook", "verify", "--signature", &signature],
        &env,
        &format!("{BODY} \n"),
    )
    .await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: --signature does not sign this body with D360_PARTNER_PLATFORM_SECRET (the body \
             was changed, or signed with another secret)\n"
        )
    );
}

#[tokio::test]
async fn send_refuses_data_nested_past_the_limit_and_a_receiver_takes_it_at_the_limit() {
    let nested =
        |levels: usize, inner: &str| format!("{}{inner}{}", "[".repeat(levels), "]".repeat(levels));
    let usage_line = "d360 webhook send [OPTIONS] --event <NAME> <URL>";
    let receiver = "http://127.0.0.1:9/hook";
    let send = |data: &str| {
        [
            "webhook",
            "send",
            receiver,
            "--event",
            "channel_created",
            "--id",
            "ev-1",
            "--dry-run",
            "--data",
            data,
        ]
        .map(String::from)
    };
    let run_send = |data: String, stdin: String| async move {
        let args = send(&data);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        d360(&args, &hub_secret(), &stdin).await
    };

    // Deeper than serde_json reads: refused as it is parsed, however deep, without a panic.
    let run = run_send(nested(200, ""), String::new()).await;
    assert_eq!(
        run,
        failed(
            2,
            &usage(
                "--data (inline): it nests deeper than 128 levels, more than a receiver reads",
                usage_line
            )
        )
    );
    let run = run_send("-".into(), nested(100_000, "")).await;
    assert_eq!(
        run,
        failed(
            2,
            &usage(
                "--data -: it nests deeper than 128 levels, more than a receiver reads",
                usage_line
            )
        )
    );
    // One level past the limit, with the envelope's: refused, whatever the innermost holds.
    for inner in ["", "0"] {
        let run = run_send(nested(127, inner), String::new()).await;
        assert_eq!(
            run,
            failed(
                2,
                &usage(
                    "--data nests 128 levels deep: a receiver reading JSON takes at most 128, the \
                     envelope's one included, so at most 127",
                    usage_line
                )
            ),
            "{inner:?}"
        );
    }

    // At the limit: shown by --dry-run, and taken by `d360 webhook listen`.
    let mut listener = Listen::start(&[], &hub_secret()).await;
    let url = listener.url("/hook");
    for inner in ["", "0"] {
        let data = nested(126, inner);
        let body = format!("{{\"id\":\"ev-1\",\"event\":\"channel_created\",\"data\":{data}}}");
        let run = run_send(data.clone(), String::new()).await;
        let shown = format!(
            "{{\"method\":\"POST\",\"url\":\"{receiver}\",\"headers\":{{\"content-type\":\
             \"application/json\",\"x-360dialog-signature\":\"{}\"}},\"body\":{body}}}\n",
            MockHub::signature(body.as_bytes())
        );
        assert_eq!(run, ok(&shown), "{inner:?}");
        let run = d360(
            &[
                "webhook",
                "send",
                &url,
                "--event",
                "channel_created",
                "--id",
                "ev-1",
                "--data",
                &data,
            ],
            &hub_secret(),
            "",
        )
        .await;
        assert_eq!(
            run,
            Run {
                code: 0,
                stdout: format!("{body}\n"),
                stderr: "d360: the receiver answered 200 OK\n".into(),
            },
            "{inner:?}"
        );
        assert_eq!(listener.process.stdout_line().await, body);
    }
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

// ---------------------------------------------------------------------------------------------
// webhook listen under what the internet sends

#[tokio::test]
async fn listen_refuses_a_request_without_a_usable_signature_before_its_body_arrives() {
    let mut listener = Listen::start(&[], &hub_secret()).await;
    let head = |signature: &str| {
        format!(
            "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {LIMIT}\r\n{signature}\r\n"
        )
    };
    for (signature, cause) in [
        ("", "the request has no x-360dialog-signature header"),
        (
            "x-360dialog-signature: abc\r\n",
            "the x-360dialog-signature header is no signature: it has 3 characters, where an \
             HMAC-SHA256 is 64 hex digits or 43 or 44 base64 characters",
        ),
    ] {
        let mut stream = within(TcpStream::connect(&listener.address)).await.unwrap();
        stream.write_all(head(signature).as_bytes()).await.unwrap();
        // Not one byte of the 1 MiB it announced is sent.
        let answer = tokio::time::timeout(Duration::from_secs(2), answer_head(&mut stream))
            .await
            .expect("answered within 2 s, without the body");
        assert!(
            answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
            "{answer}"
        );
        assert_eq!(
            listener.process.stderr_line().await,
            format!("refused POST /hook with 401 Unauthorized: {cause}")
        );
    }

    // A header that can be a signature needs the body to be checked: nothing is answered until
    // it comes, and then it is taken.
    let event = r#"{"id":"ev-1","event":"channel_created","data":{}}"#;
    let mut body = event.as_bytes().to_vec();
    body.resize(LIMIT, b' ');
    let signature = format!("x-360dialog-signature: {}\r\n", MockHub::signature(&body));
    let mut stream = within(TcpStream::connect(&listener.address)).await.unwrap();
    stream.write_all(head(&signature).as_bytes()).await.unwrap();
    let mut byte = [0; 1];
    let early = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut byte)).await;
    assert!(early.is_err(), "answered before the body came: {early:?}");
    within(stream.write_all(&body)).await.unwrap();
    let answer = within(answer_head(&mut stream)).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert_eq!(listener.process.stdout_line().await, event);

    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn listen_serves_at_most_max_connections_at_once_and_the_next_when_one_closes() {
    let mut listener = Listen::start(&["--max-connections", "2"], &hub_secret()).await;
    // Two connections held open, idle: they take both slots (accepted first, in order).
    let first = within(TcpStream::connect(&listener.address)).await.unwrap();
    let second = within(TcpStream::connect(&listener.address)).await.unwrap();
    let event = r#"{"id":"ev-3","event":"channel_created","data":{}}"#;
    let mut third = within(TcpStream::connect(&listener.address)).await.unwrap();
    within(third.write_all(&signed_post("/third", event.as_bytes())))
        .await
        .unwrap();
    let mut byte = [0; 1];
    let early = tokio::time::timeout(Duration::from_secs(1), third.read(&mut byte)).await;
    assert!(early.is_err(), "answered with both slots held: {early:?}");
    assert!(
        listener.process.stdout.try_recv().is_err(),
        "printed with both slots held"
    );

    // One closes: the third is served.
    drop(first);
    let mut answer = Vec::new();
    within(third.read_to_end(&mut answer)).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert_eq!(listener.process.stdout_line().await, event);
    // With the second still held, the slot the third freed serves the next.
    let next = r#"{"id":"ev-4","event":"channel_created","data":{}}"#;
    let answer = raw_http(&listener.address, &signed_post("/next", next.as_bytes())).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert_eq!(listener.process.stdout_line().await, next);

    drop(second);
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn log_lines_escape_what_a_path_holds_and_cut_a_long_one() {
    let mut listener = Listen::start(&[], &hub_secret()).await;
    let forging = ['\u{2028}', '\u{85}', '\u{202e}'];
    let cases: [(Vec<u8>, String); 5] = [
        // Percent-encoded, as a client should send it: shown as sent.
        (
            b"/hook/%E2%80%A8%C2%85%E2%80%AE".to_vec(),
            "/hook/%E2%80%A8%C2%85%E2%80%AE".into(),
        ),
        // The characters' own bytes on the request line: escaped.
        (
            "/hook/a\u{2028}b\u{85}c\u{202e}d".as_bytes().to_vec(),
            "/hook/a\\u{2028}b\\u{85}c\\u{202e}d".into(),
        ),
        (
            "/hook/\u{200b}\u{feff}".as_bytes().to_vec(),
            "/hook/\\u{200b}\\u{feff}".into(),
        ),
        // 1000 characters: cut at 200.
        (
            format!("/{}", "a".repeat(999)).into_bytes(),
            format!("/{}…", "a".repeat(199)),
        ),
        (
            format!("/{}", "\u{202e}".repeat(999)).into_bytes(),
            format!("/{}…", "\\u{202e}".repeat(199)),
        ),
    ];
    for (path, shown) in &cases {
        let answer = raw_http(&listener.address, &unsigned_post(path)).await;
        assert!(
            answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
            "{answer}"
        );
        let line = listener.process.stderr_line().await;
        assert_eq!(line, format!("refused POST {shown} {UNSIGNED}"));
        assert!(!line.contains(forging), "{line:?}");
    }
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));

    // The mock's log escapes and cuts the same way.
    let mut mock = Mock::start(&[]).await;
    for (path, shown) in &cases {
        let mut request = b"GET ".to_vec();
        request.extend_from_slice(path);
        request.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let answer = raw_http(mock.address(), &request).await;
        assert!(
            answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
            "{answer}"
        );
        served(&mut mock.process, &format!("GET {shown} 401")).await;
    }
    let (code, stdout, stderr) = mock.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn listen_refuses_to_start_with_stdout_closed_unless_it_forwards_the_events() {
    let refusal = "d360: stdout is closed or /dev/null, so the events would be acknowledged and lost: \
                   give it a file or a pipe, or --forward-to the app\n";
    // /dev/null, and closed (which the runtime makes /dev/null). (Spawned, then waited for:
    // `output()` would pipe stdout.)
    let null = tokio::process::Command::new(D360)
        .args(["webhook", "listen", "--port", "0"])
        .env_clear()
        .envs(hub_secret())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("it starts")
        .wait_with_output();
    let closed = tokio::process::Command::new("/bin/sh")
        .args(["-c", "exec \"$0\" webhook listen --port 0 >&-", D360])
        .env_clear()
        .envs(hub_secret())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("it starts")
        .wait_with_output();
    for output in [within(null).await.unwrap(), within(closed).await.unwrap()] {
        assert_eq!(
            (
                output.status.code(),
                String::from_utf8(output.stdout).unwrap(),
                String::from_utf8(output.stderr).unwrap()
            ),
            (Some(1), String::new(), refusal.to_string())
        );
    }

    // Forwarding, the events reach the app: it runs.
    let hub = MockHub::start().await;
    let mut app = App::start(200).await;
    let mut listener = Listen::start_with(
        &["--forward-to", &app.url],
        &hub_secret(),
        Some(Stdio::null()),
    )
    .await;
    let body = r#"{"id":"ev-1","event":"channel_created","data":{}}"#;
    let status = within(hub.deliver_signed(&listener.url("/hook"), body)).await;
    assert_eq!(status.unwrap(), 200);
    assert_eq!(app.next().await.body, body.as_bytes());
    assert_eq!(
        listener.process.stderr_line().await,
        format!(
            "forwarded to {}: the app answered 200 OK",
            origin_of(&app.url)
        )
    );
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));

    // A file takes them too.
    let file =
        std::env::temp_dir().join(format!("d360-whole-loop-out-{}.jsonl", std::process::id()));
    let out = std::fs::File::create(&file).unwrap();
    let listener = Listen::start_with(&[], &hub_secret(), Some(Stdio::from(out))).await;
    let status = within(hub.deliver_signed(&listener.url("/hook"), body)).await;
    assert_eq!(status.unwrap(), 200);
    let (code, stdout, stderr) = listener.process.stop("TERM").await;
    let written = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
    assert_eq!(written, format!("{body}\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stderr_nobody_reads_holds_up_neither_deliveries_nor_the_stop() {
    const WORKERS: usize = 30;
    const EACH: usize = 100;
    let hub = MockHub::start().await;
    let mut child = tokio::process::Command::new(D360)
        .args(["webhook", "listen", "--port", "0"])
        .env_clear()
        .envs(hub_secret())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("d360 starts");
    let mut stdout = lines(child.stdout.take().unwrap());
    // Its first line is read for the port; then stderr is held open and not read.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    within(stderr.read_line(&mut first)).await.unwrap();
    let address = listening(first.trim_end());

    // 3000 refused requests, 30 at a time: their log lines (about 280 bytes each) are far more
    // than the pipe holds.
    let padding = "p".repeat(180);
    let line =
        |worker: usize, n: usize| format!("refused POST /flood/{worker}-{n}/{padding} {UNSIGNED}");
    let mut flood = tokio::task::JoinSet::new();
    for worker in 0..WORKERS {
        let (address, padding) = (address.clone(), padding.clone());
        flood.spawn(async move {
            for n in 0..EACH {
                let path = format!("/flood/{worker}-{n}/{padding}");
                let answer = raw_http(&address, &unsigned_post(path.as_bytes())).await;
                assert!(
                    answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
                    "{answer}"
                );
            }
        });
    }
    within(async {
        while let Some(done) = flood.join_next().await {
            done.unwrap();
        }
    })
    .await;

    // A delivery is still answered at once, and printed.
    let body = r#"{"id":"ev-1","event":"channel_created","data":{}}"#;
    let url = format!("http://{address}/hook");
    let delivery = hub.deliver_signed(&url, body);
    let status = tokio::time::timeout(Duration::from_secs(5), delivery)
        .await
        .expect("answered within 5 s");
    assert_eq!(status.unwrap(), 200);
    assert_eq!(within(stdout.recv()).await.as_deref(), Some(body));

    // And SIGTERM stops it.
    let signalled = Instant::now();
    kill(&child, "TERM");
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stopped within 10 s")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(
        signalled.elapsed() < Duration::from_secs(8),
        "{:?}",
        signalled.elapsed()
    );
    assert_eq!(rest(&mut stdout).await, Vec::<String>::new());

    // What reached stderr: whole refusal lines, fewer than the refusals (the rest were
    // dropped, not waited for).
    let mut written = String::new();
    within(stderr.read_to_string(&mut written)).await.unwrap();
    assert!(written.ends_with('\n'), "a torn last line");
    let expected: HashSet<String> = (0..WORKERS)
        .flat_map(|worker| (0..EACH).map(move |n| (worker, n)))
        .map(|(worker, n)| line(worker, n))
        .collect();
    let mut seen = HashSet::new();
    for shown in written.lines() {
        assert!(
            expected.contains(shown),
            "not a whole refusal line: {shown}"
        );
        assert!(seen.insert(shown), "twice: {shown}");
    }
    assert!(
        !seen.is_empty() && seen.len() < WORKERS * EACH,
        "{} lines on stderr",
        seen.len()
    );
}

/// `scheme://host:port` of `url`: what the listener's log names of the app.
fn origin_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let end = url[after_scheme..]
        .find(['/', '?'])
        .map_or(url.len(), |at| after_scheme + at);
    url[..end].to_string()
}
