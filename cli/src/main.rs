//! `d360`: the 360dialog Partner API from the command line. Every operation of the d360-partner
//! client's table is a command (`d360 get-partner --partner-id PA`, `api/`), `d360 api METHOD
//! PATH` sends any other request, and every call goes through the library: credentials from the
//! environment (the token flow included), retries with `Retry-After`, typed errors, redaction.
//! The answer is JSON on stdout; errors are one line on stderr with an exit code per kind
//! (`exit.rs`). `d360 webhook` (`webhook/`) and `d360 onboarding` (`onboarding.rs`) handle what
//! the hub sends the partner; `d360 mock` (`mock.rs`) runs a simulated hub.
//!
//! Each family of commands is a module of its own, reached only from here (`tree.rs` assembles
//! the command line): no module reaches back up. What the library decides (a base URL, a path, a
//! header, a secret), the library says; the command line only words it in its own terms.
#![forbid(unsafe_code)]

mod api;
mod client;
mod exit;
mod input;
mod log;
mod mock;
mod onboarding;
mod output;
mod tree;
mod usage;
mod webhook;

use clap::error::ErrorKind;
use clap::{ArgMatches, Command};
use d360_partner::operations;
use std::process::ExitCode;
use usage::Usage;

fn main() -> ExitCode {
    let mut cli = tree::cli();
    let matches = match cli.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        Err(mut error) => {
            // Help and version print to stdout and exit 0; usage errors exit 2.
            tree::add_tips(&mut error);
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
    let outcome = match name {
        "completion" => return tree::completion(&mut cli, command),
        "api" => api::raw::run(command).await,
        "webhook" => webhook::run(command).await,
        "onboarding" => onboarding::run(command),
        "mock" => mock::run(command).await,
        _ => {
            let info = operations::ALL
                .iter()
                .copied()
                .find(|info| api::operation::command_name(info) == name)
                .expect("every other command is an operation");
            api::operation::run(info, command).await
        }
    };
    outcome.unwrap_or_else(|usage| print_usage(&mut cli, name, usage))
}

/// A usage error found after parsing, in the command `name` (its subcommand, for a family),
/// printed as clap prints its own: exit 2.
fn print_usage(cli: &mut Command, name: &str, usage: Usage) -> ExitCode {
    // Clap's usage line of a subcommand names its parents once the tree is built.
    cli.build();
    let command = cli
        .find_subcommand_mut(name)
        .and_then(|command| match usage.subcommand {
            Some(subcommand) => command.find_subcommand_mut(subcommand),
            None => Some(command),
        });
    let error = match command {
        Some(command) => command.error(ErrorKind::ValueValidation, usage.message),
        None => cli.error(ErrorKind::ValueValidation, usage.message),
    };
    let _ = error.print();
    ExitCode::from(exit::USAGE)
}
