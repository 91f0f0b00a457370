//! One command per operation of the library's table: its flags from the parameters and the
//! body's properties, its call made from data (`Client::call`), which the library checks (the
//! body's types as well as its names) before anything is sent; `--all` walks a list's pages.

use super::flags::{Target, flags, help_text, value_of, with_kind};
use super::words::{self, Given};
use crate::client::Hub;
use crate::exit;
use crate::output::{Out, Progress};
use crate::usage::{Outcome, Usage};
use clap::{Arg, ArgAction, ArgMatches, Command};
use d360_partner::operations::{BodyKind, OperationInfo, Page, ParameterInfo};
use d360_partner::{Client, DynamicCall};
use futures_util::StreamExt;
use heck::ToKebabCase;
use serde_json::{Map, Value};
use std::process::ExitCode;

/// The page size of `--all` unless `--page-size` says otherwise.
const DEFAULT_PAGE_SIZE: u32 = 100;

/// The command of an operation: `get_partner` → `get-partner`.
pub fn command_name(info: &OperationInfo) -> String {
    info.id().to_kebab_case()
}

pub fn command(info: &'static OperationInfo) -> Command {
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
                    arg = arg.env(super::PARTNER_ID);
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
                "The JSON request body: inline (`{...}`), from FILE, or from stdin (`-`); a flag above overrides its field. Give this, or at least one flag above"
            }
            false => {
                "The JSON request body (required): inline (`{...}`), from FILE, or from stdin (`-`)"
            }
        };
        command = command.arg(
            Arg::new("body")
                .long("body")
                .value_name("JSON|FILE|-")
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
    crate::client::with_hub_flags(command)
}

/// What an operation's flags give: its parameters' values and its body.
struct Inputs {
    parameters: Vec<(&'static ParameterInfo, Value)>,
    body: Option<Value>,
    /// `--all`, with the page size.
    walk: Option<u32>,
}

/// Calls the operation `info` as `matches` says.
pub async fn run(info: &'static OperationInfo, matches: &ArgMatches) -> Outcome {
    let inputs = inputs(info, matches)?;
    let hub = match Hub::from(matches)? {
        Ok(hub) => hub,
        Err(code) => return Ok(code),
    };
    // Checked before the credentials are needed: bad input is a usage error with or without
    // them.
    let checking = hub.checking()?;
    let shown = match call(&checking, info, &inputs).dry_run() {
        Ok(shown) => shown,
        Err(error) => return refused(&error, info),
    };
    if hub.dry_run {
        return Ok(super::print_dry_run(shown));
    }
    let client = match hub.sending() {
        Ok(client) => client,
        Err(code) => return Ok(code),
    };
    let call = call(&client, info, &inputs);
    Ok(match inputs.walk {
        Some(_) => all_items(call, matches.get_flag("ndjson")).await,
        None => super::answered(call.send().await),
    })
}

/// The call `inputs` make on `client`.
fn call(client: &Client, info: &'static OperationInfo, inputs: &Inputs) -> DynamicCall {
    let mut call = client.call(info);
    for (parameter, value) in &inputs.parameters {
        call = call.parameter_in(parameter.location(), parameter.name(), value.clone());
    }
    if let Some(body) = &inputs.body {
        call = call.body(body);
    }
    if let (Some(size), Some(list)) = (inputs.walk, info.list()) {
        let limit = list.limit_parameter();
        call = call.parameter_in(limit.location(), limit.name(), size.into());
    }
    call
}

/// A request the library refused before sending: a usage error in the command line's words
/// when it has them, else the library's message (exit 2).
fn refused(error: &d360_partner::Error, info: &'static OperationInfo) -> Outcome {
    let properties: Vec<&str> = info.body_properties().iter().map(|p| p.name()).collect();
    let command = command_name(info);
    let given = Given {
        command: &command,
        path: None,
        path_params: &[],
        properties: &properties,
    };
    match words::usage(error, &given) {
        Some(usage) => Err(usage),
        None => Ok(exit::fail(error)),
    }
}

/// The values of `info`'s command line in `matches`.
fn inputs(info: &'static OperationInfo, matches: &ArgMatches) -> Result<Inputs, Usage> {
    let mut parameters = Vec::new();
    let mut properties = Map::new();
    for flag in flags(info) {
        let Some(value) = value_of(matches, &flag) else {
            continue;
        };
        // `--partner-id` from a variable exported without its value (the library would call it
        // an empty path parameter).
        if matches.value_source(&flag.id) == Some(clap::parser::ValueSource::EnvVariable)
            && value.as_str().is_some_and(|text| text.trim().is_empty())
        {
            return Err(Usage::new(format!(
                "{} is set but empty: set it to the partner's id, or give --{}",
                super::PARTNER_ID,
                flag.id
            )));
        }
        match flag.target {
            Target::Parameter(parameter) => parameters.push((parameter, value)),
            Target::Property(property) => {
                properties.insert(property.name().to_string(), value);
            }
        }
    }
    let given = match matches.try_get_one::<String>("body").ok().flatten() {
        Some(source) => Some(crate::input::json(source, "--body").map_err(Usage::new)?),
        None => None,
    };
    let body = super::body::merged(given, properties).map_err(Usage::new)?;
    // A command that takes a body and was given none would send a request that means nothing
    // (a PATCH without fields, say), even where the spec lets the body be left out.
    if body.is_none() && info.body() != BodyKind::None {
        let fields: Vec<String> = flags(info)
            .into_iter()
            .filter(|flag| matches!(flag.target, Target::Property(_)))
            .map(|flag| format!("--{}", flag.id))
            .collect();
        let command = command_name(info);
        return Err(Usage::new(match fields.is_empty() {
            true => {
                format!("`{command}` needs a request body: give --body JSON, FILE or - (stdin)")
            }
            false => format!(
                "`{command}` needs a request body: give at least one of its fields ({}), or --body JSON, FILE or - (stdin)",
                fields.join(", ")
            ),
        }));
    }
    let walk = (matches.try_get_one::<bool>("all").ok().flatten() == Some(&true)).then(|| {
        matches
            .get_one::<u32>("page-size")
            .copied()
            .unwrap_or(DEFAULT_PAGE_SIZE)
    });
    Ok(Inputs {
        parameters,
        body,
        walk,
    })
}

/// `--all`: every item of every page, written as the pages arrive; what came before a failure
/// stays valid JSON.
async fn all_items(call: DynamicCall, ndjson: bool) -> ExitCode {
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
