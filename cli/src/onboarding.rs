//! `d360 onboarding`: integrated onboarding. `link` prints the link a partner sends its clients
//! to (signed with the platform secret on `--sign`), `parse` reads the redirect the hub sends the
//! browser back with.

use crate::commands::PARTNER_ID_ENV;
use crate::output::Out;
use crate::secret;
use clap::{Arg, ArgAction, ArgMatches, Command};
use d360_partner::onboarding::{Link, Redirect};
use serde_json::json;
use std::process::ExitCode;

/// The setter of a value of a link.
type Setter = fn(Link, String) -> Link;

/// The values a link prefills: flag, the setter that sets it, help.
const VALUES: [(&str, Setter, &str); 9] = [
    ("number", Link::number, "The client's phone number"),
    ("email", Link::email, "The client's email address"),
    ("name", Link::name, "The client's name"),
    (
        "state",
        Link::state,
        "A value of yours the hub hands back on the redirect (a session id, say)",
    ),
    (
        "redirect-url",
        Link::redirect_url,
        "Where the hub sends the browser when onboarding ends (else the partner's partner_redirect_url)",
    ),
    ("next", Link::next, "The page to show after onboarding"),
    (
        "plan-selection",
        Link::plan_selection,
        "Whether and which plan selection the client sees",
    ),
    ("flow", Link::flow, "The onboarding flow to run"),
    (
        "preverified-phone-number-id",
        Link::preverified_phone_number_id,
        "A phone number id verified beforehand",
    ),
];

pub fn command() -> Command {
    Command::new("onboarding")
        .about("Make integrated-onboarding links, and read the redirect back")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(link_command())
        .subcommand(parse_command())
}

fn link_command() -> Command {
    let mut command = Command::new("link")
        .about("Print an integrated-onboarding link, signed with --sign")
        .long_about(
            "Print the integrated-onboarding link for the partner: \
             https://hub.360dialog.com/dashboard/app/{partnerId}, or with --v2 \
             https://app.360dialog.com/onboarding/{partnerId}, with the values given as query \
             parameters (percent-encoded).\n\n\
             --sign adds the IO signature, for partners with IO signature verification on: io_timestamp \
             (now, in Unix seconds) and io_signature (HMAC-SHA512 of `{partnerId}|{io_timestamp}` under \
             D360_PARTNER_PLATFORM_SECRET, in lowercase hex: 360dialog's docs do not show its encoding). \
             The hub refuses a signature it has seen, so make a signed link for each visitor and never \
             reuse one.\n\n\
             Exit codes: 0 printed, 2 usage (no partner id), 4 --sign without a platform secret.",
        )
        .arg(
            Arg::new("partner-id")
                .long("partner-id")
                .value_name("ID")
                .env(PARTNER_ID_ENV)
                .help("The partner's id"),
        )
        .arg(
            Arg::new("v2")
                .long("v2")
                .action(ArgAction::SetTrue)
                .help("Link to the v2 onboarding page (app.360dialog.com)"),
        );
    for (flag, _, help) in VALUES {
        let parameter = flag.replace('-', "_");
        command = command.arg(
            Arg::new(flag)
                .long(flag)
                .value_name("TEXT")
                .help(format!("{help} [query parameter `{parameter}`]")),
        );
    }
    command.arg(
        Arg::new("sign")
            .long("sign")
            .action(ArgAction::SetTrue)
            .help("Add the IO signature (io_timestamp, io_signature), made with D360_PARTNER_PLATFORM_SECRET"),
    )
}

fn parse_command() -> Command {
    Command::new("parse")
        .about("Read the redirect the hub sends the browser to when onboarding ends")
        .long_about(
            "Read the redirect the hub sends the browser to when a client finishes integrated \
             onboarding (client=<id>&channels=[<id>,...], and revoked=[<id>,...] when it removed \
             permissions) and print {\"client\", \"channels\", \"revoked\"} as JSON. Lists are read \
             however they are spelled: percent-encoded or not, ids quoted or bare, [] for none; repeated \
             ids are dropped.\n\n\
             Exit codes: 0 printed, 2 usage (a malformed redirect, naming the parameter).",
        )
        .arg(
            Arg::new("url")
                .required(true)
                .value_name("URL")
                .help("The URL the browser arrived at, or its query string"),
        )
}

/// Runs `d360 onboarding SUBCOMMAND`: the exit code, or a usage error's message (with the
/// subcommand's name).
pub fn run(matches: &ArgMatches) -> (&'static str, Result<ExitCode, String>) {
    match matches.subcommand() {
        Some(("link", command)) => ("link", link(command)),
        Some(("parse", command)) => ("parse", parse(command)),
        _ => unreachable!("an onboarding subcommand is required"),
    }
}

/// `d360 onboarding link`.
fn link(matches: &ArgMatches) -> Result<ExitCode, String> {
    let no_partner = || format!("no partner id: give --partner-id or set {PARTNER_ID_ENV}");
    let partner_id = matches
        .get_one::<String>("partner-id")
        .ok_or_else(no_partner)?;
    let mut link = Link::new(partner_id);
    if matches.get_flag("v2") {
        link = link.v2();
    }
    for (flag, set, _) in VALUES {
        if let Some(value) = matches.get_one::<String>(flag) {
            link = set(link, value.clone());
        }
    }
    if partner_id.trim().is_empty() {
        return Err(format!(
            "the partner id is empty: give --partner-id or set {PARTNER_ID_ENV}"
        ));
    }
    if matches.get_flag("sign") {
        let secret = match secret::platform("--sign") {
            Ok(secret) => secret,
            Err(code) => return Ok(code),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| "the clock is before 1970, so no IO timestamp can be made".to_string())?
            .as_secs();
        link = link.signed(secret, now);
    }
    match link.url() {
        Ok(url) => {
            println!("{url}");
            Ok(ExitCode::SUCCESS)
        }
        // An empty partner id and secret were refused above, each in the command line's terms.
        Err(error) => {
            eprintln!("d360: {error}");
            Ok(ExitCode::from(crate::exit::AUTH))
        }
    }
}

/// `d360 onboarding parse`.
fn parse(matches: &ArgMatches) -> Result<ExitCode, String> {
    let url = matches.get_one::<String>("url").expect("required");
    let redirect = Redirect::parse(url).map_err(|error| error.to_string())?;
    Out::new().value(&json!({
        "client": redirect.client_id(),
        "channels": redirect.channel_ids(),
        "revoked": redirect.revoked_channel_ids(),
    }));
    Ok(ExitCode::SUCCESS)
}
