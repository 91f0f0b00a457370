//! The command tree, built at run time from the library's operation table: one command per
//! operation, named after its client method in kebab-case and grouped by tag in the top-level
//! help, with a flag per parameter and per top-level scalar property of the request body; then
//! `api` (raw requests), `webhook` and `onboarding` (`webhook.rs`, `onboarding.rs`) and
//! `completion`. No operation is named here: a new operation in the spec is a new command.

use clap::builder::{PossibleValuesParser, ValueParser};
use clap::{Arg, ArgAction, Command};
use d360_partner::operations::{self, BodyKind, Kind, OperationInfo, ParameterInfo, PropertyInfo};
use heck::ToKebabCase;

/// The environment variable `--partner-id` (and `api`'s `{partner_id}`) defaults to.
pub const PARTNER_ID_ENV: &str = d360_partner::env::PARTNER_ID;
/// The help heading of the flags every command takes.
const GLOBAL: &str = "Global options";
/// The page size of `--all` unless `--page-size` says otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// The methods `d360 api` sends: those of the Partner API. (HEAD and OPTIONS answer no JSON
/// to print; a method the hub does not know is a typo.)
pub const API_METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Flags every command (or a list command) has, which a parameter's flag must not take.
const RESERVED: [&str; 9] = [
    "help",
    "version",
    "base-url",
    "dry-run",
    "verbose",
    "body",
    "all",
    "page-size",
    "ndjson",
];

/// Where a flag's value goes: a parameter of the operation or a property of its body.
#[derive(Clone, Copy)]
pub enum Target {
    Parameter(&'static ParameterInfo),
    Property(&'static PropertyInfo),
}

/// One flag of an operation's command: its argument id and where its value goes.
pub struct Flag {
    pub id: String,
    pub target: Target,
}

impl Flag {
    /// What the flag's values are.
    pub fn kind(&self) -> Kind {
        match self.target {
            Target::Parameter(parameter) => parameter.kind(),
            Target::Property(property) => property.kind(),
        }
    }
}

/// The whole command line.
pub fn cli() -> Command {
    let mut root = Command::new("d360")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The 360dialog Partner API from the command line: one command per operation of the d360-partner client.")
        .long_about(
            "The 360dialog Partner API from the command line: one command per operation of the d360-partner client.\n\n\
             Credentials come from the environment only: D360_PARTNER_API_KEY, else D360_PARTNER_BEARER_TOKEN, else \
             D360_PARTNER_USERNAME and D360_PARTNER_PASSWORD; D360_PARTNER_BASE_URL overrides the hub. The answer is \
             printed as JSON on stdout. `webhook` and `onboarding` read the partner's platform secret from \
             D360_PARTNER_PLATFORM_SECRET (and D360_PARTNER_PREVIOUS_PLATFORM_SECRET during a rotation); their \
             help gives their exit codes.\n\n\
             Exit codes: 0 success, 2 usage, 3 the hub answered 4xx (other than 401/403/408), 4 authentication \
             (no or empty credentials, a refused login, 401, 403), 5 the hub answered 5xx or 408 or did not \
             answer (timeout, connection), 1 anything else (an answer that does not decode).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        // The same help on every terminal (and in the snapshots).
        .max_term_width(100)
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .value_name("URL")
                .help("The hub's base URL (default: D360_PARTNER_BASE_URL, else https://hub.360dialog.io)")
                .help_heading(GLOBAL),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent as JSON (credentials redacted, or marked absent when unset), and send nothing")
                .help_heading(GLOBAL),
        )
        .arg(
            Arg::new("verbose")
                .short('v')
                .long("verbose")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Log the client's requests, retries and timings to stderr (never a credential)")
                .help_heading(GLOBAL),
        );
    for info in operations::ALL {
        root = root.subcommand(operation_command(info));
    }
    root = root
        .subcommand(api_command())
        .subcommand(crate::webhook::command())
        .subcommand(crate::onboarding::command())
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
        let tip = format!("give --partner-id, or set {PARTNER_ID_ENV} once for every command");
        error.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![tip.into()]),
        );
    }
}

/// The command of an operation: `get_partner` → `get-partner`.
pub fn command_name(info: &OperationInfo) -> String {
    info.id().to_kebab_case()
}

/// The flags of an operation's command, in the order its help shows them.
pub fn flags(info: &'static OperationInfo) -> Vec<Flag> {
    let mut taken: Vec<String> = RESERVED.iter().map(|s| s.to_string()).collect();
    let mut flags = Vec::new();
    for parameter in info.parameters() {
        let id = free_flag(parameter.name(), "param", &mut taken);
        flags.push(Flag {
            id,
            target: Target::Parameter(parameter),
        });
    }
    if info.body() != BodyKind::None {
        for property in info.body_properties() {
            if property.kind().is_scalar() {
                let id = free_flag(property.name(), "body", &mut taken);
                flags.push(Flag {
                    id,
                    target: Target::Property(property),
                });
            }
        }
    }
    flags
}

/// `name` as a flag (`partner_id` → `partner-id`), prefixed with `prefix-` when another flag
/// has it already.
fn free_flag(name: &str, prefix: &str, taken: &mut Vec<String>) -> String {
    let mut flag = name.to_kebab_case();
    if taken.contains(&flag) {
        flag = format!("{prefix}-{flag}");
    }
    taken.push(flag.clone());
    flag
}

fn operation_command(info: &'static OperationInfo) -> Command {
    let summary = info.summary().unwrap_or(info.id());
    let mut long = format!("{summary}\n\n{} {}", info.method(), info.path());
    if let Some(description) = info.description() {
        long = format!(
            "{summary}\n\n{description}\n\n{} {}",
            info.method(),
            info.path()
        );
    }
    let mut command = Command::new(command_name(info))
        .about(summary.to_string())
        .long_about(long);
    let flags = flags(info);
    for flag in &flags {
        let mut arg = Arg::new(flag.id.clone()).long(flag.id.clone());
        arg = with_kind(arg, flag.kind());
        match flag.target {
            Target::Parameter(parameter) => {
                let place = format!(
                    "{} parameter `{}`",
                    parameter.location().as_str(),
                    parameter.name()
                );
                arg = arg
                    .required(parameter.required())
                    .help_heading("Parameters")
                    .help(help_text(parameter.description(), &place));
                if parameter.name() == "partner_id" {
                    arg = arg.env(PARTNER_ID_ENV);
                }
            }
            Target::Property(property) => {
                arg = arg.help_heading("Request body").help(help_text(
                    property.description(),
                    &format!("body property `{}`", property.name()),
                ));
            }
        }
        command = command.arg(arg);
    }
    if info.body() != BodyKind::None {
        // A request body is sent: this, or a property flag (`inputs::operation_inputs`).
        let help = match flags
            .iter()
            .any(|f| matches!(f.target, Target::Property(_)))
        {
            true => {
                "The JSON request body, from FILE or stdin (`-`); a flag above overrides its field. Give this, or at least one flag above"
            }
            false => "The JSON request body (required), from FILE or stdin (`-`)",
        };
        command = command.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .help_heading("Request body")
                .help(help),
        );
    }
    if let Some(list) = info.list() {
        command = command
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help("Walk every page and print one JSON array of all items")
                    .help_heading("All pages"),
            )
            .arg(
                Arg::new("page-size")
                    .long("page-size")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u32).range(1..))
                    .requires("all")
                    .help(format!(
                        "The page size of --all [default: {DEFAULT_PAGE_SIZE}]"
                    ))
                    .help_heading("All pages"),
            )
            .arg(
                Arg::new("ndjson")
                    .long("ndjson")
                    .action(ArgAction::SetTrue)
                    .requires("all")
                    .help("With --all, print one item per line as it arrives")
                    .help_heading("All pages"),
            );
        if let Some(limit) = flags.iter().find(|flag| {
            matches!(flag.target, Target::Parameter(parameter) if std::ptr::eq(parameter, list.limit_parameter()))
        }) {
            command = command.mut_arg(limit.id.clone(), |arg| arg.conflicts_with("all"));
        }
    }
    command
}

/// A parameter's help: the spec's description, then where the value goes.
fn help_text(description: Option<&str>, place: &str) -> String {
    match description {
        Some(text) => format!("{} [{place}]", text.trim()),
        None => format!("[{place}]"),
    }
}

/// The type clap parses a flag's text into, for a value of a kind.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    Text,
    Integer,
    Number,
    Boolean,
    /// JSON text: objects, and arrays inside arrays.
    Json,
}

impl Parsed {
    pub fn of(kind: Kind) -> Parsed {
        match kind {
            Kind::Integer => Parsed::Integer,
            Kind::Number => Parsed::Number,
            Kind::Boolean => Parsed::Boolean,
            Kind::String | Kind::Enum(_) => Parsed::Text,
            _ => Parsed::Json,
        }
    }
}

/// A flag's kind, and whether it repeats (an array, one flag per item).
pub fn item_kind(kind: Kind) -> (Kind, bool) {
    match kind {
        Kind::Array(item) => (*item, true),
        other => (other, false),
    }
}

/// How a flag of `kind` takes its value: checked as the kind says, repeatable for arrays.
fn with_kind(arg: Arg, kind: Kind) -> Arg {
    let (item, repeated) = item_kind(kind);
    let arg = if repeated {
        arg.action(ArgAction::Append)
    } else {
        arg
    };
    if let Kind::Enum(values) = item {
        return arg
            .value_parser(PossibleValuesParser::new(values.iter().copied()))
            .value_name("VALUE");
    }
    match Parsed::of(item) {
        Parsed::Integer => arg
            .value_parser(clap::value_parser!(i64))
            .value_name("INTEGER"),
        Parsed::Number => arg
            .value_parser(clap::value_parser!(f64))
            .value_name("NUMBER"),
        Parsed::Boolean => arg
            .value_parser(clap::value_parser!(bool))
            .value_name("true|false"),
        Parsed::Json => arg
            .value_parser(ValueParser::new(json_text))
            .value_name("JSON"),
        Parsed::Text => arg.value_name("TEXT"),
    }
}

/// A flag's value that is JSON text (an object parameter such as `filters`).
fn json_text(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

fn api_command() -> Command {
    Command::new("api")
        .about("Send a raw request: any method and path, for the calls the spec lacks")
        .long_about(
            "Send a raw request: any method and path on the hub, for the calls the spec lacks, with the same \
             credentials, retries, errors and output as every other command.\n\n\
             Example: d360 api POST '/api/v2/partners/{partner_id}/channels/{channel_id}/api_keys' -p partner_id=PA -p channel_id=CH",
        )
        .arg(
            Arg::new("method")
                .required(true)
                .value_name("METHOD")
                .value_parser(PossibleValuesParser::new(API_METHODS))
                .ignore_case(true)
                .help("The HTTP method, in any case"),
        )
        .arg(
            Arg::new("path")
                .required(true)
                .value_name("PATH")
                .help("The path on the hub, with {placeholders} set by -p"),
        )
        .arg(
            Arg::new("query")
                .short('q')
                .long("query")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("A query parameter (repeatable)"),
        )
        .arg(
            Arg::new("path-param")
                .short('p')
                .long("path-param")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help(format!(
                    "The value of the path's {{NAME}} (repeatable); {{partner_id}} defaults to {PARTNER_ID_ENV}"
                )),
        )
        .arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .help("The JSON request body, from FILE or stdin (`-`)"),
        )
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

/// The top-level help's command list: the operations by tag, in the spec's order, then the
/// other commands.
fn grouped_commands(root: &Command) -> String {
    let mut groups: Vec<(&str, Vec<(String, String)>)> = Vec::new();
    for info in operations::ALL {
        let tag = info.tags().first().copied().unwrap_or("Operations");
        let entry = (
            command_name(info),
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
                "api" | "webhook" | "onboarding" | "completion"
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
