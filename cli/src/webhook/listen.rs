//! `d360 webhook listen`: the library's webhook listener on HOST:PORT, printing each verified
//! event as a line of JSON on stdout and, with `--forward-to`, handing the delivery byte for byte
//! to the app being built, whose status it answers. One line on stderr per refusal and per
//! forward, from a log that never blocks a delivery. SIGINT or SIGTERM stops it, exit 0.

use super::stdout::{Stdout, Unwritten};
use super::{Signature, cause, event_lines, status_text};
use crate::exit;
use crate::log::{Log, shown};
use crate::usage::{Outcome, Usage};
use clap::{Arg, ArgMatches, Command};
use d360_partner::webhooks::{Delivery, Handled, Listener, Refusal, Sender, Verifier};
use d360_partner::{PlatformSecret, StatusCode};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::Notify;

/// The port `--port` defaults to.
const DEFAULT_PORT: u16 = 8360;
/// How long a delivery's lines may wait for stdout before it is answered 500.
const STDOUT_BOUND: Duration = Duration::from_secs(5);
/// How long the last log lines may take to reach stderr when the listener stops.
const LOG_FLUSH: Duration = Duration::from_secs(2);

pub fn command() -> Command {
    Command::new("listen")
        .about("Take webhook deliveries on a local port; print each verified event as a line of JSON, forward it to your app")
        .long_about(format!(
            "Take webhook deliveries on HOST:PORT and print each verified event on stdout as one line of \
             JSON, as received (a delivery of an array: one line per event; a line break inside an event \
             becomes a space). With --forward-to, hand each verified delivery to URL byte for byte, with its \
             x-360dialog-signature header, and answer the hub with the app's status (502 when it cannot be \
             reached, so the hub sends it again); the app's status goes to stderr.\n\n\
             A POST to any path whose x-360dialog-signature signs its body with \
             D360_PARTNER_PLATFORM_SECRET (or D360_PARTNER_PREVIOUS_PLATFORM_SECRET) is answered once its \
             events are written (200, or the app's status). A refused request is answered, with one line \
             on stderr naming the cause: 401 (no signature, one that is no signature, or a wrong one; the \
             first two before the body is read), 413 (a body over 1048576 bytes, refused by its length \
             before it is read), 400 (a signed body that is not a webhook event), 405 (not a POST), 503 \
             (more body bytes in flight than it holds at once, 64 MiB; Retry-After: 1), 408 (a body that \
             does not arrive within 30 s). A delivery whose lines stdout does not take within {} s (its \
             reader stopped reading) is answered 500, so the hub sends it again; a line is written whole or \
             not at all.\n\n\
             Once it listens it prints `listening on http://HOST:PORT` on stderr (with --port 0, the port \
             it was given). Log lines never hold up a delivery: when stderr is not read they are dropped \
             and counted. SIGINT or SIGTERM stops it after the deliveries in flight (at most {} s).\n\n\
             Exit codes: 0 stopped by SIGINT or SIGTERM, 2 usage (a host that does not resolve, a URL that is \
             no http(s) URL), 4 no platform secret, 1 anything else (the port cannot be bound; stdout is \
             closed at start without --forward-to; stdout failed, after the delivery it could not print is \
             answered 500).",
            STDOUT_BOUND.as_secs(),
            Listener::DEFAULT_GRACE.as_secs()
        ))
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("N")
                .value_parser(clap::value_parser!(u16))
                .default_value(DEFAULT_PORT.to_string())
                .help("The port to listen on; 0 for a free one (printed on stderr)"),
        )
        .arg(
            Arg::new("host")
                .long("host")
                .value_name("H")
                .default_value("127.0.0.1")
                .help("The address to listen on (0.0.0.0 for every interface)"),
        )
        .arg(
            Arg::new("forward-to")
                .long("forward-to")
                .value_name("URL")
                .help("Hand each verified delivery to URL (your app) and answer with its status"),
        )
        .arg(
            Arg::new("max-connections")
                .long("max-connections")
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(1..))
                .default_value(Listener::DEFAULT_MAX_CONNECTIONS.to_string())
                .help("The connections served at once; more wait unaccepted"),
        )
}

/// What every delivery shares.
struct State {
    stdout: Stdout,
    log: Log,
    /// The app deliveries are handed to, with `--forward-to`.
    forward: Option<Forward>,
    /// Set, and the listener stopped, when stdout fails.
    stdout_broken: Notify,
}

/// Where `--forward-to` hands deliveries.
struct Forward {
    sender: Sender,
    url: String,
    /// `scheme://host:port`: what log lines name, since the app's path or query may hold a
    /// token, and logs hold no secret.
    origin: String,
}

/// Listens until SIGINT or SIGTERM.
pub async fn run(matches: &ArgMatches) -> Outcome {
    let address = crate::input::listen_address(matches).await?;
    let forward_to = matches.get_one::<String>("forward-to");
    if let Some(url) = forward_to
        && Sender::receiver(url).is_err()
    {
        return Err(Usage::new(format!(
            "--forward-to {url}: not an http:// or https:// URL"
        )));
    }
    let verifier = match Verifier::from_env() {
        Ok(verifier) => verifier,
        Err(error) => return Ok(exit::secret_refused("webhook listen", &error)),
    };
    let rotation = verifier.accepts_previous();
    let forward = match forward_to {
        Some(url) => match PlatformSecret::from_env() {
            Ok(secret) => Some(Forward {
                sender: Sender::with_secret(&secret),
                url: url.clone(),
                origin: Sender::receiver(url)
                    .map(|url| url.origin().ascii_serialization())
                    .unwrap_or_default(),
            }),
            Err(error) => return Ok(exit::secret_refused("webhook listen", &error)),
        },
        None => None,
    };
    let stdout = match Stdout::start(forward.is_some()) {
        Ok(stdout) => stdout,
        Err(why) => return Ok(fatal(&why)),
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
    let log = Log::start();
    log.line(&format!("listening on http://{bound}"));
    let state = Arc::new(State {
        stdout,
        log: log.clone(),
        forward,
        stdout_broken: Notify::new(),
    });
    let broken = Arc::new(AtomicBool::new(false));
    let stop = {
        let (state, broken) = (state.clone(), broken.clone());
        async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
                () = state.stdout_broken.notified() => broken.store(true, Ordering::Relaxed),
            }
        }
    };
    let connections = *matches
        .get_one::<u32>("max-connections")
        .expect("has a default");
    let handler = {
        let state = state.clone();
        move |delivery: Delivery| {
            let state = state.clone();
            async move { deliver(&state, delivery).await }
        }
    };
    Listener::new(verifier)
        .max_connections(connections as usize)
        .on_request(move |handled| refused_line(&log, handled, rotation))
        .serve(listener, handler, stop)
        .await;
    state.log.flush(LOG_FLUSH);
    Ok(match broken.load(Ordering::Relaxed) {
        true => ExitCode::from(exit::OTHER),
        false => ExitCode::SUCCESS,
    })
}

/// A verified delivery: its lines printed, then handed to the app when there is one; the status
/// to answer.
async fn deliver(state: &State, delivery: Delivery) -> StatusCode {
    match state
        .stdout
        .print(event_lines(delivery.events()), STDOUT_BOUND)
        .await
    {
        Ok(()) => {}
        Err(Unwritten::Slow) => {
            state.log.line(&format!(
                "could not write an event to stdout within {} s (its reader stopped reading): answered 500, so the hub sends it again",
                STDOUT_BOUND.as_secs()
            ));
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
        Err(Unwritten::Broken(error)) => {
            // The event reached nobody: the hub is told to deliver it again.
            state.log.line(&format!(
                "refused POST {} with 500 Internal Server Error: cannot write the event to stdout: {error}; stopping",
                shown(delivery.path())
            ));
            state.stdout_broken.notify_one();
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    let Some(forward) = &state.forward else {
        return StatusCode::OK;
    };
    let body = delivery.body().to_vec();
    match forward
        .sender
        .send_with_signature(&forward.url, body, Some(delivery.signature()))
        .await
    {
        Ok(status) => {
            state.log.line(&format!(
                "forwarded to {}: the app answered {}",
                forward.origin,
                status_text(status)
            ));
            status
        }
        Err(error) => {
            // The library's message names the app's origin.
            state.log.line(&format!(
                "could not forward: {}; answered 502, so the hub sends it again",
                exit::one_line(&exit::message(&error))
            ));
            StatusCode::BAD_GATEWAY
        }
    }
}

/// The log line of a refused request: its method, its path (escaped, cut), the status and the
/// cause in the command line's terms.
fn refused_line(log: &Log, handled: &Handled, rotation: bool) {
    let Some(refusal) = &handled.refusal else {
        return;
    };
    let why = match refusal {
        Refusal::Method => "webhook deliveries are POSTs".to_string(),
        Refusal::Verify(error) => cause(error, Signature::Header, rotation),
        Refusal::TooLarge {
            declared: Some(size),
            limit,
        } => format!("the body has {size} bytes, over the limit of {limit}"),
        Refusal::TooLarge { limit, .. } => format!("the body is over the limit of {limit} bytes"),
        Refusal::Busy => {
            "more body bytes are in flight than the listener holds at once; answered with Retry-After: 1".into()
        }
        Refusal::Slow(limit) => format!("the body did not arrive within {} s", limit.as_secs()),
        Refusal::Unreadable(why) => format!("the body could not be read: {why}"),
        other => format!("{other:?}"),
    };
    log.line(&format!(
        "refused {} {} with {}: {}",
        shown(&handled.method),
        shown(&handled.path),
        status_text(handled.status),
        why
    ));
}

/// A failure that stops the listener (or keeps it from starting): exit 1.
fn fatal(message: &str) -> ExitCode {
    eprintln!("d360: {message}");
    ExitCode::from(exit::OTHER)
}
