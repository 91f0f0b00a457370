//! What the commands that call the hub share: their flags (`--base-url`, `--dry-run`, `-v`,
//! given only to those commands), and the library's client made from the environment and those
//! flags. The library decides what a base URL or a credential may be; here its refusals are
//! said in the command line's terms (the flag or variable, the value, the fix).

use crate::exit;
use crate::usage::Usage;
use clap::{Arg, ArgAction, ArgMatches, Command};
use d360_partner::error::{BaseUrlError, BaseUrlProblem, ConfigError};
use d360_partner::{Client, ClientBuilder, ErrorKind, env};
use std::process::ExitCode;

/// The help heading of the flags of the commands that call the hub.
const HUB: &str = "Hub options";

/// `command` with the flags of a command that calls the hub.
pub fn with_hub_flags(command: Command) -> Command {
    command
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .help(format!(
                    "The hub's base URL (default: {}, else {})",
                    env::BASE_URL,
                    ClientBuilder::DEFAULT_BASE_URL
                ))
                .help_heading(HUB),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent as JSON (credentials redacted, or marked absent when unset), and send nothing")
                .help_heading(HUB),
        )
        .arg(
            Arg::new("verbose")
                .short('v')
                .long("verbose")
                .action(ArgAction::SetTrue)
                .help("Log the client's requests, retries and timings to stderr (never a credential)")
                .help_heading(HUB),
        )
}

/// The client settings of a command that calls the hub: from the environment, then its flags.
pub struct Hub {
    builder: ClientBuilder,
    /// Where the base URL came from, for messages: `--base-url`, the variable, or neither; and
    /// the value given there.
    base_url: Source,
    given: String,
    pub dry_run: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Flag,
    Variable,
    Default,
}

impl Hub {
    /// The settings `matches` and the environment give. Credentials set but unusable (empty,
    /// a username without its password) fail here, before anything else: exit 4; a base URL
    /// variable set but empty is a usage error.
    pub fn from(matches: &ArgMatches) -> Result<Result<Hub, ExitCode>, Usage> {
        if matches.get_flag("verbose") {
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_env_filter(tracing_subscriber::EnvFilter::new("d360_partner=debug"))
                .init();
        }
        let builder = match ClientBuilder::from_env() {
            Ok(builder) => builder,
            Err(error) => {
                return match error.kind() {
                    ErrorKind::Config(ConfigError::EmptyVariable { variable }) => {
                        Err(Usage::new(format!(
                            "{variable} is set but empty: unset it for the default hub, or set the hub's https:// URL"
                        )))
                    }
                    _ => Ok(Err(exit::fail(&error))),
                };
            }
        };
        let mut builder =
            builder.user_agent(concat!("d360-partner-cli/", env!("CARGO_PKG_VERSION")));
        let (mut base_url, mut given) = match std::env::var(env::BASE_URL) {
            Ok(url) => (Source::Variable, url),
            Err(_) => (Source::Default, ClientBuilder::DEFAULT_BASE_URL.to_string()),
        };
        if let Some(url) = matches.get_one::<String>("base-url") {
            builder = builder.base_url(url);
            (base_url, given) = (Source::Flag, url.clone());
        }
        Ok(Ok(Hub {
            builder,
            base_url,
            given,
            dry_run: matches.get_flag("dry-run"),
        }))
    }

    /// A client that makes dry runs only (credentials optional): what checks a request before
    /// the credentials are needed, so bad input is a usage error with or without them.
    pub fn checking(&self) -> Result<Client, Usage> {
        self.builder
            .clone()
            .dry_run_only()
            .build()
            .map_err(|error| match error.kind() {
                ErrorKind::Config(ConfigError::BaseUrl(refused)) => self.base_url_usage(refused),
                _ => Usage::new(exit::message(&error)),
            })
    }

    /// The client that sends: the credentials are required now (none: exit 4).
    pub fn sending(&self) -> Result<Client, ExitCode> {
        self.builder
            .clone()
            .build()
            .map_err(|error| exit::fail(&error))
    }

    /// A refused base URL in the command line's terms: where it came from, what may be shown of
    /// it, why, and the fix.
    fn base_url_usage(&self, refused: &BaseUrlError) -> Usage {
        let source = match self.base_url {
            Source::Flag => "--base-url ".to_string(),
            Source::Variable | Source::Default => format!("{}=", env::BASE_URL),
        };
        // What the library may show of it: its origin, as a URL's user info or path may hold a
        // secret (here, only where that is no concern).
        let shown = refused.shown.clone().unwrap_or_else(|| "…".into());
        let given = self.given.trim();
        let (shown, why) = match &refused.problem {
            BaseUrlProblem::NoScheme => (
                shown.clone(),
                format!("it has no scheme: give the hub's URL with it, https://{shown}"),
            ),
            BaseUrlProblem::ApiPrefix { prefix } => {
                let without = given.trim_end_matches('/');
                let without = without.strip_suffix(prefix).unwrap_or(without);
                (
                    given.to_string(),
                    format!(
                        "its path ends in {prefix}, which every operation's path starts with and would be sent twice: give {without}"
                    ),
                )
            }
            BaseUrlProblem::InsecureHttp => (
                shown,
                "plain http:// is allowed only for this machine (localhost, 127.0.0.1, [::1]); credentials would cross the network unencrypted, so give the hub's https:// URL".into(),
            ),
            BaseUrlProblem::UserInfo => (
                shown.replacen("://", "://…@", 1),
                format!(
                    "credentials in the URL are not taken; they come from the environment only: set {} (or {}, or {} and {})",
                    env::API_KEY,
                    env::BEARER_TOKEN,
                    env::USERNAME,
                    env::PASSWORD
                ),
            ),
            BaseUrlProblem::Scheme(scheme) => (
                shown,
                format!("the scheme is {scheme}: give the hub's https:// URL"),
            ),
            BaseUrlProblem::NotAUrl(why) => (shown, format!("not a URL: {why}")),
            BaseUrlProblem::NoHost => (shown, "it has no host: give the hub's https:// URL".into()),
            BaseUrlProblem::QueryOrFragment => (
                shown,
                "a base URL has no query or fragment: give the hub's https:// URL".into(),
            ),
            _ => (shown, refused.to_string()),
        };
        Usage::new(format!("{source}{shown}: {why}"))
    }
}
