//! `d360 api METHOD PATH`: any other call, as a raw request of the library (`Client::request`):
//! `-p` fills the path's placeholders (`{partner_id}` from `D360_PARTNER_ID` unless given), `-q`
//! adds query parameters, `-H` headers, `--body` a body; `-i` prints the status line and the
//! headers before the body. What the library refuses (a path that is none on the base URL, a
//! header the client keeps to itself) is said in these flags' terms.

use super::words::{self, Given};
use crate::client::Hub;
use crate::exit;
use crate::usage::{Outcome, Usage};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use d360_partner::{Client, Method, PathTemplate, RawRequest, RawResponse};
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;

/// The methods `d360 api` sends: those of the Partner API. (HEAD and OPTIONS answer no JSON to
/// print; a method the hub does not know is a typo.)
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

pub fn command() -> Command {
    let command = Command::new("api")
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
                .value_parser(PossibleValuesParser::new(METHODS))
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
                    "The value of the path's {{NAME}} (repeatable); {{partner_id}} defaults to {}",
                    super::PARTNER_ID
                )),
        )
        .arg(
            Arg::new("header")
                .short('H')
                .long("header")
                .value_name("'NAME: VALUE'")
                .action(ArgAction::Append)
                .help("A request header (repeatable); not the credential, Host, User-Agent or the connection's"),
        )
        .arg(
            Arg::new("include")
                .short('i')
                .long("include")
                .action(ArgAction::SetTrue)
                .help("Print the answer's status line and headers before its body"),
        )
        .arg(
            Arg::new("body")
                .long("body")
                .value_name("JSON|FILE|-")
                .help("The JSON request body: inline (`{...}`), from FILE, or from stdin (`-`)"),
        );
    crate::client::with_hub_flags(command)
}

/// What `d360 api METHOD PATH` sends.
struct Inputs {
    method: Method,
    path: String,
    path_params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

/// `d360 api`.
pub async fn run(matches: &ArgMatches) -> Outcome {
    let inputs = inputs(matches)?;
    let hub = match Hub::from(matches)? {
        Ok(hub) => hub,
        Err(code) => return Ok(code),
    };
    // Checked before the credentials are needed: bad input is a usage error with or without
    // them.
    let checking = hub.checking()?;
    let shown = match request(&checking, &inputs).dry_run() {
        Ok(shown) => shown,
        Err(error) => {
            let given = Given {
                command: "api",
                path: Some(&inputs.path),
                path_params: &inputs.path_params,
                properties: &[],
            };
            return match words::usage(&error, &given) {
                Some(usage) => Err(usage),
                None => Ok(exit::fail(&error)),
            };
        }
    };
    if hub.dry_run {
        return Ok(super::print_dry_run(shown));
    }
    let client = match hub.sending() {
        Ok(client) => client,
        Err(code) => return Ok(code),
    };
    let request = request(&client, &inputs);
    if !matches.get_flag("include") {
        return Ok(super::answered(request.send::<Value>().await));
    }
    Ok(match request.send_raw().await {
        Ok(answer) => included(answer),
        Err(error) => exit::fail(&error),
    })
}

/// The request `inputs` make on `client`.
fn request(client: &Client, inputs: &Inputs) -> RawRequest {
    let mut request = client.request(inputs.method.clone(), &inputs.path);
    for (name, value) in &inputs.path_params {
        request = request.path_param(name, value);
    }
    for (name, value) in &inputs.query {
        request = request.query(name, value);
    }
    for (name, value) in &inputs.headers {
        request = request.header(name, value);
    }
    if let Some(body) = &inputs.body {
        request = request.json(body);
    }
    request
}

/// `-i`: the status line and the headers, a blank line, then the body as it came; the exit code
/// is the answer's, as without `-i`.
fn included(answer: RawResponse) -> ExitCode {
    let status = answer.status();
    let mut head = format!(
        "HTTP/1.1 {} {}\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    );
    for (name, value) in answer.headers() {
        head.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(head.as_bytes());
    let _ = stdout.write_all(b"\n");
    let _ = stdout.write_all(answer.bytes());
    if !answer.bytes().ends_with(b"\n") && !answer.bytes().is_empty() {
        let _ = stdout.write_all(b"\n");
    }
    let _ = stdout.flush();
    match answer.error_for_status() {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => ExitCode::from(exit::code(&error)),
    }
}

/// `NAME=VALUE` pairs of `-q` and `-p`.
fn pairs(matches: &ArgMatches, id: &str, flag: &str) -> Result<Vec<(String, String)>, Usage> {
    matches
        .get_many::<String>(id)
        .into_iter()
        .flatten()
        .map(|pair| {
            pair.split_once('=')
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .ok_or_else(|| Usage::new(format!("{flag} `{pair}`: expected NAME=VALUE")))
        })
        .collect()
}

/// The request `api`'s arguments describe, `{partner_id}` filled from `D360_PARTNER_ID` when
/// the path has it and no `-p partner_id=` gives it.
fn inputs(matches: &ArgMatches) -> Result<Inputs, Usage> {
    // One of `METHODS`, in any case (clap checked it).
    let text = matches.get_one::<String>("method").expect("required");
    let method = Method::from_bytes(text.to_ascii_uppercase().as_bytes())
        .expect("each of METHODS is a method");
    let path = matches.get_one::<String>("path").expect("required").clone();
    let query = pairs(matches, "query", "-q")?;
    let mut path_params = pairs(matches, "path-param", "-p")?;
    let headers = matches
        .get_many::<String>("header")
        .into_iter()
        .flatten()
        .map(|header| {
            header
                .split_once(':')
                .map(|(name, value)| (name.trim().to_string(), value.trim_start().to_string()))
                .ok_or_else(|| {
                    Usage::new(format!(
                        "-H `{}`: expected 'NAME: VALUE'",
                        header.escape_debug()
                    ))
                })
        })
        .collect::<Result<_, _>>()?;
    let body = matches
        .get_one::<String>("body")
        .map(|source| crate::input::json(source, "--body"))
        .transpose()
        .map_err(Usage::new)?;
    let has_partner_id =
        PathTemplate::parse(&path).is_ok_and(|template| template.has_placeholder("partner_id"));
    if has_partner_id
        && !path_params.iter().any(|(name, _)| name == "partner_id")
        && let Ok(partner_id) = std::env::var(super::PARTNER_ID)
    {
        if partner_id.trim().is_empty() {
            return Err(Usage::new(format!(
                "the path `{}` has {{partner_id}}, and {} is set but empty: set it to the partner's id, or give -p partner_id=VALUE",
                path.escape_debug(),
                super::PARTNER_ID
            )));
        }
        path_params.push(("partner_id".into(), partner_id));
    }
    Ok(Inputs {
        method,
        path,
        path_params,
        query,
        headers,
        body,
    })
}
