//! `d360 mock`: the library's simulated hub (`MockHub::sandbox`) as a process: one line of JSON
//! on stdout saying where it is and what it accepts, one line on stderr per request, until
//! SIGINT or SIGTERM.

use crate::exit;
use crate::log::{Log, shown};
use crate::usage::{Outcome, Usage};
use clap::{Arg, ArgAction, ArgMatches, Command};
use d360_partner::mock::{MockHub, Sandbox};
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

pub fn command() -> Command {
    Command::new("mock")
        .about("Run a simulated hub: partner, onboarding, channels, API keys and signed events, offline")
        .long_about(
            "Run a simulated 360dialog hub on this machine, for developing a partner's integration offline: \
             the partner (GET and PATCH /api/v2/partners/{partner_id}, checked against the spec), the token \
             endpoint, the onboarding pages (/dashboard/app/{partner_id} and /onboarding/{partner_id}, which \
             check the IO signature unless --no-io-signature, make a client and a channel, and send the \
             browser to redirect_url or the partner's partner_redirect_url with client and channels), the \
             channel list, API keys for running channels, and the events that follow an onboarding \
             (client_created, channel_created, channel_running), signed as the hub signs them, posted to \
             the partner's webhook_url and sent again until answered 2xx.\n\n\
             Once it listens it prints one line of JSON on stdout: {\"base_url\", \"partner_id\", \
             \"api_key\", \"username\", \"password\", \"platform_secret\"}; then one line on stderr per \
             request. SIGINT or SIGTERM stops it, exit 0.\n\n\
             What is the real hub's (as far as 360dialog's docs say) and what is the simulator's choice \
             (the retry schedule of events, the page size, the 5 minutes an IO signature stays valid) is \
             listed in the d360-partner docs of `mock::Sandbox`.\n\n\
             Exit codes: 0 stopped by SIGINT or SIGTERM, 2 usage (a host that does not resolve, a rate \
             outside 0 to 1), 1 the port cannot be bound.",
        )
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("N")
                .value_parser(clap::value_parser!(u16))
                .default_value("0")
                .help("The port to listen on; 0 for a free one (in the line printed)"),
        )
        .arg(
            Arg::new("host")
                .long("host")
                .value_name("H")
                .default_value("127.0.0.1")
                .help("The address to listen on"),
        )
        .arg(
            Arg::new("faults")
                .long("faults")
                .value_name("RATE")
                .value_parser(clap::value_parser!(f64))
                .default_value("0")
                .help("The fraction of API requests answered 429 (Retry-After: 1) or 503, 0 to 1"),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("N")
                .value_parser(clap::value_parser!(u64))
                .default_value("0")
                .help("The seed of the faults: the same seed, the same faults for the same requests"),
        )
        .arg(
            Arg::new("channel-delay")
                .long("channel-delay")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(f64))
                .default_value("1")
                .help("How long after onboarding a channel runs (takes API keys, and its channel_running is sent)"),
        )
        .arg(
            Arg::new("no-io-signature")
                .long("no-io-signature")
                .action(ArgAction::SetTrue)
                .help("The partner has IO signature verification off: onboarding links need no signature"),
        )
}

/// `d360 mock`.
pub async fn run(matches: &ArgMatches) -> Outcome {
    let address = crate::input::listen_address(matches).await?;
    let faults = *matches.get_one::<f64>("faults").expect("has a default");
    if !(0.0..=1.0).contains(&faults) {
        return Err(Usage::new(format!(
            "--faults {faults}: a rate is a fraction from 0 to 1"
        )));
    }
    let delay = *matches
        .get_one::<f64>("channel-delay")
        .expect("has a default");
    let delay = Duration::try_from_secs_f64(delay).map_err(|_| {
        Usage::new(format!(
            "--channel-delay {delay}: give a number of seconds, 0 or more"
        ))
    })?;
    let (mut terminate, mut interrupt) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(terminate), Ok(interrupt)) => (terminate, interrupt),
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("d360: cannot handle SIGINT and SIGTERM: {error}");
            return Ok(ExitCode::from(exit::OTHER));
        }
    };
    let log = Log::start();
    let request_log = log.clone();
    let sandbox = Sandbox::new()
        .address(address)
        .faults(faults)
        .seed(*matches.get_one::<u64>("seed").expect("has a default"))
        .channel_delay(delay)
        .io_signature(!matches.get_flag("no-io-signature"))
        .on_request(move |served| {
            request_log.line(&format!(
                "{} {} {} {} ms",
                shown(&served.method),
                shown(&served.path),
                served.status,
                served.elapsed.as_millis()
            ));
        });
    let hub = match MockHub::sandbox_with(sandbox).await {
        Ok(hub) => hub,
        Err(error) => {
            eprintln!("d360: cannot listen on {address}: {error}");
            return Ok(ExitCode::from(exit::OTHER));
        }
    };
    let line = json!({
        "base_url": hub.base_url(),
        "partner_id": MockHub::PARTNER_ID,
        "api_key": MockHub::API_KEY,
        "username": MockHub::USERNAME,
        "password": MockHub::PASSWORD,
        "platform_secret": MockHub::PLATFORM_SECRET,
    });
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("d360: cannot write to stdout: the hub's address would be lost");
        return Ok(ExitCode::from(exit::OTHER));
    }
    drop(stdout);
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    drop(hub);
    // The last requests' lines, before the process (and the log's thread) ends.
    log.flush(Duration::from_secs(2));
    Ok(ExitCode::SUCCESS)
}
