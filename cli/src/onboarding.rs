//! `d360 onboarding`: integrated onboarding. `link` prints the link a partner sends its clients
//! to (signed with the platform secret on `--sign`, for any hub with `--origin`), `parse` reads
//! the redirect the hub sends the browser back with. The library decides what a link or a
//! redirect may be; its refusals are said here in the flags' terms.

use crate::api::PARTNER_ID;
use crate::exit;
use crate::output::Out;
use crate::usage::{Outcome, Usage};
use clap::{Arg, ArgAction, ArgMatches, Command};
use d360_partner::PlatformSecret;
use d360_partner::onboarding::{Link, LinkError, PartnerIdProblem, Redirect};
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
        "A value of yours added to the link (our sources do not say the hub hands it back)",
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
             --origin points the link at another hub (a staging hub, `d360 mock`), keeping the page's \
             path.\n\n\
             --sign adds the IO signature, for partners with IO signature verification on: io_timestamp \
             (now, in Unix seconds) and io_signature (HMAC-SHA512 of `{partnerId}|{io_timestamp}` under \
             D360_PARTNER_PLATFORM_SECRET, in lowercase hex: 360dialog's docs do not show its encoding). \
             The hub refuses a signature it has seen, so make a signed link for each visitor and never \
             reuse one.\n\n\
             Exit codes: 0 printed, 2 usage (no partner id, or one that would leave the page; an origin \
             that is no http(s) URL), 4 --sign without a platform secret.",
        )
        .arg(
            Arg::new("partner-id")
                .long("partner-id")
                .value_name("ID")
                .env(PARTNER_ID)
                .help("The partner's id"),
        )
        .arg(
            Arg::new("v2")
                .long("v2")
                .action(ArgAction::SetTrue)
                .help("Link to the v2 onboarding page (app.360dialog.com)"),
        )
        .arg(
            Arg::new("origin")
                .long("origin")
                .value_name("URL")
                .help("Another hub's origin (a staging hub, `d360 mock`'s base_url); the page's path is kept"),
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
             permissions) and print {\"client\", \"channels\", \"revoked\"} as JSON (and \"state\" when the \
             redirect has one). A fragment is never read. Lists are read \
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

/// Runs `d360 onboarding SUBCOMMAND`.
pub fn run(matches: &ArgMatches) -> Outcome {
    match matches.subcommand() {
        Some(("link", command)) => link(command).map_err(|u| u.of("link")),
        Some(("parse", command)) => parse(command).map_err(|u| u.of("parse")),
        _ => unreachable!("an onboarding subcommand is required"),
    }
}

/// `d360 onboarding link`.
fn link(matches: &ArgMatches) -> Outcome {
    let partner_id = matches.get_one::<String>("partner-id").ok_or_else(|| {
        Usage::new(format!(
            "no partner id: give --partner-id or set {PARTNER_ID}"
        ))
    })?;
    let mut link = Link::new(partner_id);
    if matches.get_flag("v2") {
        link = link.v2();
    }
    if let Some(origin) = matches.get_one::<String>("origin") {
        link = link.origin(origin);
    }
    for (flag, set, _) in VALUES {
        if let Some(value) = matches.get_one::<String>(flag) {
            link = set(link, value.clone());
        }
    }
    // What the link would be without a signature: refused input is a usage error before the
    // secret is looked for.
    link.url()
        .map_err(|error| refused(&error, partner_id, matches))?;
    if matches.get_flag("sign") {
        let secret = match PlatformSecret::from_env() {
            Ok(secret) => secret,
            Err(error) => return Ok(exit::secret_refused("--sign", &error)),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| Usage::new("the clock is before 1970, so no IO timestamp can be made"))?
            .as_secs();
        link = link.signed(&secret, now);
    }
    let url = link
        .url()
        .map_err(|error| refused(&error, partner_id, matches))?;
    println!("{url}");
    Ok(ExitCode::SUCCESS)
}

/// A link the library refused, in the flags' terms.
fn refused(error: &LinkError, partner_id: &str, matches: &ArgMatches) -> Usage {
    // Named where it came from: the flag, or the variable clap read it from.
    let id = match matches.value_source("partner-id") {
        Some(clap::parser::ValueSource::EnvVariable) => {
            format!("{PARTNER_ID}={}", partner_id.escape_debug())
        }
        _ => format!("--partner-id {}", partner_id.escape_debug()),
    };
    Usage::new(match error {
        LinkError::EmptyPartnerId => {
            format!("the partner id is empty: give --partner-id or set {PARTNER_ID}")
        }
        LinkError::PartnerId(PartnerIdProblem::DotSegment) => {
            format!("{id}: a partner id of `.` or `..` would leave the onboarding page")
        }
        LinkError::PartnerId(PartnerIdProblem::Character(c)) => {
            format!("{id}: it holds {c:?}, which would leave the onboarding page")
        }
        LinkError::Origin(_) => format!(
            "--origin {}: not an http:// or https:// URL with a host (and no query)",
            matches
                .get_one::<String>("origin")
                .map_or(String::new(), |origin| origin.escape_debug().to_string())
        ),
        other => other.to_string(),
    })
}

/// `d360 onboarding parse`.
fn parse(matches: &ArgMatches) -> Outcome {
    let url = matches.get_one::<String>("url").expect("required");
    let redirect = Redirect::parse(url).map_err(|error| Usage::new(error.to_string()))?;
    let mut shown = json!({
        "client": redirect.client_id(),
        "channels": redirect.channel_ids(),
        "revoked": redirect.revoked_channel_ids(),
    });
    if let Some(state) = redirect.state() {
        shown["state"] = json!(state);
    }
    Out::new().value(&shown);
    Ok(ExitCode::SUCCESS)
}
