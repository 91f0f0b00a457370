//! The built `d360` binary's webhook and onboarding commands, run as a script would: `webhook
//! listen` fed by the mock hub's deliveries, `webhook send` against receivers on 127.0.0.1,
//! `webhook verify` against signatures made by another implementation, `onboarding link` and
//! `onboarding parse`. Stdout, stderr and the exit code of every case are asserted exactly; every
//! wait is bounded, and a process still running when a test fails is killed by its PID.

use crate::common;

use common::app::App;
use common::{Run, failed, ok};
use d360_partner::mock::MockHub;
use d360_partner::onboarding::Link;
use serde_json::{Value, json};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const D360: &str = env!("CARGO_BIN_EXE_d360");
/// How long a line, an answer or an exit may take before the test fails.
const BOUND: Duration = Duration::from_secs(20);
const SECRET: &str = "D360_PARTNER_PLATFORM_SECRET";
const PREVIOUS: &str = "D360_PARTNER_PREVIOUS_PLATFORM_SECRET";
/// The body limit of `listen` and `verify`: the verifier's default, 1 MiB.
const LIMIT: usize = 1024 * 1024;

/// Runs `d360 args` with only `env` set and `stdin` piped in (see [`common::run`]).
async fn d360(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    common::run(D360, args, env, stdin).await
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

// ---------------------------------------------------------------------------------------------
// webhook listen

/// A running `d360 webhook listen --port 0`: its address, read from its first line on stderr,
/// and its stdout and stderr lines as they come (read all along, so a full pipe never stalls
/// it). Killed by its PID when dropped, so a failing test leaves no process behind.
struct Listener {
    child: tokio::process::Child,
    address: String,
    stdout: mpsc::UnboundedReceiver<String>,
    stderr: mpsc::UnboundedReceiver<String>,
    stdout_reader: JoinHandle<()>,
}

/// Sends each line `reader` gives on `lines` until its end.
fn forward(
    reader: impl tokio::io::AsyncRead + Unpin + Send + 'static,
) -> (mpsc::UnboundedReceiver<String>, JoinHandle<()>) {
    let (send, receive) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut lines = BufReader::new(reader).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    (receive, task)
}

impl Listener {
    async fn start(env: &[(&str, &str)]) -> Listener {
        let mut child = tokio::process::Command::new(D360)
            .args(["webhook", "listen", "--port", "0"])
            .env_clear()
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("d360 starts");
        let (stdout, stdout_reader) = forward(child.stdout.take().unwrap());
        let (mut stderr, _) = forward(child.stderr.take().unwrap());
        let first = within(stderr.recv()).await.expect("a line on stderr");
        let address = first
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("not the listening line: {first}"))
            .to_string();
        let port: u16 = address
            .strip_prefix("127.0.0.1:")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("not 127.0.0.1 and a port: {first}"));
        assert_ne!(port, 0, "the bound port is printed");
        Listener {
            child,
            address,
            stdout,
            stderr,
            stdout_reader,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    async fn stdout_line(&mut self) -> String {
        within(self.stdout.recv()).await.expect("a line on stdout")
    }

    async fn stderr_line(&mut self) -> String {
        within(self.stderr.recv()).await.expect("a line on stderr")
    }

    /// Sends `signal` (`TERM`, `INT`) to the process by its PID.
    fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("still running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-s", signal, &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Stops it with `signal`: its exit code, and the stdout and stderr lines not read yet.
    async fn stop(mut self, signal: &str) -> (i32, Vec<String>, Vec<String>) {
        self.signal(signal);
        let status = within(self.child.wait()).await.unwrap();
        let code = status.code().expect("an exit code, not a signal");
        (
            code,
            rest(&mut self.stdout).await,
            rest(&mut self.stderr).await,
        )
    }

    /// Closes the read end of its stdout.
    async fn close_stdout(&mut self) {
        self.stdout_reader.abort();
        let _ = (&mut self.stdout_reader).await;
    }
}

/// The lines still to come, up to the end.
async fn rest(lines: &mut mpsc::UnboundedReceiver<String>) -> Vec<String> {
    let mut rest = Vec::new();
    while let Some(line) = within(lines.recv()).await {
        rest.push(line);
    }
    rest
}

fn hub_secret() -> Vec<(&'static str, &'static str)> {
    vec![(SECRET, MockHub::PLATFORM_SECRET)]
}

/// `request` sent as is to `address`, and the whole answer (the request closes the connection).
async fn raw_http(address: &str, request: &[u8]) -> String {
    within(async {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream.write_all(request).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
}

#[tokio::test]
async fn listen_prints_each_verified_event_as_received_one_line_each() {
    let hub = MockHub::start().await;
    let mut listener = Listener::start(&hub_secret()).await;
    let url = listener.url("/360dialog/webhook");

    let body = r#"{"id":"ev-1","event":"channel_created","data":{"id":"CH1","name":"Zo\u00eb","score":1.50}}"#;
    assert_eq!(hub.deliver_signed(&url, body).await.unwrap(), 200);
    // As received: the escape and the number's spelling kept.
    assert_eq!(listener.stdout_line().await, body);

    let status = hub
        .deliver_event(
            &url,
            "channel_live",
            json!({"id": "CH2", "status": "running"}),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    let line: Value = serde_json::from_str(&listener.stdout_line().await).unwrap();
    assert_eq!(line["event"], "channel_live");
    assert_eq!(line["data"], json!({"id": "CH2", "status": "running"}));
    assert!(
        line["id"].as_str().unwrap().starts_with("mock-event-"),
        "{line}"
    );

    // Line breaks inside an event are spaces; the whitespace around it is dropped.
    let pretty = "\n  {\"id\": \"ev-3\",\n  \"event\": \"account_violation\",\r\n  \"data\": {}}\n";
    assert_eq!(hub.deliver_signed(&url, pretty).await.unwrap(), 200);
    assert_eq!(
        listener.stdout_line().await,
        "{\"id\": \"ev-3\",   \"event\": \"account_violation\",    \"data\": {}}"
    );

    // An array: one line per event, each its own bytes.
    let array = "[{\"event\":\"a\",\"data\":1},\n {\"id\":\"ev-b\", \"event\":\"b\"}]";
    assert_eq!(hub.deliver_signed(&url, array).await.unwrap(), 200);
    assert_eq!(listener.stdout_line().await, "{\"event\":\"a\",\"data\":1}");
    assert_eq!(
        listener.stdout_line().await,
        "{\"id\":\"ev-b\", \"event\":\"b\"}"
    );
    // Any path.
    let other = listener.url("/");
    assert_eq!(
        hub.deliver_signed(&other, "{\"event\":\"c\"}")
            .await
            .unwrap(),
        200
    );
    assert_eq!(listener.stdout_line().await, "{\"event\":\"c\"}");

    let (code, stdout, stderr) = listener.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn listen_refuses_what_does_not_verify_with_its_status_and_one_line_naming_the_cause() {
    let hub = MockHub::start().await;
    let mut listener = Listener::start(&hub_secret()).await;
    let url = listener.url("/hook?token=not-logged");
    let event = r#"{"id":"ev-1","event":"channel_created","data":{}}"#;
    let refused = |status: &str, cause: &str| format!("refused POST /hook with {status}: {cause}");
    let mismatch = "the x-360dialog-signature header does not sign this body with \
                    D360_PARTNER_PLATFORM_SECRET (the body was changed, or signed with another secret)";

    assert_eq!(hub.deliver_raw(&url, event, None).await.unwrap(), 401);
    assert_eq!(
        listener.stderr_line().await,
        refused(
            "401 Unauthorized",
            "the request has no x-360dialog-signature header"
        )
    );

    // Signed with another secret.
    let forged = d360_partner::webhooks::Sender::new("another-secret")
        .unwrap()
        .sign(event.as_bytes());
    assert_eq!(
        hub.deliver_raw(&url, event, Some(&forged)).await.unwrap(),
        401
    );
    assert_eq!(
        listener.stderr_line().await,
        refused("401 Unauthorized", mismatch)
    );

    // The body changed by one byte after signing.
    let signature = MockHub::signature(event.as_bytes());
    let changed = event.replace("ev-1", "ev-2");
    assert_eq!(
        hub.deliver_raw(&url, changed, Some(&signature))
            .await
            .unwrap(),
        401
    );
    assert_eq!(
        listener.stderr_line().await,
        refused("401 Unauthorized", mismatch)
    );

    assert_eq!(
        hub.deliver_raw(&url, event, Some("abc")).await.unwrap(),
        401
    );
    assert_eq!(
        listener.stderr_line().await,
        refused(
            "401 Unauthorized",
            "the x-360dialog-signature header is no signature: it has 3 characters, where an \
             HMAC-SHA256 is 64 hex digits or 43 or 44 base64 characters"
        )
    );

    // Over the limit by one byte, signed: refused by its Content-Length, before it is read.
    let oversized = vec![b' '; LIMIT + 1];
    assert_eq!(hub.deliver_signed(&url, oversized).await.unwrap(), 413);
    assert_eq!(
        listener.stderr_line().await,
        refused(
            "413 Payload Too Large",
            "the body has 1048577 bytes, over the limit of 1048576"
        )
    );
    // Exactly at the limit, it is read (and is no event).
    let mut at_limit = vec![b' '; LIMIT - event.len()];
    at_limit.extend_from_slice(event.as_bytes());
    assert_eq!(hub.deliver_signed(&url, at_limit).await.unwrap(), 200);
    assert_eq!(listener.stdout_line().await, event);

    // Without a Content-Length: refused once a byte past the limit is read. The signature is
    // well formed, since one that is not is refused (401) before any of the body is read.
    let mut chunked = format!(
        "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
         x-360dialog-signature: {}\r\nConnection: close\r\n\r\n",
        "0".repeat(64)
    )
    .into_bytes();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..17 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw_http(&listener.address, &chunked).await;
    assert!(
        answer.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\nthe body is over the limit of 1048576 bytes\n"),
        "{answer}"
    );
    assert_eq!(
        listener.stderr_line().await,
        "refused POST /chunked with 413 Payload Too Large: the body is over the limit of 1048576 bytes"
    );

    assert_eq!(hub.deliver_signed(&url, "not json").await.unwrap(), 400);
    assert_eq!(
        listener.stderr_line().await,
        refused(
            "400 Bad Request",
            "the signature is valid, but the body is not JSON: expected ident at line 1 column 2"
        )
    );
    assert_eq!(
        hub.deliver_signed(&url, r#"{"data": {}}"#).await.unwrap(),
        400
    );
    assert_eq!(
        listener.stderr_line().await,
        refused(
            "400 Bad Request",
            "the signature is valid, but the body is not a webhook event: it has no `event` name"
        )
    );
    assert_eq!(
        hub.deliver_signed(&url, r#"[{"event":"a"}, 7]"#)
            .await
            .unwrap(),
        400
    );
    assert_eq!(
        listener.stderr_line().await,
        refused(
            "400 Bad Request",
            "the signature is valid, but the body is not a webhook event: item 1: it is a number, not an object"
        )
    );

    let answer = raw_http(
        &listener.address,
        b"GET /hook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
        "{answer}"
    );
    assert!(
        answer.to_ascii_lowercase().contains("\r\nallow: post\r\n"),
        "{answer}"
    );
    assert_eq!(
        listener.stderr_line().await,
        "refused GET /hook with 405 Method Not Allowed: webhook deliveries are POSTs"
    );

    // Nothing refused reached stdout.
    let (code, stdout, stderr) = listener.stop("INT").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn listen_takes_the_previous_secret_during_a_rotation() {
    let hub = MockHub::start().await;
    let env = [
        (SECRET, "the-new-secret"),
        (PREVIOUS, MockHub::PLATFORM_SECRET),
    ];
    let mut listener = Listener::start(&env).await;
    let url = listener.url("/hook");
    assert_eq!(
        hub.deliver_signed(&url, r#"{"event":"old"}"#)
            .await
            .unwrap(),
        200
    );
    assert_eq!(listener.stdout_line().await, r#"{"event":"old"}"#);
    let new = d360_partner::webhooks::Sender::new("the-new-secret").unwrap();
    let body = r#"{"event":"new"}"#;
    let status = hub
        .deliver_raw(&url, body, Some(&new.sign(body.as_bytes())))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(listener.stdout_line().await, body);
    let forged = d360_partner::webhooks::Sender::new("neither").unwrap();
    let status = hub
        .deliver_raw(&url, body, Some(&forged.sign(body.as_bytes())))
        .await
        .unwrap();
    assert_eq!(status, 401);
    assert_eq!(
        listener.stderr_line().await,
        "refused POST /hook with 401 Unauthorized: the x-360dialog-signature header does not sign \
         this body with neither D360_PARTNER_PLATFORM_SECRET nor D360_PARTNER_PREVIOUS_PLATFORM_SECRET \
         (the body was changed, or signed with another secret)"
    );
    let (code, stdout, stderr) = listener.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_print_whole_lines() {
    let hub = Arc::new(MockHub::start().await);
    let mut listener = Listener::start(&hub_secret()).await;
    let url = listener.url("/hook");
    // Lines longer than a pipe's atomic write, so interleaving would show.
    let bodies: Vec<String> = (0..40)
        .map(|n| {
            let filler = char::from(b'a' + (n % 26) as u8)
                .to_string()
                .repeat(20_000 + n * 997);
            json!({"id": format!("ev-{n}"), "event": "channel_live", "data": {"filler": filler}})
                .to_string()
        })
        .collect();
    let mut deliveries = tokio::task::JoinSet::new();
    for body in bodies.clone() {
        let (hub, url) = (hub.clone(), url.clone());
        deliveries.spawn(async move { hub.deliver_signed(&url, body).await.unwrap() });
    }
    let mut lines = Vec::new();
    for _ in &bodies {
        lines.push(listener.stdout_line().await);
    }
    while let Some(status) = within(deliveries.join_next()).await {
        assert_eq!(status.unwrap(), 200);
    }
    let mut expected = bodies.clone();
    expected.sort();
    lines.sort();
    assert!(lines == expected, "a line is not one whole event");
    let (code, stdout, stderr) = listener.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn sigterm_and_sigint_stop_it_with_exit_0() {
    let hub = MockHub::start().await;
    for signal in ["TERM", "INT"] {
        let mut listener = Listener::start(&hub_secret()).await;
        let url = listener.url("/");
        assert_eq!(
            hub.deliver_signed(&url, r#"{"event":"e"}"#).await.unwrap(),
            200
        );
        assert_eq!(listener.stdout_line().await, r#"{"event":"e"}"#);
        let (code, stdout, stderr) = listener.stop(signal).await;
        assert_eq!((code, stdout, stderr), (0, vec![], vec![]), "SIG{signal}");
    }
    // At once, before any delivery.
    let listener = Listener::start(&hub_secret()).await;
    let (code, stdout, stderr) = listener.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_stops_reading_stdout_stalls_nothing_but_its_own_deliveries() {
    let hub = Arc::new(MockHub::start().await);
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
    // Held open and never read: once the pipe is full, a write to it blocks.
    let _unread_stdout = child.stdout.take().unwrap();
    let (mut stderr, _) = forward(child.stderr.take().unwrap());
    let first = within(stderr.recv()).await.expect("the listening line");
    let url = format!("{}/hook", first.replace("listening on ", ""));
    let big = |n: usize| {
        json!({"id": format!("ev-{n}"), "event": "e", "data": "x".repeat(40_000)}).to_string()
    };
    // A pipe holds 64 KiB: the third of these cannot be written, so it is never answered.
    let mut stalled = tokio::task::JoinSet::new();
    for n in 0..4 {
        let (hub, url, body) = (hub.clone(), url.clone(), big(n));
        stalled.spawn(async move { hub.deliver_signed(&url, body).await });
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The listener still answers what needs no stdout, and stops on a signal.
    let forged = hub.deliver_raw(&url, r#"{"event":"e"}"#, None);
    assert_eq!(within(forged).await.unwrap(), 401);
    let pid = child.id().expect("still running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-s", "TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = within(child.wait()).await.unwrap();
    assert_eq!(status.code(), Some(0));
    stalled.abort_all();
}

#[tokio::test]
async fn a_delivery_it_cannot_print_is_answered_500_and_it_stops_with_exit_1() {
    let hub = MockHub::start().await;
    let mut listener = Listener::start(&hub_secret()).await;
    listener.close_stdout().await;
    let status = hub
        .deliver_signed(&listener.url("/hook"), r#"{"event":"e"}"#)
        .await
        .unwrap();
    assert_eq!(status, 500);
    assert_eq!(
        listener.stderr_line().await,
        "refused POST /hook with 500 Internal Server Error: cannot write the event to stdout: \
         Broken pipe (os error 32); stopping"
    );
    let code = within(listener.child.wait()).await.unwrap().code();
    assert_eq!(code, Some(1));
}

#[tokio::test]
async fn listen_on_a_port_in_use_or_a_host_that_does_not_resolve_fails() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = d360(&["webhook", "listen", "--port", &port], &hub_secret(), "").await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .starts_with(&format!("d360: cannot listen on 127.0.0.1:{port}: ")),
        "{run:?}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    let run = d360(
        &[
            "webhook",
            "listen",
            "--port",
            "0",
            "--host",
            "no-such-host.invalid",
        ],
        &hub_secret(),
        "",
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: --host no-such-host.invalid: cannot resolve it: "),
        "{run:?}"
    );
    let run = d360(&["webhook", "listen", "--port", "70000"], &hub_secret(), "").await;
    assert_eq!(
        run,
        failed(
            2,
            "error: invalid value '70000' for '--port <N>': 70000 is not in 0..=65535\n\nFor more information, try '--help'.\n"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// webhook send

#[tokio::test]
async fn send_signs_and_posts_the_event_as_the_hub_would() {
    let mut app = App::start(204).await;
    let url = app.url.clone();
    let run = d360(
        &[
            "webhook",
            "send",
            &url,
            "--event",
            "channel_ready",
            "--id",
            "ev-7",
            "--data",
            "-",
        ],
        &hub_secret(),
        "{\"id\": \"CH1\",\n \"status\": \"ready\"}\n",
    )
    .await;
    let body = r#"{"id":"ev-7","event":"channel_ready","data":{"id":"CH1","status":"ready"}}"#;
    assert_eq!(
        run,
        Run {
            code: 0,
            stdout: format!("{body}\n"),
            stderr: "d360: the receiver answered 204 No Content\n".into(),
        }
    );
    let got = app.next().await;
    assert_eq!(got.body, body.as_bytes());
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    // HMAC-SHA256 of the body under the secret, lowercase hex (Python's `hexdigest()` of it).
    assert_eq!(got.signature, Some(MockHub::signature(body.as_bytes())));

    // The defaults: a new id, `{}` as data; data from a file.
    let file = std::env::temp_dir().join(format!("d360-data-{}.json", std::process::id()));
    std::fs::write(&file, r#"["CH1", "CH2"]"#).unwrap();
    let first = d360(
        &["webhook", "send", &url, "--event", "e"],
        &hub_secret(),
        "",
    )
    .await;
    let second = d360(
        &[
            "webhook",
            "send",
            &url,
            "--event",
            "e",
            "--data",
            file.to_str().unwrap(),
        ],
        &hub_secret(),
        "",
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    let mut ids = Vec::new();
    for (run, data) in [(&first, json!({})), (&second, json!(["CH1", "CH2"]))] {
        assert_eq!(run.code, 0, "{run:?}");
        let sent: Value = serde_json::from_str(run.stdout.trim_end()).unwrap();
        let id = sent["id"].as_str().unwrap().to_string();
        let parts: Vec<&str> = id.split('-').collect();
        assert!(
            parts.len() == 3
                && parts[0] == "d360"
                && parts[1..]
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
            "{id}"
        );
        assert_eq!(
            run.stdout,
            format!("{}\n", json!({"id": id, "event": "e", "data": data}))
        );
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
    app.next().await;
    app.next().await;
    assert!(app.got_nothing_more());
}

#[tokio::test]
async fn send_to_d360_webhook_listen_is_verified_there() {
    let mut listener = Listener::start(&hub_secret()).await;
    let url = listener.url("/hook");
    let run = d360(
        &[
            "webhook",
            "send",
            &url,
            "--event",
            "channel_live",
            "--id",
            "ev-1",
        ],
        &hub_secret(),
        "",
    )
    .await;
    // Sent with the event's sample data, and printed by the listener as sent.
    let sent: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sent["id"], "ev-1");
    assert_eq!(sent["event"], "channel_live");
    assert_eq!(sent["data"]["status"], "live");
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, "d360: the receiver answered 200 OK\n")
    );
    assert_eq!(listener.stdout_line().await, run.stdout.trim_end());
    let first = run.stdout;
    // With another secret, the listener refuses it: exit 3.
    let run = d360(
        &[
            "webhook",
            "send",
            &url,
            "--event",
            "channel_live",
            "--id",
            "ev-2",
        ],
        &[(SECRET, "another-secret")],
        "",
    )
    .await;
    assert_eq!(
        run,
        Run {
            code: 3,
            stdout: first.replace("ev-1", "ev-2"),
            stderr: "d360: the receiver answered 401 Unauthorized\n".into(),
        }
    );
    assert!(
        listener
            .stderr_line()
            .await
            .starts_with("refused POST /hook with 401 Unauthorized")
    );
    let (code, stdout, stderr) = listener.stop("TERM").await;
    assert_eq!((code, stdout, stderr), (0, vec![], vec![]));
}

#[tokio::test]
async fn send_exits_by_the_receivers_answer() {
    let args = |url: &str| {
        [
            "webhook",
            "send",
            url,
            "--event",
            "channel_created",
            "--data",
            "{}",
            "--id",
            "ev-1",
        ]
        .map(String::from)
    };
    let body = "{\"id\":\"ev-1\",\"event\":\"channel_created\",\"data\":{}}\n";
    for (status, code, shown) in [
        (200, 0, "200 OK"),
        (404, 3, "404 Not Found"),
        (429, 3, "429 Too Many Requests"),
        (500, 5, "500 Internal Server Error"),
        (503, 5, "503 Service Unavailable"),
        (302, 1, "302 Found"),
    ] {
        let app = App::start(status).await;
        let args = args(&app.url);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = d360(&args, &hub_secret(), "").await;
        assert_eq!(
            run,
            Run {
                code,
                stdout: body.into(),
                stderr: format!("d360: the receiver answered {shown}\n"),
            },
            "{status}"
        );
    }
    // No connection: exit 5, nothing on stdout.
    // Its origin only: the path and query (a token here) stay out of the message.
    let origin = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let closed = format!("{origin}/hook?token=receiver-token-1");
    let args = args(&closed);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = d360(&args, &hub_secret(), "").await;
    assert_eq!(
        run,
        failed(
            5,
            &format!("d360: could not connect to the receiver at {origin}: connection refused\n")
        )
    );
}

#[tokio::test]
async fn send_refuses_bad_input_before_reading_the_secret_and_dry_run_sends_nothing() {
    let usage_line = "d360 webhook send [OPTIONS] --event <NAME> <URL>";
    for (args, stdin, message) in [
        (
            vec!["not a url"],
            "",
            "URL `not a url`: not an http:// or https:// URL",
        ),
        (
            vec!["ftp://x.example/"],
            "",
            "URL `ftp://x.example/`: not an http:// or https:// URL",
        ),
        (
            vec!["http://x.example/", "--data", "-"],
            "{nope",
            "--data -: not JSON: key must be a string at line 1 column 2",
        ),
    ] {
        let mut all = vec!["webhook", "send", "--event", "e"];
        all.extend(args);
        // Without the secret too: usage comes first.
        assert_eq!(
            d360(&all, &[], stdin).await,
            failed(2, &usage(message, usage_line))
        );
    }
    let run = d360(
        &["webhook", "send", "http://x.example/", "--event", " "],
        &[],
        "",
    )
    .await;
    assert_eq!(
        run,
        failed(
            2,
            &usage(
                "--event is empty: give the event's name, such as channel_created",
                usage_line
            )
        )
    );

    let mut app = App::start(200).await;
    let url = app.url.clone();
    let run = d360(
        &[
            "webhook",
            "send",
            &url,
            "--event",
            "e",
            "--id",
            "ev-1",
            "--dry-run",
        ],
        &hub_secret(),
        "",
    )
    .await;
    let body = r#"{"id":"ev-1","event":"e","data":{}}"#;
    let expected = json!({
        "method": "POST",
        "url": url,
        "headers": {
            "content-type": "application/json",
            "x-360dialog-signature": MockHub::signature(body.as_bytes()),
        },
        "body": {"id": "ev-1", "event": "e", "data": {}},
    });
    assert_eq!(run.stdout, format!("{expected}\n"));
    // A name the docs do not give is shown, warned of, and not refused.
    assert_eq!((run.code, run.stderr.lines().count()), (0, 1), "{run:?}");
    assert!(
        run.stderr
            .starts_with("d360: warning: `e` is no event the docs name (client_created, "),
        "{run:?}"
    );
    assert!(app.got_nothing_more());
}

// ---------------------------------------------------------------------------------------------
// webhook verify

/// Signed by another implementation: Python's
/// `hmac.new(b"platform-secret", BODY, hashlib.sha256)`, and `openssl dgst -sha256 -hmac
/// platform-secret` gives the same hex.
const BODY: &str = r#"{"id":"ev-1","event":"channel_live","data":{"id":"CH1","status":"running"}}"#;
const PYTHON_HEX: &str = "8b2fa5af8c2d6f0ee9f29c39df8cc8ac0ef0a077563fe478be0d44020e5d27e2";
/// `base64.b64encode(digest)`, and `base64.urlsafe_b64encode(digest)` without padding.
const PYTHON_BASE64: &str = "iy+lr4wtbw7p8pw534zIrA7woHdWP+R4vg1EAg5dJ+I=";
const PYTHON_BASE64_URL: &str = "iy-lr4wtbw7p8pw534zIrA7woHdWP-R4vg1EAg5dJ-I";

#[tokio::test]
async fn verify_accepts_a_signature_made_by_another_implementation_in_every_spelling() {
    let env = [(SECRET, "platform-secret")];
    let upper_prefixed = format!("sha256={}", PYTHON_HEX.to_uppercase());
    for signature in [
        PYTHON_HEX,
        &upper_prefixed,
        PYTHON_BASE64,
        PYTHON_BASE64_URL,
    ] {
        let run = d360(&["webhook", "verify", "--signature", signature], &env, BODY).await;
        assert_eq!(run, ok(&format!("{BODY}\n")), "{signature}");
    }
    // From a file, and during a rotation (the previous secret signed it).
    let file = std::env::temp_dir().join(format!("d360-verify-{}.json", std::process::id()));
    std::fs::write(&file, BODY).unwrap();
    let path = file.to_str().unwrap();
    let run = d360(
        &[
            "webhook",
            "verify",
            "--signature",
            PYTHON_HEX,
            "--body",
            path,
        ],
        &[(SECRET, "the-new-secret"), (PREVIOUS, "platform-secret")],
        "",
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(run, ok(&format!("{BODY}\n")));
}

#[tokio::test]
async fn verify_exits_4_when_the_signature_does_not_verify() {
    let env = [(SECRET, "platform-secret")];
    let mismatch = "d360: --signature does not sign this body with D360_PARTNER_PLATFORM_SECRET \
                    (the body was changed, or signed with another secret)\n";
    // One byte of the body changed.
    let changed = BODY.replace("CH1", "CH2");
    let run = d360(
        &["webhook", "verify", "--signature", PYTHON_HEX],
        &env,
        &changed,
    )
    .await;
    assert_eq!(run, failed(4, mismatch));
    // One digit of the signature changed.
    let mut wrong = PYTHON_HEX.to_string();
    wrong.replace_range(0..1, "9");
    let run = d360(&["webhook", "verify", "--signature", &wrong], &env, BODY).await;
    assert_eq!(run, failed(4, mismatch));
    // Another secret.
    let run = d360(
        &["webhook", "verify", "--signature", PYTHON_HEX],
        &[(SECRET, "another-secret")],
        BODY,
    )
    .await;
    assert_eq!(run, failed(4, mismatch));
    let run = d360(&["webhook", "verify", "--signature", "xyz"], &env, BODY).await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: --signature is no signature: it has 3 characters, where an HMAC-SHA256 is 64 hex \
             digits or 43 or 44 base64 characters\n"
        )
    );
    let run = d360(&["webhook", "verify", "--signature", ""], &env, BODY).await;
    assert_eq!(
        run,
        failed(4, "d360: --signature is no signature: it is empty\n")
    );
    // A control character, at the length of a signature: not of either alphabet.
    let control = format!("{}\u{1}", "a".repeat(63));
    let run = d360(&["webhook", "verify", "--signature", &control], &env, BODY).await;
    assert_eq!(
        run,
        failed(
            4,
            "d360: --signature is no signature: its characters are not the hex or base64 of 32 bytes\n"
        )
    );
}

#[tokio::test]
async fn verify_of_a_signed_body_that_is_no_event_exits_1_and_unreadable_input_exits_2() {
    let env = hub_secret();
    let signed = |body: &str| MockHub::signature(body.as_bytes());
    for (body, message) in [
        (
            "not json",
            "the signature is valid, but the body is not JSON: expected ident at line 1 column 2",
        ),
        (
            "[1]",
            "the signature is valid, but the body is not a webhook event: item 0: it is a number, not an object",
        ),
        (
            r#"{"event": 3}"#,
            "the signature is valid, but the body is not a webhook event: its `event` is a number, not a string",
        ),
    ] {
        let run = d360(
            &["webhook", "verify", "--signature", &signed(body)],
            &env,
            body,
        )
        .await;
        assert_eq!(run, failed(1, &format!("d360: {message}\n")), "{body}");
    }
    // An array of events: one line each.
    let array = "[{\"event\":\"a\"},\n{\"event\":\"b\"}]";
    let run = d360(
        &["webhook", "verify", "--signature", &signed(array)],
        &env,
        array,
    )
    .await;
    assert_eq!(run, ok("{\"event\":\"a\"}\n{\"event\":\"b\"}\n"));

    let usage_line = "d360 webhook verify [OPTIONS] --signature <SIG>";
    let over = " ".repeat(LIMIT + 1);
    let run = d360(
        &["webhook", "verify", "--signature", &signed(&over)],
        &env,
        &over,
    )
    .await;
    assert_eq!(
        run,
        failed(
            2,
            &usage(
                "--body -: it has more than 1048576 bytes, the limit of a webhook body",
                usage_line
            )
        )
    );
    let run = d360(
        &[
            "webhook",
            "verify",
            "--signature",
            PYTHON_HEX,
            "--body",
            "/no/such/file",
        ],
        &env,
        "",
    )
    .await;
    assert_eq!(
        run,
        failed(
            2,
            &usage(
                "--body /no/such/file: cannot read it: No such file or directory (os error 2)",
                usage_line
            )
        )
    );
    let run = d360(&["webhook", "verify"], &env, "").await;
    assert_eq!(
        run,
        failed(
            2,
            "error: the following required arguments were not provided:\n  --signature <SIG>\n\n\
             Usage: d360 webhook verify --signature <SIG>\n\nFor more information, try '--help'.\n"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// onboarding link and parse

#[tokio::test]
async fn link_prints_the_onboarding_url_with_every_value_encoded() {
    let run = d360(&["onboarding", "link", "--partner-id", "aAbBcCPA"], &[], "").await;
    assert_eq!(
        run,
        ok("https://hub.360dialog.com/dashboard/app/aAbBcCPA\n")
    );
    let run = d360(
        &[
            "onboarding",
            "link",
            "--v2",
            "--number",
            "+49 30 1234",
            "--email",
            "a+b@c.example",
            "--name",
            "Zoë Ltd",
            "--state",
            "s&t=u+v",
            "--redirect-url",
            "https://partner.example/done?a=1&b=2#frag",
            "--next",
            "/after?x=1",
            "--plan-selection",
            "basic",
            "--flow",
            "flow a",
            "--preverified-phone-number-id",
            "pn-1",
        ],
        &[("D360_PARTNER_ID", "P 1+x")],
        "",
    )
    .await;
    assert_eq!(
        run,
        ok(
            "https://app.360dialog.com/onboarding/P%201%2Bx?number=%2B49%2030%201234\
            &email=a%2Bb%40c.example&name=Zo%C3%AB%20Ltd&state=s%26t%3Du%2Bv\
            &redirect_url=https%3A%2F%2Fpartner.example%2Fdone%3Fa%3D1%26b%3D2%23frag\
            &next=%2Fafter%3Fx%3D1&plan_selection=basic&flow=flow%20a\
            &preverified_phone_number_id=pn-1\n"
        )
    );
    // The flag wins over the environment.
    let run = d360(
        &["onboarding", "link", "--partner-id", "FLAG"],
        &[("D360_PARTNER_ID", "ENV")],
        "",
    )
    .await;
    assert_eq!(run, ok("https://hub.360dialog.com/dashboard/app/FLAG\n"));
    // An id that would leave the onboarding page, however encoded, is refused, named where it
    // came from.
    let usage =
        "\n\nUsage: d360 onboarding link [OPTIONS]\n\nFor more information, try '--help'.\n";
    for (flag, env, why) in [
        (
            Some("P/1"),
            None,
            "--partner-id P/1: it holds '/', which would leave the onboarding page",
        ),
        (
            None,
            Some(".."),
            "D360_PARTNER_ID=..: a partner id of `.` or `..` would leave the onboarding page",
        ),
        (
            Some("P?x"),
            None,
            "--partner-id P?x: it holds '?', which would leave the onboarding page",
        ),
        (
            None,
            Some("P\u{1}x"),
            "D360_PARTNER_ID=P\\u{1}x: it holds '\\u{1}', which would leave the onboarding page",
        ),
    ] {
        let mut args = vec!["onboarding", "link"];
        args.extend(flag.map(|id| ["--partner-id", id]).into_iter().flatten());
        let env: Vec<_> = env.map(|id| ("D360_PARTNER_ID", id)).into_iter().collect();
        let run = d360(&args, &env, "").await;
        assert_eq!(
            run,
            failed(2, &format!("error: {why}{usage}")),
            "{args:?} {env:?}"
        );
    }
}

#[tokio::test]
async fn a_signed_link_carries_now_and_the_hmac_sha512_of_the_partner_id_and_it() {
    let env = [(SECRET, "platform-secret"), ("D360_PARTNER_ID", "aAbBcCPA")];
    let before = now();
    let run = d360(&["onboarding", "link", "--sign", "--state", "s1"], &env, "").await;
    let after = now();
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
    let url = d360_partner::Url::parse(run.stdout.trim_end()).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["state", "io_timestamp", "io_signature"]);
    let seconds: u64 = pairs[1].1.parse().unwrap();
    assert!((before..=after).contains(&seconds), "{seconds}");
    let signature = &pairs[2].1;
    assert!(
        signature.len() == 128
            && signature
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{signature}"
    );
    // The library's link at that second (its signature pinned against Python in its tests).
    let expected = Link::new("aAbBcCPA")
        .state("s1")
        .signed(
            &d360_partner::PlatformSecret::new("platform-secret").unwrap(),
            seconds,
        )
        .url()
        .unwrap();
    assert_eq!(run.stdout, format!("{expected}\n"));
    // ... and openssl's HMAC-SHA512 of `aAbBcCPA|{seconds}`.
    let mut openssl = tokio::process::Command::new("openssl")
        .args(["dgst", "-sha512", "-hmac", "platform-secret", "-r"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("openssl runs");
    let mut input = openssl.stdin.take().unwrap();
    input
        .write_all(format!("aAbBcCPA|{seconds}").as_bytes())
        .await
        .unwrap();
    drop(input);
    let output = within(openssl.wait_with_output()).await.unwrap();
    let hex = String::from_utf8(output.stdout).unwrap();
    assert_eq!(hex.split(' ').next(), Some(signature.as_str()));
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_link_without_a_partner_id_is_a_usage_error_naming_the_flag_and_the_variable() {
    let usage_line = "d360 onboarding link [OPTIONS]";
    let run = d360(&["onboarding", "link", "--sign"], &[(SECRET, "s")], "").await;
    assert_eq!(
        run,
        failed(
            2,
            &usage(
                "no partner id: give --partner-id or set D360_PARTNER_ID",
                usage_line
            )
        )
    );
    for env in [vec![("D360_PARTNER_ID", " ")], vec![]] {
        let mut args = vec!["onboarding", "link"];
        if env.is_empty() {
            args.extend(["--partner-id", ""]);
        }
        let run = d360(&args, &env, "").await;
        assert_eq!(
            run,
            failed(
                2,
                &usage(
                    "the partner id is empty: give --partner-id or set D360_PARTNER_ID",
                    usage_line
                )
            ),
            "{env:?}"
        );
    }
}

#[tokio::test]
async fn parse_prints_client_channels_and_revoked() {
    let hub = MockHub::start().await;
    let redirect = hub.onboarding_redirect(
        "https://partner.example/onboarded?session=1",
        "CL 1",
        &["CH1", "CH2"],
        &["CH3"],
    );
    let run = d360(&["onboarding", "parse", &redirect], &[], "").await;
    assert_eq!(
        run,
        ok("{\"client\":\"CL 1\",\"channels\":[\"CH1\",\"CH2\"],\"revoked\":[\"CH3\"]}\n")
    );
    for (given, expected) in [
        (
            "client=CL1&channels=%5B%27CH1%27%2C%20%27CH2%27%2C%27CH1%27%5D",
            r#"{"client":"CL1","channels":["CH1","CH2"],"revoked":[]}"#,
        ),
        (
            "?client=CL1&channels=[]",
            r#"{"client":"CL1","channels":[],"revoked":[]}"#,
        ),
    ] {
        assert_eq!(
            d360(&["onboarding", "parse", given], &[], "").await,
            ok(&format!("{expected}\n"))
        );
    }
}

#[tokio::test]
async fn on_a_terminal_parse_pretty_prints_and_link_prints_the_url() {
    let command = format!(
        "{D360} onboarding parse 'client=CL1&channels=[CH1]' && {D360} onboarding link --partner-id PA"
    );
    let (code, shown) = common::on_a_terminal(&command, &[]).await;
    assert_eq!(
        (code, shown.as_str()),
        (
            0,
            "{\n  \"client\": \"CL1\",\n  \"channels\": [\n    \"CH1\"\n  ],\n  \"revoked\": []\n}\n\
             https://hub.360dialog.com/dashboard/app/PA\n"
        )
    );
}

#[tokio::test]
async fn a_malformed_redirect_is_exit_2_naming_the_parameter() {
    let usage_line = "d360 onboarding parse <URL>";
    for (given, message) in [
        (
            "https://partner.example/done?channels=[CH1]",
            "`client` is missing",
        ),
        ("client=&channels=[CH1]", "`client` is empty"),
        ("client=CL1", "`channels` is missing"),
        (
            "client=CL1&channels=[CH1",
            "`channels` has an unbalanced bracket: `[CH1`",
        ),
        (
            "client=CL1&channels=[CH1,,CH2]",
            "`channels` item 2 is empty: `[CH1,,CH2]`",
        ),
        (
            "client=CL1&channels=[]&revoked=['CH3]",
            "`revoked` item 1 has an unbalanced quote: `'CH3`",
        ),
        (
            "client=CL%0A1&channels=[]",
            "`client` holds the control character U+000A",
        ),
    ] {
        let run = d360(&["onboarding", "parse", given], &[], "").await;
        assert_eq!(
            run,
            failed(
                2,
                &usage(
                    &format!("not an onboarding redirect: {message}"),
                    usage_line
                )
            ),
            "{given}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// secrets

#[tokio::test]
async fn a_command_that_needs_the_secret_and_has_none_exits_4_naming_the_variable() {
    let commands: [(&[&str], &str); 4] = [
        (&["webhook", "listen", "--port", "0"], "webhook listen"),
        (
            &["webhook", "send", "http://127.0.0.1:9/", "--event", "e"],
            "webhook send",
        ),
        (
            &["webhook", "verify", "--signature", PYTHON_HEX],
            "webhook verify",
        ),
        (
            &["onboarding", "link", "--partner-id", "PA", "--sign"],
            "--sign",
        ),
    ];
    for (args, what) in commands {
        // Only `verify` reads stdin; the others exit without reading it.
        let stdin = if args[1] == "verify" { BODY } else { "" };
        let run = d360(args, &[], stdin).await;
        assert_eq!(
            run,
            failed(
                4,
                &format!(
                    "d360: {what} needs the platform secret: set D360_PARTNER_PLATFORM_SECRET\n"
                )
            ),
            "{args:?}"
        );
        for blank in ["", " \t"] {
            let run = d360(args, &[(SECRET, blank)], stdin).await;
            assert_eq!(
                run,
                failed(4, "d360: D360_PARTNER_PLATFORM_SECRET is set but empty\n"),
                "{args:?}"
            );
        }
    }
    // A previous secret set but blank: a rotation half configured.
    for args in [
        &["webhook", "listen", "--port", "0"][..],
        &["webhook", "verify", "--signature", PYTHON_HEX],
    ] {
        let stdin = if args[1] == "verify" { BODY } else { "" };
        let run = d360(args, &[(SECRET, "s"), (PREVIOUS, "")], stdin).await;
        assert_eq!(
            run,
            failed(
                4,
                "d360: D360_PARTNER_PREVIOUS_PLATFORM_SECRET is set but empty\n"
            ),
            "{args:?}"
        );
    }
    // Commands that need no secret run without one.
    let run = d360(&["onboarding", "link", "--partner-id", "PA"], &[], "").await;
    assert_eq!(run.code, 0, "{run:?}");
}

#[tokio::test]
async fn no_secret_is_printed_even_verbose() {
    let secret = "very-secret-platform-value";
    let previous = "very-secret-previous-value";
    let env = [
        (SECRET, secret),
        (PREVIOUS, previous),
        ("D360_PARTNER_ID", "PA"),
    ];
    let hub = MockHub::start().await;
    let listener = Listener::start(&env).await;
    let url = listener.url("/hook");
    let mut runs = Vec::new();
    runs.push(d360(&["-v", "webhook", "send", &url, "--event", "e"], &env, "").await);
    runs.push(
        d360(
            &["-v", "--dry-run", "webhook", "send", &url, "--event", "e"],
            &env,
            "",
        )
        .await,
    );
    runs.push(
        d360(
            &["-v", "webhook", "verify", "--signature", PYTHON_HEX],
            &env,
            BODY,
        )
        .await,
    );
    runs.push(d360(&["-v", "onboarding", "link", "--sign"], &env, "").await);
    runs.push(d360(&["-v", "onboarding", "link"], &[(SECRET, "")], "").await);
    assert_eq!(hub.deliver_signed(&url, BODY).await.unwrap(), 401);
    let (code, stdout, stderr) = listener.stop("TERM").await;
    assert_eq!(code, 0);
    let mut shown: Vec<String> = runs
        .iter()
        .flat_map(|run| [run.stdout.clone(), run.stderr.clone()])
        .collect();
    shown.extend(stdout);
    shown.extend(stderr);
    assert!(shown.len() > 10, "{shown:?}");
    for text in shown {
        assert!(!text.contains(secret) && !text.contains(previous), "{text}");
    }
}

#[tokio::test]
async fn the_new_commands_help() {
    for (args, name) in [
        (&["webhook", "--help"][..], "webhook_help"),
        (&["webhook", "listen", "--help"], "webhook_listen_help"),
        (&["webhook", "send", "--help"], "webhook_send_help"),
        (&["webhook", "verify", "--help"], "webhook_verify_help"),
        (&["onboarding", "link", "--help"], "onboarding_link_help"),
        (&["onboarding", "parse", "--help"], "onboarding_parse_help"),
    ] {
        let run = d360(args, &[], "").await;
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{args:?}");
        insta::assert_snapshot!(name, run.stdout);
    }
}
