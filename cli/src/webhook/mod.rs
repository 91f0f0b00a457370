//! `d360 webhook`: the webhooks the hub signs with the partner's platform secret. `listen` takes
//! deliveries on a port (`listen.rs`, with the library's listener, and stdout in `stdout.rs`),
//! `send` signs and POSTs one as the hub would and `sign` prints a signature (`send.rs`, with
//! sample data in `samples.rs`), and `verify` checks a body against its signature (`verify.rs`).
//! The secret comes from the environment only (the library reads it); its refusal exits 4.

mod listen;
mod samples;
mod send;
mod stdout;
mod verify;

use crate::usage::Usage;
use clap::{ArgMatches, Command};
use d360_partner::env::{PLATFORM_SECRET, PREVIOUS_PLATFORM_SECRET};
use d360_partner::webhooks::{Event, SIGNATURE_HEADER, VerifyError};
use std::process::ExitCode;

pub fn command() -> Command {
    Command::new("webhook")
        .about("Receive, send, sign and verify webhooks signed with the platform secret")
        .long_about(
            "Receive, send, sign and verify the webhooks the hub signs with the partner's platform secret: \
             HMAC-SHA256 of the raw body, in the x-360dialog-signature header.\n\n\
             The secret comes from the environment only: D360_PARTNER_PLATFORM_SECRET, and during a \
             rotation D360_PARTNER_PREVIOUS_PLATFORM_SECRET (deliveries signed with either are taken). \
             A command that needs it and has none exits 4.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(listen::command())
        .subcommand(send::command())
        .subcommand(send::sign_command())
        .subcommand(verify::command())
}

/// Runs `d360 webhook SUBCOMMAND`.
pub async fn run(matches: &ArgMatches) -> Result<ExitCode, Usage> {
    match matches.subcommand() {
        Some(("listen", command)) => listen::run(command).await.map_err(|u| u.of("listen")),
        Some(("send", command)) => send::run(command).await.map_err(|u| u.of("send")),
        Some(("sign", command)) => send::sign(command).map_err(|u| u.of("sign")),
        Some(("verify", command)) => verify::run(command).map_err(|u| u.of("verify")),
        _ => unreachable!("a webhook subcommand is required"),
    }
}

/// Where the signature of a refused body came from, for its message.
#[derive(Clone, Copy)]
enum Signature {
    /// The request's header (`listen`).
    Header,
    /// `--signature` (`verify`).
    Flag,
}

/// Why a body was refused, in the command line's terms: the flag or header, the variables.
fn cause(error: &VerifyError, signature: Signature, rotation: bool) -> String {
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
        VerifyError::SignatureMismatch {
            matches_without_final_newline,
        } => {
            let mut text = format!(
                "{signature} does not sign this body with {secrets} (the body was changed, or signed \
                 with another secret)"
            );
            if *matches_without_final_newline {
                text.push_str(
                    "; the body ends with a line break, without which it does: was it saved with \
                     `echo`? (`printf '%s'` or `echo -n` add none)",
                );
            }
            text
        }
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
fn event_lines(events: &[Event]) -> Vec<u8> {
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
fn status_text(status: d360_partner::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}
