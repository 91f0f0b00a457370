//! The whole command line: one command per operation of the library's table (`api/`), then
//! `api` (raw requests), `webhook`, `onboarding`, `mock` and `completion`, the operations grouped
//! by tag in the top-level help. No operation is named here: a new operation in the spec is a new
//! command.

use clap::{Arg, Command};
use d360_partner::operations;

/// The command line.
pub fn cli() -> Command {
    let mut root = Command::new("d360")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The 360dialog Partner API from the command line: one command per operation of the d360-partner client.")
        .long_about(
            "The 360dialog Partner API from the command line: one command per operation of the d360-partner client.\n\n\
             Credentials come from the environment only: D360_PARTNER_API_KEY, else D360_PARTNER_BEARER_TOKEN, else \
             D360_PARTNER_USERNAME and D360_PARTNER_PASSWORD; D360_PARTNER_BASE_URL overrides the hub. The answer is \
             printed as JSON on stdout. `webhook` and `onboarding` read the partner's platform secret from \
             D360_PARTNER_PLATFORM_SECRET (and D360_PARTNER_PREVIOUS_PLATFORM_SECRET during a rotation); `mock` runs \
             a simulated hub; their help gives their exit codes.\n\n\
             Exit codes: 0 success, 2 usage, 3 the hub answered 4xx (other than 401/403/408), 4 authentication \
             (no or empty credentials, a refused login, 401, 403), 5 the hub answered 5xx or 408 or did not \
             answer (timeout, connection), 1 anything else (an answer that does not decode).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        // The same help on every terminal (and in the snapshots).
        .max_term_width(100);
    for info in operations::ALL {
        root = root.subcommand(crate::api::operation::command(info));
    }
    root = root
        .subcommand(crate::api::raw::command())
        .subcommand(crate::webhook::command())
        .subcommand(crate::onboarding::command())
        .subcommand(crate::mock::command())
        .subcommand(completion_command());
    let groups = grouped_commands(&root);
    root.help_template(format!(
        "{{before-help}}{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{groups}Options:\n{{options}}{{after-help}}"
    ))
}

/// Adds to a clap error what clap does not say: that a missing `--partner-id` can come from
/// `D360_PARTNER_ID`.
pub fn add_tips(error: &mut clap::Error) {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::MissingRequiredArgument {
        return;
    }
    let missing_partner_id = matches!(
        error.get(ContextKind::InvalidArg),
        Some(ContextValue::Strings(args)) if args.iter().any(|arg| arg.starts_with("--partner-id "))
    );
    if missing_partner_id {
        let tip = format!(
            "give --partner-id, or set {} once for every command",
            crate::api::PARTNER_ID
        );
        error.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![tip.into()]),
        );
    }
}

fn completion_command() -> Command {
    Command::new("completion")
        .about("Print shell completions (bash, zsh or fish)")
        .arg(
            Arg::new("shell")
                .required(true)
                .value_parser(["bash", "zsh", "fish"])
                .help("The shell"),
        )
}

/// `d360 completion SHELL`.
pub fn completion(cli: &mut Command, matches: &clap::ArgMatches) -> std::process::ExitCode {
    let shell = match matches.get_one::<String>("shell").map(String::as_str) {
        Some("zsh") => clap_complete::Shell::Zsh,
        Some("fish") => clap_complete::Shell::Fish,
        _ => clap_complete::Shell::Bash,
    };
    clap_complete::generate(shell, cli, "d360", &mut std::io::stdout());
    std::process::ExitCode::SUCCESS
}

/// The top-level help's command list: the operations by tag, in the spec's order, then the
/// other commands.
fn grouped_commands(root: &Command) -> String {
    let mut groups: Vec<(&str, Vec<(String, String)>)> = Vec::new();
    for info in operations::ALL {
        let tag = info.tags().first().copied().unwrap_or("Operations");
        let entry = (
            crate::api::operation::command_name(info),
            info.summary().unwrap_or_default().to_string(),
        );
        match groups.iter_mut().find(|(name, _)| *name == tag) {
            Some((_, commands)) => commands.push(entry),
            None => groups.push((tag, vec![entry])),
        }
    }
    let others: Vec<(String, String)> = root
        .get_subcommands()
        .filter(|command| {
            matches!(
                command.get_name(),
                "api" | "webhook" | "onboarding" | "mock" | "completion"
            )
        })
        .map(|command| {
            let about = command
                .get_about()
                .map(|a| a.to_string())
                .unwrap_or_default();
            (command.get_name().to_string(), about)
        })
        .chain([(
            "help".to_string(),
            "Print this message or the help of the given command".to_string(),
        )])
        .collect();
    let width = groups
        .iter()
        .flat_map(|(_, commands)| commands)
        .chain(&others)
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (tag, commands) in groups
        .iter()
        .map(|(t, c)| (*t, c))
        .chain([("Other commands", &others)])
    {
        out.push_str(&format!("{tag}:\n"));
        for (name, about) in commands {
            out.push_str(&format!("  {name:width$}  {about}\n"));
        }
        out.push('\n');
    }
    out
}
