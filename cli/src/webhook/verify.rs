//! `d360 webhook verify`: a body checked against its signature as `listen` checks a delivery,
//! and its events printed.

use super::send::read_body;
use super::{Signature, cause, event_lines};
use crate::exit;
use crate::usage::Outcome;
use clap::{Arg, ArgMatches, Command};
use d360_partner::webhooks::{Verifier, VerifyError};
use std::io::Write;
use std::process::ExitCode;

pub fn command() -> Command {
    Command::new("verify")
        .about("Check a webhook body against its signature, and print its event")
        .long_about(format!(
            "Check that SIG (the delivery's x-360dialog-signature) signs the body with \
             D360_PARTNER_PLATFORM_SECRET (or D360_PARTNER_PREVIOUS_PLATFORM_SECRET), as `d360 webhook \
             listen` checks a delivery, and print its event on stdout as one line of JSON, as received \
             (a body of an array: one line per event).\n\n\
             The body is read byte for byte, from --body FILE or stdin, at most {} bytes. A body that \
             ends with a line break the signature does not cover (saved with `echo`) is said to.\n\n\
             Exit codes: 0 verified, 4 the signature does not verify (or no platform secret), 1 the \
             signature is valid but the body is not a webhook event, 2 usage (a body that cannot be read \
             or is over the limit).",
            Verifier::DEFAULT_MAX_BODY_BYTES
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

/// `d360 webhook verify`.
pub fn run(matches: &ArgMatches) -> Outcome {
    let signature = matches.get_one::<String>("signature").expect("required");
    let source = matches
        .get_one::<String>("body")
        .map_or("-", String::as_str);
    let body = read_body(source)?;
    let verifier = match Verifier::from_env() {
        Ok(verifier) => verifier,
        Err(error) => return Ok(exit::secret_refused("webhook verify", &error)),
    };
    let rotation = verifier.accepts_previous();
    // Checked as `listen` checks a delivery with this signature and body.
    match verifier.verify_signature_all(signature, &body) {
        Ok(events) => {
            let lines = event_lines(&events);
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&lines);
            let _ = stdout.flush();
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("d360: {}", cause(&error, Signature::Flag, rotation));
            let code = match error {
                VerifyError::BodyTooLarge { .. } => exit::USAGE,
                error if error.is_signature() => exit::AUTH,
                _ => exit::OTHER,
            };
            Ok(ExitCode::from(code))
        }
    }
}
