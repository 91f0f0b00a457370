//! `d360`: the 360dialog Partner API from the command line. Every operation of the d360-partner
//! client's table is a command (`d360 get-partner --partner-id PA`), `d360 api METHOD PATH` sends
//! any other request, and every call goes through the library: credentials from the
//! environment (the token flow included), retries with `Retry-After`, typed errors, redaction.
//! The answer is JSON on stdout; errors are one line on stderr with an exit code per kind
//! (`exit.rs`). `d360 webhook` (`webhook.rs`, `listen.rs`) and `d360 onboarding`
//! (`onboarding.rs`) handle what the hub sends the partner, with the platform secret from the
//! environment (`secret.rs`).
#![forbid(unsafe_code)]

mod commands;
mod exit;
mod inputs;
mod listen;
mod onboarding;
mod output;
mod secret;
mod webhook;

use clap::error::ErrorKind;
use clap::{ArgMatches, Command};
use d360_partner::operations::{self, OperationInfo, Page};
use d360_partner::{Client, ClientBuilder, DryRun, env};
use futures_util::StreamExt;
use output::{Out, Progress};
use serde_json::{Map, Value};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut cli = commands::cli();
    let matches = match cli.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        Err(mut error) => {
            // Help and version print to stdout and exit 0; usage errors exit 2.
            commands::add_tips(&mut error);
            let _ = error.print();
            return ExitCode::from(error.exit_code() as u8);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a single-threaded runtime starts");
    runtime.block_on(run(cli, matches))
}

async fn run(mut cli: Command, matches: ArgMatches) -> ExitCode {
    let (name, command) = matches.subcommand().expect("a command is required");
    if command.get_flag("verbose") {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_env_filter(tracing_subscriber::EnvFilter::new("d360_partner=debug"))
            .init();
    }
    if name == "completion" {
        let shell = match command.get_one::<String>("shell").map(String::as_str) {
            Some("zsh") => clap_complete::Shell::Zsh,
            Some("fish") => clap_complete::Shell::Fish,
            _ => clap_complete::Shell::Bash,
        };
        clap_complete::generate(shell, &mut cli, "d360", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    let (subcommand, called) = match name {
        "api" => (None, api(command).await),
        "webhook" => {
            let (subcommand, called) = webhook::run(command).await;
            (Some(subcommand), called)
        }
        "onboarding" => {
            let (subcommand, called) = onboarding::run(command);
            (Some(subcommand), called)
        }
        _ => {
            let info = operations::ALL
                .iter()
                .copied()
                .find(|info| commands::command_name(info) == name)
                .expect("every other command is an operation");
            (None, operation(info, command).await)
        }
    };
    called.unwrap_or_else(|message| usage(&mut cli, name, subcommand, message))
}

/// Whether a call's client holds the environment's credentials, or is a dry run's without any.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Credentials {
    FromEnvironment,
    /// None set, for a dry run: a stand-in signs the request shown, marked absent there.
    AbsentForDryRun,
}

/// The client the environment configures, on `base_url` when given (`inputs::base_url`), naming
/// the command line client in `User-Agent`. A dry run sends nothing, so with no credential
/// variable set at all it gets a client with a stand-in key, which `dry_run` shows as absent
/// (credentials set but unusable are still an error: the run would fail).
fn client(
    command: &ArgMatches,
    base_url: Option<&str>,
) -> d360_partner::Result<(Client, Credentials)> {
    let none_set = [
        env::API_KEY,
        env::BEARER_TOKEN,
        env::USERNAME,
        env::PASSWORD,
    ]
    .iter()
    .all(|name| std::env::var_os(name).is_none());
    let (builder, credentials) = match command.get_flag("dry-run") && none_set {
        true => (
            Client::builder().api_key("d360-dry-run-stand-in"),
            Credentials::AbsentForDryRun,
        ),
        false => (ClientBuilder::from_env()?, Credentials::FromEnvironment),
    };
    let mut builder = builder.user_agent(concat!("d360-partner-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    Ok((builder.build()?, credentials))
}

/// Calls the operation `info` as `command` says: the exit code, or a usage error's message.
/// Input is checked before the client is built, so a usage error is exit 2 with or without
/// credentials.
async fn operation(info: &'static OperationInfo, command: &ArgMatches) -> Result<ExitCode, String> {
    let inputs = inputs::operation_inputs(info, command)?;
    let base_url = inputs::base_url(command)?;
    let (client, credentials) = match client(command, base_url.as_deref()) {
        Ok(client) => client,
        Err(error) => return Ok(exit::fail(&error)),
    };
    let mut call = client.operation(info);
    for (parameter, value) in inputs.parameters {
        call = call.parameter_in(parameter.location(), parameter.name(), value);
    }
    if let Some(body) = &inputs.body {
        call = call.body(body);
    }
    let walk = command.try_get_one::<bool>("all").ok().flatten() == Some(&true);
    if walk {
        let list = info.list().expect("--all is offered for lists only");
        let size = command
            .get_one::<u32>("page-size")
            .copied()
            .unwrap_or(commands::DEFAULT_PAGE_SIZE);
        let limit = list.limit_parameter();
        call = call.parameter_in(limit.location(), limit.name(), size.into());
    }
    // A client without credentials goes no further than this.
    if command.get_flag("dry-run") || credentials == Credentials::AbsentForDryRun {
        return Ok(dry_run(call.dry_run(), credentials));
    }
    if walk {
        return Ok(all_items(call, command.get_flag("ndjson")).await);
    }
    Ok(answered(call.send().await))
}

/// Prints a call's answer, or its error with its exit code.
fn answered(result: d360_partner::Result<Value>) -> ExitCode {
    match result {
        Ok(answer) => {
            Out::new().value(&answer);
            ExitCode::SUCCESS
        }
        Err(error) => exit::fail(&error),
    }
}

/// `--all`: every item of every page, written as the pages arrive; what came before a failure
/// stays valid JSON.
async fn all_items(call: d360_partner::OperationCall, ndjson: bool) -> ExitCode {
    let mut pages = match call.pages() {
        Ok(pages) => pages,
        Err(error) => return exit::fail(&error),
    };
    let list = pages.list();
    let mut out = Out::new();
    let mut items = out.items(ndjson);
    let progress = Progress::new();
    let mut done = 0;
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                let total = page.summary(list).total;
                for item in page.into_items(list) {
                    items.item(&item);
                    done += 1;
                }
                items.flush();
                progress.show(done, total);
            }
            Err(error) => {
                items.end();
                progress.end();
                return exit::fail(&error);
            }
        }
    }
    items.end();
    progress.end();
    ExitCode::SUCCESS
}

/// `d360 api METHOD PATH`: the exit code, or a usage error's message.
async fn api(command: &ArgMatches) -> Result<ExitCode, String> {
    let inputs = inputs::raw_inputs(command)?;
    let base_url = inputs::base_url(command)?;
    let (client, credentials) = match client(command, base_url.as_deref()) {
        Ok(client) => client,
        Err(error) => return Ok(exit::fail(&error)),
    };
    let mut request = client.request(inputs.method, inputs.path);
    for (name, value) in inputs.path_params {
        request = request.path_param(name, value);
    }
    for (name, value) in inputs.query {
        request = request.query(name, value);
    }
    if let Some(body) = &inputs.body {
        request = request.json(body);
    }
    // A client without credentials goes no further than this.
    if command.get_flag("dry-run") || credentials == Credentials::AbsentForDryRun {
        return Ok(dry_run(request.dry_run(), credentials));
    }
    Ok(answered(request.send::<Value>().await))
}

/// `--dry-run`: the request as JSON (method, URL, headers with the credential redacted, body).
/// Without credentials, the header the API key would travel in says so:
/// `"x-api-key": "[absent: set D360_PARTNER_API_KEY]"`.
fn dry_run(prepared: d360_partner::Result<DryRun>, credentials: Credentials) -> ExitCode {
    match prepared {
        Ok(request) => {
            let absent = format!("[absent: set {}]", env::API_KEY);
            let headers: Map<String, Value> = request
                .headers
                .into_iter()
                .map(|(name, value)| {
                    let value = match credentials {
                        Credentials::AbsentForDryRun if name == "x-api-key" => absent.clone(),
                        _ => value,
                    };
                    (name, Value::String(value))
                })
                .collect();
            let body = request
                .body
                .map(|text| serde_json::from_str(&text).unwrap_or(Value::String(text)));
            let shown = serde_json::json!({
                "method": request.method,
                "url": request.url,
                "headers": headers,
                "body": body,
            });
            Out::new().value(&shown);
            ExitCode::SUCCESS
        }
        Err(error) => exit::fail(&error),
    }
}

/// A usage error found after parsing (input that cannot make a request) in the command
/// `name` (its `subcommand`, for `webhook` and `onboarding`), printed as clap prints its own,
/// exit 2.
fn usage(cli: &mut Command, name: &str, subcommand: Option<&str>, message: String) -> ExitCode {
    // Clap's usage line of a subcommand names its parents once the tree is built.
    cli.build();
    let command = cli
        .find_subcommand_mut(name)
        .and_then(|command| match subcommand {
            Some(subcommand) => command.find_subcommand_mut(subcommand),
            None => Some(command),
        });
    let error = match command {
        Some(command) => command.error(ErrorKind::ValueValidation, message),
        None => cli.error(ErrorKind::ValueValidation, message),
    };
    let _ = error.print();
    ExitCode::from(exit::USAGE)
}
