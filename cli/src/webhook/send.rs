//! `d360 webhook send`: sign and POST `{"id", "event", "data"}` as the hub would, to test a
//! receiver, with sample data for the events the docs name; and `d360 webhook sign`: the
//! signature header's value for a body.

use super::{samples, status_text};
use crate::exit;
use crate::output::Out;
use crate::usage::{Outcome, Usage};
use clap::{Arg, ArgAction, ArgMatches, Command};
use d360_partner::webhooks::{self, SIGNATURE_HEADER, Sender};
use d360_partner::{ErrorKind, PlatformSecret};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::process::ExitCode;

/// How deep `--data` may nest: what a receiver reading JSON with serde_json accepts (128
/// levels), less the envelope's one.
const MAX_DEPTH: usize = 127;
/// The largest body `sign` reads, as `listen` and `verify` do: the verifier's default.
const MAX_BODY_BYTES: usize = webhooks::Verifier::DEFAULT_MAX_BODY_BYTES;

pub fn command() -> Command {
    Command::new("send")
        .about("Sign and POST a webhook event as the hub would, to test a receiver")
        .long_about(format!(
            "Sign and POST {{\"id\", \"event\", \"data\"}} to URL as the hub would, to test a receiver (such \
             as `d360 webhook listen`): Content-Type application/json, and the body's HMAC-SHA256 under \
             D360_PARTNER_PLATFORM_SECRET in x-360dialog-signature (lowercase hex). Redirects are not \
             followed; the receiver has 10 s to answer.\n\n\
             Without --data, the events the docs name get sample data (samples, not captures: their \
             shape follows what public receivers read); another name is sent with {{}} and a warning \
             naming the known ones: {}.\n\n\
             Once the receiver answers, its status is printed on stderr and the body sent on stdout, one \
             line. With --dry-run, the request (its signature included) is printed as JSON and nothing is \
             sent.\n\n\
             Exit codes: 0 the receiver answered 2xx, 3 it answered 4xx, 5 it answered 5xx or did not \
             answer (no connection, no answer within 10 s), 2 usage (data nested deeper than {MAX_DEPTH} \
             levels, which a receiver would refuse, among others), 4 no platform secret, 1 anything else \
             (a 1xx or 3xx answer).",
            samples::KNOWN.join(", ")
        ))
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
                .value_name("JSON|FILE|-")
                .help("The event's data: inline JSON, from FILE, or from stdin (`-`) [default: the event's sample data, else {}]"),
        )
        .arg(
            Arg::new("id")
                .long("id")
                .value_name("ID")
                .help("The event's id [default: a new one, d360-<unix nanoseconds>-<process id>]"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent as JSON (its signature included), and send nothing"),
        )
}

pub fn sign_command() -> Command {
    Command::new("sign")
        .about("Print the x-360dialog-signature value the hub would send with a body")
        .long_about(format!(
            "Print the x-360dialog-signature value the hub would send with the body: its HMAC-SHA256 under \
             D360_PARTNER_PLATFORM_SECRET, in lowercase hex. The body is read byte for byte, from --body \
             FILE or stdin, at most {MAX_BODY_BYTES} bytes (a body saved with `echo` ends with a line \
             break the hub would not send: use `printf '%s'`).\n\n\
             Exit codes: 0 printed, 2 usage (a body that cannot be read or is over the limit), 4 no \
             platform secret."
        ))
        .arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .help("The body, from FILE or stdin (`-`) [default: -]"),
        )
}

/// `d360 webhook send`.
pub async fn run(matches: &ArgMatches) -> Outcome {
    let url = matches.get_one::<String>("url").expect("required");
    if Sender::receiver(url).is_err() {
        return Err(Usage::new(format!(
            "URL `{url}`: not an http:// or https:// URL"
        )));
    }
    let name = matches.get_one::<String>("event").expect("required");
    if name.trim().is_empty() {
        return Err(Usage::new(
            "--event is empty: give the event's name, such as channel_created",
        ));
    }
    let data = match matches.get_one::<String>("data") {
        Some(source) => crate::input::json(source, "--data").map_err(Usage::new)?,
        None => samples::data(name).unwrap_or_else(|| json!({})),
    };
    let depth = depth(&data);
    if depth > MAX_DEPTH {
        return Err(Usage::new(format!(
            "--data nests {depth} levels deep: a receiver reading JSON takes at most 128, the envelope's one included, so at most {MAX_DEPTH}"
        )));
    }
    let id = matches
        .get_one::<String>("id")
        .cloned()
        .unwrap_or_else(new_id);
    let envelope = json!({"id": id, "event": name, "data": data});
    let body = envelope.to_string();
    let sender = match PlatformSecret::from_env() {
        Ok(secret) => Sender::with_secret(&secret),
        Err(error) => return Ok(exit::secret_refused("webhook send", &error)),
    };
    // Warned once the event is to go out (or be shown): a typo in a name the docs give is the
    // likely cause of a receiver that ignores it.
    if !samples::KNOWN.contains(&name.as_str()) {
        eprintln!(
            "d360: warning: `{}` is no event the docs name ({}); sending it all the same",
            name.escape_debug(),
            samples::KNOWN.join(", ")
        );
    }
    if matches.get_flag("dry-run") {
        let request = json!({
            "method": "POST",
            "url": url,
            "headers": {
                "content-type": "application/json",
                SIGNATURE_HEADER: sender.sign(body.as_bytes()),
            },
            "body": envelope,
        });
        Out::new().value(&request);
        return Ok(ExitCode::SUCCESS);
    }
    Ok(match sender.send(url, body.as_bytes()).await {
        Ok(status) => {
            let _ = writeln!(std::io::stdout(), "{body}");
            eprintln!("d360: the receiver answered {}", status_text(status));
            ExitCode::from(match status.as_u16() {
                200..=299 => 0,
                400..=499 => exit::CLIENT_ERROR,
                500..=599 => exit::UNAVAILABLE,
                _ => exit::OTHER,
            })
        }
        Err(error) => match error.kind() {
            ErrorKind::Transport(transport) => {
                // The origin only: the URL's path or query may hold the receiver's token.
                let origin = transport.origin();
                let mut what = if transport.is_connect() {
                    format!("could not connect to the receiver at {origin}")
                } else if transport.is_timeout() {
                    format!("the receiver at {origin} did not answer within 10 s")
                } else {
                    format!("the connection to the receiver at {origin} broke before it answered")
                };
                if !transport.is_timeout()
                    && let Some(cause) = exit::cause(transport)
                {
                    what = format!("{what}: {cause}");
                }
                eprintln!("d360: {}", exit::one_line(&what));
                ExitCode::from(exit::UNAVAILABLE)
            }
            _ => exit::fail(&error),
        },
    })
}

/// How deep `value` nests, as serde_json's limit of 128 counts: 1 for a scalar, one more per
/// array or object around it, and an empty array or object as deep as one holding a scalar
/// (serde_json counts the level it opens, whatever it holds: `[]` nested 127 deep, inside the
/// envelope, is refused as `[0]` nested 127 deep is).
fn depth(value: &Value) -> usize {
    // Iterative: the data was parsed with serde_json's own limit, but is walked without one.
    let mut deepest = 0;
    let mut stack = vec![(value, 1)];
    while let Some((value, level)) = stack.pop() {
        match value {
            Value::Array(items) => {
                deepest = deepest.max(level + 1);
                stack.extend(items.iter().map(|item| (item, level + 1)));
            }
            Value::Object(fields) => {
                deepest = deepest.max(level + 1);
                stack.extend(fields.values().map(|item| (item, level + 1)));
            }
            _ => deepest = deepest.max(level),
        }
    }
    deepest
}

/// A new event id: `d360-<unix nanoseconds>-<process id>`, unique to each run.
fn new_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!("d360-{nanos}-{}", std::process::id())
}

/// `d360 webhook sign`.
pub fn sign(matches: &ArgMatches) -> Outcome {
    let source = matches
        .get_one::<String>("body")
        .map_or("-", String::as_str);
    let body = read_body(source)?;
    let secret = match PlatformSecret::from_env() {
        Ok(secret) => secret,
        Err(error) => return Ok(exit::secret_refused("webhook sign", &error)),
    };
    println!("{}", webhooks::sign(&secret, &body));
    Ok(ExitCode::SUCCESS)
}

/// A webhook body byte for byte, from a file or stdin; over [`MAX_BODY_BYTES`] is a usage error
/// (only one byte past it is read).
pub fn read_body(source: &str) -> Result<Vec<u8>, Usage> {
    let limit = MAX_BODY_BYTES as u64 + 1;
    let mut body = Vec::new();
    let read = if source == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut body)
    } else {
        std::fs::File::open(source).and_then(|file| file.take(limit).read_to_end(&mut body))
    };
    let shown = if source == "-" { "stdin" } else { "it" };
    read.map_err(|e| Usage::new(format!("--body {source}: cannot read {shown}: {e}")))?;
    if body.len() > MAX_BODY_BYTES {
        return Err(Usage::new(format!(
            "--body {source}: it has more than {MAX_BODY_BYTES} bytes, the limit of a webhook body"
        )));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_each_array_and_object() {
        assert_eq!(depth(&json!(1)), 1);
        assert_eq!(depth(&json!({})), 2);
        assert_eq!(depth(&json!([0])), 2);
        assert_eq!(depth(&json!({"a": [1, {"b": []}]})), 5);
        assert_eq!(depth(&json!({"a": [1, {"b": [2]}]})), 5);
        let mut deep = json!(0);
        for _ in 0..1000 {
            deep = json!([deep]);
        }
        assert_eq!(depth(&deep), 1001);
    }
}
