//! `d360 webhook listen`: an HTTP/1 server on HOST:PORT that verifies each delivery as a
//! receiver must (the signature over the raw body, a body limit, a status per refusal) and
//! prints each verified event as one line of JSON on stdout. SIGINT or SIGTERM stops it, exit 0.

use crate::exit;
use crate::webhook::{self, Signature};
use clap::ArgMatches;
use d360_partner::webhooks::Verifier;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::Notify;

/// The port `--port` defaults to.
pub const DEFAULT_PORT: u16 = 8360;
/// How long a stop waits for the deliveries in flight.
pub const GRACE: Duration = Duration::from_secs(5);
/// How much of a body over the limit is read and dropped while the 413 goes out.
const DRAIN_BYTES: u64 = 16 * 1024 * 1024;
/// How long a sender may take to send a request's headers, then its body: a slow or stalled
/// one is cut off instead of holding its connection open for ever.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// What every connection shares.
struct State {
    verifier: Verifier,
    /// Whether a previous secret is accepted too (for the messages).
    rotation: bool,
    /// Hands each delivery's lines to the thread that writes stdout.
    stdout: Stdout,
    /// Notified when stdout cannot be written: the listener stops, exit 1.
    stdout_broken: Notify,
}

/// Listens until SIGINT or SIGTERM: the exit code, or a usage error's message.
pub async fn listen(matches: &ArgMatches) -> Result<ExitCode, String> {
    let host = matches.get_one::<String>("host").expect("has a default");
    let port = *matches.get_one::<u16>("port").expect("has a default");
    let address = match tokio::net::lookup_host((host.as_str(), port)).await {
        Ok(mut addresses) => addresses
            .next()
            .ok_or_else(|| format!("--host {host}: it resolves to no address"))?,
        Err(error) => return Err(format!("--host {host}: cannot resolve it: {error}")),
    };
    let (verifier, rotation) = match webhook::verifier_from_env("webhook listen") {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    // The signals are taken before the listener is announced, so one sent as soon as the line
    // is read stops it cleanly rather than killing it.
    let (mut terminate, mut interrupt) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(terminate), Ok(interrupt)) => (terminate, interrupt),
        (Err(error), _) | (_, Err(error)) => {
            return Ok(fatal(&format!("cannot handle SIGINT and SIGTERM: {error}")));
        }
    };
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => return Ok(fatal(&format!("cannot listen on {address}: {error}"))),
    };
    let bound = listener.local_addr().unwrap_or(address);
    log(&format!("listening on http://{bound}"));

    let state = Arc::new(State {
        verifier,
        rotation,
        stdout: Stdout::start(),
        stdout_broken: Notify::new(),
    });
    let graceful = GracefulShutdown::new();
    let code = loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let state = state.clone();
                    let service = hyper::service::service_fn(move |request| {
                        deliver(request, state.clone())
                    });
                    let connection = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEADER_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service);
                    let connection = graceful.watch(connection);
                    // A connection ends when the sender drops it; that is not worth a line.
                    tokio::spawn(async move {
                        let _ = connection.await;
                    });
                }
                // Out of file descriptors, say: the next accept may succeed.
                Err(error) => {
                    log(&format!("cannot accept a connection: {error}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = terminate.recv() => break ExitCode::SUCCESS,
            _ = interrupt.recv() => break ExitCode::SUCCESS,
            _ = state.stdout_broken.notified() => break ExitCode::from(exit::OTHER),
        }
    };
    drop(listener);
    stop(graceful, &mut terminate, &mut interrupt).await;
    Ok(code)
}

/// Waits for the deliveries in flight to be answered (idle connections are closed), for at
/// most [`GRACE`]; a second signal ends the wait.
async fn stop(graceful: GracefulShutdown, terminate: &mut Signal, interrupt: &mut Signal) {
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(GRACE) => {}
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
}

/// Answers one request: 200 when it is a delivery that verifies (its events printed first),
/// else the status of its refusal, with one line on stderr.
async fn deliver(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().clone();
    // The path only: a query may hold a token of the sender's.
    let path = request.uri().path().to_string();
    let refuse = |status: StatusCode, cause: &str| {
        log(&format!(
            "refused {method} {path} with {}: {cause}",
            webhook::status_text(status)
        ));
        answer(status, &format!("{cause}\n"))
    };
    if method != Method::POST {
        let mut response = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "webhook deliveries are POSTs",
        );
        response
            .headers_mut()
            .insert(ALLOW, hyper::header::HeaderValue::from_static("POST"));
        return Ok(response);
    }
    let (parts, mut body) = request.into_parts();
    let limit = state.verifier.body_limit();
    let read = tokio::time::timeout(BODY_TIMEOUT, read_body(&mut body, limit)).await;
    let Ok(read) = read else {
        return Ok(refuse(
            StatusCode::REQUEST_TIMEOUT,
            &format!(
                "the body did not arrive within {} s",
                BODY_TIMEOUT.as_secs()
            ),
        ));
    };
    let body = match read {
        Ok(bytes) => bytes,
        Err(BodyRefused::TooLarge(size)) => {
            let cause = match size {
                Some(size) => format!("the body has {size} bytes, over the limit of {limit}"),
                None => format!("the body is over the limit of {limit} bytes"),
            };
            tokio::spawn(drain(body));
            return Ok(refuse(StatusCode::PAYLOAD_TOO_LARGE, &cause));
        }
        Err(BodyRefused::Unreadable(error)) => {
            return Ok(refuse(
                StatusCode::BAD_REQUEST,
                &format!("the body could not be read: {error}"),
            ));
        }
    };
    match state.verifier.verify_all(&parts.headers, &body) {
        Ok(events) => {
            let lines = webhook::event_lines(&events);
            match state.stdout.print(lines).await {
                Ok(()) => Ok(answer(StatusCode::OK, "")),
                Err(error) => {
                    // The event reached nobody: the hub is told to deliver it again.
                    let response = refuse(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &format!("cannot write the event to stdout: {error}; stopping"),
                    );
                    state.stdout_broken.notify_one();
                    Ok(response)
                }
            }
        }
        Err(error) => Ok(refuse(
            error.status(),
            &webhook::cause(&error, Signature::Header, state.rotation),
        )),
    }
}

/// Why a body was not read to its end.
enum BodyRefused {
    /// Over the limit: its declared size, when it has one (then nothing of it was read).
    TooLarge(Option<u64>),
    /// The connection broke, or the body was malformed.
    Unreadable(hyper::Error),
}

/// The body, when it has at most `limit` bytes: one over a `Content-Length` beyond it is refused
/// before it is read, one without is read up to `limit` + 1 bytes.
async fn read_body(body: &mut Incoming, limit: usize) -> Result<Vec<u8>, BodyRefused> {
    let declared = body.size_hint().exact();
    if let Some(size) = declared
        && size > limit as u64
    {
        return Err(BodyRefused::TooLarge(Some(size)));
    }
    let mut bytes = Vec::with_capacity(declared.map_or(0, |size| size as usize));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyRefused::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            let room = limit + 1 - bytes.len();
            bytes.extend_from_slice(&data[..data.len().min(room)]);
            if bytes.len() > limit {
                return Err(BodyRefused::TooLarge(None));
            }
        }
    }
    Ok(bytes)
}

/// Reads the rest of a refused body and drops it (nothing is kept), up to [`DRAIN_BYTES`] and
/// [`GRACE`], while the 413 goes out: a connection closed with unread bytes is reset, and a reset
/// can reach the sender before the answer does.
async fn drain(mut body: Incoming) {
    let discard = async {
        let mut left = DRAIN_BYTES;
        while let Some(Ok(frame)) = body.frame().await {
            let size = frame.data_ref().map_or(0, |data| data.len() as u64);
            if size > left {
                break;
            }
            left -= size;
        }
    };
    let _ = tokio::time::timeout(GRACE, discard).await;
}

fn answer(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_string())));
    *response.status_mut() = status;
    if !text.is_empty() {
        response.headers_mut().insert(
            CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    response
}

/// The thread that writes stdout. A reader that stops reading (a pipe into `less`, a full
/// pipe) blocks that thread only: the listener goes on accepting and answering signals.
struct Stdout {
    lines: std::sync::mpsc::Sender<(Vec<u8>, tokio::sync::oneshot::Sender<std::io::Result<()>>)>,
}

impl Stdout {
    fn start() -> Stdout {
        let (lines, queue) =
            std::sync::mpsc::channel::<(Vec<u8>, tokio::sync::oneshot::Sender<_>)>();
        std::thread::spawn(move || {
            for (bytes, written) in queue {
                // One locked write, flushed: the lines of deliveries answered at the same time
                // never interleave.
                let mut stdout = std::io::stdout().lock();
                let result = stdout.write_all(&bytes).and_then(|()| stdout.flush());
                let _ = written.send(result);
            }
        });
        Stdout { lines }
    }

    /// Writes a delivery's lines; done once they are out.
    async fn print(&self, bytes: Vec<u8>) -> std::io::Result<()> {
        let (written, done) = tokio::sync::oneshot::channel();
        let gone = || std::io::Error::other("the stdout writer stopped");
        self.lines.send((bytes, written)).map_err(|_| gone())?;
        done.await.map_err(|_| gone())?
    }
}

/// One line on stderr, in one locked write.
fn log(line: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("{line}\n").as_bytes());
}

/// A failure that stops the listener (or keeps it from starting): exit 1.
fn fatal(message: &str) -> ExitCode {
    log(&format!("d360: {message}"));
    ExitCode::from(exit::OTHER)
}
