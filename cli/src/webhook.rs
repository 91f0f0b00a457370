//! `d360 webhook`: the webhooks the hub signs with the partner's platform secret. `listen` takes
//! deliveries on a local port (`listen.rs`), `send` signs and POSTs one as the hub would, to test
//! a receiver, and `verify` checks a body against its signature.

use crate::{exit, inputs, listen, secret};
use clap::{Arg, ArgMatches, Command};
use d360_partner::env::{PLATFORM_SECRET, PREVIOUS_PLATFORM_SECRET};
use d360_partner::webhooks::{SIGNATURE_HEADER, Sender, Verifier, VerifyError};
use d360_partner::{Error, HeaderMap, Url};
use hyper::StatusCode;
use hyper::header::HeaderValue;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::process::ExitCode;

/// The largest body `verify` reads, as `listen` does: the verifier's default.
const MAX_BODY_BYTES: usize = Verifier::DEFAULT_MAX_BODY_BYTES;

pub fn command() -> Command {
    Command::new("webhook")
        .about("Receive, send and verify webhooks signed with the platform secret")
        .long_about(
            "Receive, send and verify the webhooks the hub signs with the partner's platform secret: \
             HMAC-SHA256 of the raw body, in the x-360dialog-signature header.\n\n\
             The secret comes from the environment only: D360_PARTNER_PLATFORM_SECRET, and during a \
             rotation D360_PARTNER_PREVIOUS_PLATFORM_SECRET (deliveries signed with either are taken). \
             A command that needs it and has none exits 4.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(listen_command())
        .subcommand(send_command())
        .subcommand(verify_command())
}

fn listen_command() -> Command {
    Command::new("listen")
        .about("Take webhook deliveries on a local port; print each verified event as a line of JSON")
        .long_about(format!(
            "Take webhook deliveries on HOST:PORT and print each verified event on stdout as one line of \
             JSON, as received (a delivery of an array: one line per event; a line break inside an event \
             becomes a space).\n\n\
             A POST to any path whose x-360dialog-signature signs its body with \
             D360_PARTNER_PLATFORM_SECRET (or D360_PARTNER_PREVIOUS_PLATFORM_SECRET) is answered 200 \
             once its events are written. A refused request is answered, with one line on stderr naming \
             the cause: 401 (no signature, one that is no signature, or a wrong one), 413 (a body over \
             {MAX_BODY_BYTES} bytes, refused before it is read further), 400 (a signed body that is \
             not a webhook event), 405 (not a POST).\n\n\
             Once it listens it prints `listening on http://HOST:PORT` on stderr (with --port 0, the \
             port it was given). SIGINT or SIGTERM stops it after the deliveries in flight (at most {} \
             s).\n\n\
             Exit codes: 0 stopped by SIGINT or SIGTERM, 2 usage (a host that does not resolve), 4 no \
             platform secret, 1 anything else (the port cannot be bound; stdout was closed, after the \
             delivery it could not print is answered 500).",
            listen::GRACE.as_secs()
        ))
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("N")
                .value_parser(clap::value_parser!(u16))
                .default_value(listen::DEFAULT_PORT.to_string())
                .help("The port to listen on; 0 for a free one (printed on stderr)"),
        )
        .arg(
            Arg::new("host")
                .long("host")
                .value_name("H")
                .default_value("127.0.0.1")
                .help("The address to listen on (0.0.0.0 for every interface)"),
        )
}

fn send_command() -> Command {
    Command::new("send")
        .about("Sign and POST a webhook event as the hub would, to test a receiver")
        .long_about(
            "Sign and POST {\"id\", \"event\", \"data\"} to URL as the hub would, to test a receiver (such \
             as `d360 webhook listen`): Content-Type application/json, and the body's HMAC-SHA256 under \
             D360_PARTNER_PLATFORM_SECRET in x-360dialog-signature (lowercase hex). Redirects are not \
             followed; the receiver has 10 s to answer.\n\n\
             Once the receiver answers, its status is printed on stderr and the body sent on stdout, one \
             line. With --dry-run, the request (its signature included) is printed as JSON and nothing is \
             sent.\n\n\
             Exit codes: 0 the receiver answered 2xx, 3 it answered 4xx, 5 it answered 5xx or did not \
             answer (no connection, no answer within 10 s), 2 usage, 4 no platform secret, 1 anything \
             else (a 1xx or 3xx answer).",
        )
        .arg(
            Arg::new("url")
                .required(true)
                .value_name("URL")
                .help("The receiver's URL (http or https)"),
        )
        .arg(
            Arg::new("event")
                .long("event")
                .required(true)
                .value_name("NAME")
                .help("The event's name, such as channel_created"),
        )
        .arg(
            Arg::new("data")
                .long("data")
                .value_name("FILE|-")
                .help("The event's data: JSON from FILE or stdin (`-`) [default: {}]"),
        )
        .arg(
            Arg::new("id")
                .long("id")
                .value_name("ID")
                .help("The event's id [default: a new one, d360-<unix nanoseconds>-<process id>]"),
        )
}

fn verify_command() -> Command {
    Command::new("verify")
        .about("Check a webhook body against its signature, and print its event")
        .long_about(format!(
            "Check that SIG (the delivery's x-360dialog-signature) signs the body with \
             D360_PARTNER_PLATFORM_SECRET (or D360_PARTNER_PREVIOUS_PLATFORM_SECRET), as `d360 webhook \
             listen` checks a delivery, and print its event on stdout as one line of JSON, as received \
             (a body of an array: one line per event).\n\n\
             The body is read byte for byte, from --body FILE or stdin, at most {MAX_BODY_BYTES} bytes.\n\n\
             Exit codes: 0 verified, 4 the signature does not verify (or no platform secret), 1 the \
             signature is valid but the body is not a webhook event, 2 usage (a body that cannot be read \
             or is over the limit)."
        ))
        .arg(
            Arg::new("signature")
                .long("signature")
                .required(true)
                .value_name("SIG")
                .help("The x-360dialog-signature value: hex or base64, with or without sha256="),
        )
        .arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .help("The body as received, from FILE or stdin (`-`) [default: -]"),
        )
}

/// Runs `d360 webhook SUBCOMMAND`: the exit code, or a usage error's message (with the
/// subcommand's name).
pub async fn run(matches: &ArgMatches) -> (&'static str, Result<ExitCode, String>) {
    match matches.subcommand() {
        Some(("listen", command)) => ("listen", listen::listen(command).await),
        Some(("send", command)) => ("send", send(command).await),
        Some(("verify", command)) => ("verify", verify(command)),
        _ => unreachable!("a webhook subcommand is required"),
    }
}

/// `d360 webhook send`.
async fn send(matches: &ArgMatches) -> Result<ExitCode, String> {
    let url = matches.get_one::<String>("url").expect("required");
    match Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
        Ok(parsed) => {
            return Err(format!(
                "URL `{url}`: the scheme is {}, not http or https",
                parsed.scheme()
            ));
        }
        Err(error) => return Err(format!("URL `{url}`: not a URL: {error}")),
    }
    let name = matches.get_one::<String>("event").expect("required");
    if name.trim().is_empty() {
        return Err("--event is empty: give the event's name, such as channel_created".into());
    }
    let data = match matches.get_one::<String>("data") {
        Some(source) => inputs::read_json_flag(source, "--data")?,
        None => json!({}),
    };
    let id = matches
        .get_one::<String>("id")
        .cloned()
        .unwrap_or_else(new_id);
    let body = json!({"id": id, "event": name, "data": data}).to_string();
    let secret = match secret::platform("webhook send") {
        Ok(secret) => secret,
        Err(code) => return Ok(code),
    };
    let sender = match Sender::new(secret) {
        Ok(sender) => sender,
        Err(error) => return Ok(exit::fail(&error)),
    };
    if matches.get_flag("dry-run") {
        let request = json!({
            "method": "POST",
            "url": url,
            "headers": {
                "content-type": "application/json",
                SIGNATURE_HEADER: sender.sign(body.as_bytes()),
            },
            "body": serde_json::from_str::<Value>(&body).expect("made as JSON"),
        });
        crate::output::Out::new().value(&request);
        return Ok(ExitCode::SUCCESS);
    }
    match sender.send(url, body.as_bytes()).await {
        Ok(status) => {
            let _ = writeln!(std::io::stdout(), "{body}");
            eprintln!("d360: the receiver answered {}", status_text(status));
            Ok(ExitCode::from(match status.as_u16() {
                200..=299 => 0,
                400..=499 => exit::CLIENT_ERROR,
                500..=599 => exit::UNAVAILABLE,
                _ => exit::OTHER,
            }))
        }
        Err(Error::Transport(error)) => {
            // The origin only: the URL's path or query may hold the receiver's token.
            let origin = error.origin();
            let mut what = if error.is_connect() {
                format!("could not connect to the receiver at {origin}")
            } else if error.is_timeout() {
                format!("the receiver at {origin} did not answer within 10 s")
            } else {
                format!("the connection to the receiver at {origin} broke before it answered")
            };
            if !error.is_timeout()
                && let Some(cause) = exit::cause(&*error)
            {
                what = format!("{what}: {cause}");
            }
            eprintln!("d360: {}", exit::one_line(&what));
            Ok(ExitCode::from(exit::UNAVAILABLE))
        }
        Err(error) => Ok(exit::fail(&error)),
    }
}

/// A new event id: `d360-<unix nanoseconds>-<process id>`, unique to each run.
fn new_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!("d360-{nanos}-{}", std::process::id())
}

/// `d360 webhook verify`.
fn verify(matches: &ArgMatches) -> Result<ExitCode, String> {
    let signature = matches.get_one::<String>("signature").expect("required");
    let source = matches
        .get_one::<String>("body")
        .map_or("-", String::as_str);
    let body = read_body(source)?;
    let (verifier, rotation) = match verifier_from_env("webhook verify") {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    // Checked as `listen` checks a delivery with this header and body.
    let Ok(value) = HeaderValue::from_str(signature) else {
        eprintln!("d360: --signature is no signature: it holds a control character");
        return Ok(ExitCode::from(exit::AUTH));
    };
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, value);
    match verifier.verify_all(&headers, &body) {
        Ok(events) => {
            let lines = event_lines(&events);
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&lines);
            let _ = stdout.flush();
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("d360: {}", cause(&error, Signature::Flag, rotation));
            let code = match error.status().as_u16() {
                401 | 500 => exit::AUTH,
                413 => exit::USAGE,
                _ => exit::OTHER,
            };
            Ok(ExitCode::from(code))
        }
    }
}

/// The body `verify` checks, byte for byte; over [`MAX_BODY_BYTES`] is a usage error (only one
/// byte past it is read).
fn read_body(source: &str) -> Result<Vec<u8>, String> {
    let limit = MAX_BODY_BYTES as u64 + 1;
    let mut body = Vec::new();
    let read = if source == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut body)
    } else {
        std::fs::File::open(source).and_then(|file| file.take(limit).read_to_end(&mut body))
    };
    let shown = if source == "-" { "stdin" } else { "it" };
    read.map_err(|e| format!("--body {source}: cannot read {shown}: {e}"))?;
    if body.len() > MAX_BODY_BYTES {
        return Err(format!(
            "--body {source}: it has more than {MAX_BODY_BYTES} bytes, the limit of a webhook body"
        ));
    }
    Ok(body)
}

/// The verifier for the platform secret from the environment, and the previous one during a
/// rotation (whether there is one, for the messages), for `command`; else the message is
/// printed and the exit code (4) returned. The library refuses only the blank secrets [`secret`]
/// already refuses; its refusal is printed the same way all the same.
pub fn verifier_from_env(command: &str) -> Result<(Verifier, bool), ExitCode> {
    let refused =
        |variable: &'static str| move |error| secret::fail(&format!("{variable}: {error}"));
    let current = secret::platform(command)?;
    let previous = secret::previous()?;
    let rotation = previous.is_some();
    let verifier = Verifier::new(current).map_err(refused(PLATFORM_SECRET))?;
    let verifier = match previous {
        Some(previous) => verifier
            .previous(previous)
            .map_err(refused(PREVIOUS_PLATFORM_SECRET))?,
        None => verifier,
    };
    Ok((verifier, rotation))
}

/// Where the signature of a refused body came from, for its message.
#[derive(Clone, Copy)]
pub enum Signature {
    /// The request's header (`listen`).
    Header,
    /// `--signature` (`verify`).
    Flag,
}

/// Why a body was refused, in the command line's terms: the flag or header, the variables.
pub fn cause(error: &VerifyError, signature: Signature, rotation: bool) -> String {
    let signature = match signature {
        Signature::Header => format!("the {SIGNATURE_HEADER} header"),
        Signature::Flag => "--signature".to_string(),
    };
    let secrets = match rotation {
        true => format!("neither {PLATFORM_SECRET} nor {PREVIOUS_PLATFORM_SECRET}"),
        false => PLATFORM_SECRET.to_string(),
    };
    match error {
        VerifyError::MalformedSignature(why) => format!("{signature} is no signature: {why}"),
        VerifyError::SignatureMismatch => format!(
            "{signature} does not sign this body with {secrets} (the body was changed, or signed \
             with another secret)"
        ),
        VerifyError::BodyTooLarge { size, limit } => {
            format!("the body has {size} bytes, over the limit of {limit}")
        }
        VerifyError::NotJson(error) => {
            format!("the signature is valid, but the body is not JSON: {error}")
        }
        VerifyError::NotAnEvent(why) => {
            format!("the signature is valid, but the body is not a webhook event: {why}")
        }
        // No header, or two: about the request, as the verifier says.
        other => other.to_string(),
    }
}

/// The events' lines, what `listen` and `verify` print: each event's bytes as received.
pub fn event_lines(events: &[d360_partner::webhooks::Event]) -> Vec<u8> {
    events
        .iter()
        .flat_map(|event| event_line(event.raw()))
        .collect()
}

/// An event's bytes as received, as one line: without the JSON whitespace around it, each
/// line break inside it (only ever whitespace between JSON tokens) made a space.
fn event_line(raw: &[u8]) -> Vec<u8> {
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let start = raw.iter().position(|b| !space(b)).unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |at| at + 1);
    let mut line: Vec<u8> = raw[start..end]
        .iter()
        .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b })
        .collect();
    line.push(b'\n');
    line
}

/// `200 OK`; `299` for a status without a reason phrase.
pub fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}
