//! What a command line asks to send: an operation's parameter values and body from its flags,
//! a raw request's pieces from `api`'s arguments, the hub's base URL. Input that cannot make a
//! request is a usage error naming what was wrong, in the command line's terms (its flags and
//! variables): the library's own messages name its methods, so what the command line can say
//! better it checks here first.

use crate::commands::{Flag, Parsed, Target, flags, item_kind};
use clap::ArgMatches;
use d360_partner::env::{API_KEY, BASE_URL, BEARER_TOKEN, PARTNER_ID, PASSWORD, USERNAME};
use d360_partner::operations::{BodyKind, OperationInfo, ParameterInfo};
use d360_partner::{Method, Url};
use serde_json::{Map, Value};

/// The values the flags gave, by parameter, and the body.
pub struct Inputs {
    pub parameters: Vec<(&'static ParameterInfo, Value)>,
    pub body: Option<Value>,
}

/// The values of `info`'s command line in `matches`.
pub fn operation_inputs(
    info: &'static OperationInfo,
    matches: &ArgMatches,
) -> Result<Inputs, String> {
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
            return Err(format!(
                "{PARTNER_ID} is set but empty: set it to the partner's id, or give --{}",
                flag.id
            ));
        }
        match flag.target {
            Target::Parameter(parameter) => parameters.push((parameter, value)),
            Target::Property(property) => {
                properties.insert(property.name().to_string(), value);
            }
        }
    }
    let from_file = match matches.try_get_one::<String>("body").ok().flatten() {
        Some(source) => Some(read_json(source)?),
        None => None,
    };
    let body = match (from_file, properties.is_empty()) {
        (None, true) => None,
        (None, false) => Some(Value::Object(properties)),
        (Some(Value::Object(mut fields)), _) => {
            fields.extend(properties);
            Some(Value::Object(fields))
        }
        (Some(other), true) => Some(other),
        (Some(_), false) => {
            return Err(
                "the --body is not a JSON object, so property flags cannot set fields of it".into(),
            );
        }
    };
    if let Some(Value::Object(fields)) = &body {
        let known = info.body_properties();
        if !known.is_empty()
            && let Some(unknown) = fields
                .keys()
                .find(|key| !known.iter().any(|p| p.name() == *key))
        {
            let names: Vec<&str> = known.iter().map(|p| p.name()).collect();
            return Err(format!(
                "the body has `{unknown}`, which the request body of `{}` does not have (it has: {})",
                crate::commands::command_name(info),
                names.join(", ")
            ));
        }
    }
    // A command that takes a body and was given none would send a request that means nothing
    // (a PATCH without fields, say), even where the spec lets the body be left out.
    if body.is_none() && info.body() != BodyKind::None {
        let fields: Vec<String> = flags(info)
            .into_iter()
            .filter(|flag| matches!(flag.target, Target::Property(_)))
            .map(|flag| format!("--{}", flag.id))
            .collect();
        let command = crate::commands::command_name(info);
        return Err(match fields.is_empty() {
            true => format!("`{command}` needs a request body: give --body FILE (- for stdin)"),
            false => format!(
                "`{command}` needs a request body: give at least one of its fields ({}), or --body FILE (- for stdin)",
                fields.join(", ")
            ),
        });
    }
    Ok(Inputs { parameters, body })
}

/// A flag's value as JSON, as its kind says (through the type its flag parses into).
fn value_of(matches: &ArgMatches, flag: &Flag) -> Option<Value> {
    let (item, repeated) = item_kind(flag.kind());
    let values: Vec<Value> = match Parsed::of(item) {
        Parsed::Integer => values::<i64>(matches, &flag.id),
        Parsed::Number => values::<f64>(matches, &flag.id),
        Parsed::Boolean => values::<bool>(matches, &flag.id),
        Parsed::Json => values::<Value>(matches, &flag.id),
        Parsed::Text => values::<String>(matches, &flag.id),
    }?;
    match repeated {
        true => Some(Value::Array(values)),
        false => values.into_iter().next(),
    }
}

fn values<T: Clone + Send + Sync + Into<Value> + 'static>(
    matches: &ArgMatches,
    id: &str,
) -> Option<Vec<Value>> {
    matches
        .get_many::<T>(id)
        .map(|values| values.cloned().map(Into::into).collect())
}

/// JSON from a file, or from stdin for `-`.
pub fn read_json(source: &str) -> Result<Value, String> {
    read_json_flag(source, "--body")
}

/// JSON from a file, or from stdin for `-`, given by `flag` (for the messages).
pub fn read_json_flag(source: &str, flag: &str) -> Result<Value, String> {
    let text = if source == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("{flag} -: cannot read stdin: {e}"))?;
        text
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| format!("{flag} {source}: cannot read it: {e}"))?
    };
    serde_json::from_str(&text).map_err(|e| format!("{flag} {source}: not JSON: {e}"))
}

/// `NAME=VALUE` pairs of `api`'s `-q` and `-p`.
pub fn pairs(matches: &ArgMatches, id: &str, flag: &str) -> Result<Vec<(String, String)>, String> {
    matches
        .get_many::<String>(id)
        .into_iter()
        .flatten()
        .map(|pair| {
            pair.split_once('=')
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .ok_or_else(|| format!("{flag} `{pair}`: expected NAME=VALUE"))
        })
        .collect()
}

/// What `d360 api METHOD PATH` sends.
pub struct RawInputs {
    pub method: Method,
    pub path: String,
    pub path_params: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

/// The request `api`'s arguments describe: the path checked as the command line can say it (its
/// `-q` and `-p`), `{partner_id}` filled from `D360_PARTNER_ID` unless `-p partner_id=` is given.
/// What is left (an absolute URL, a `..` segment, an unbalanced brace, a control character,
/// an empty value) the library refuses, in words that name no method.
pub fn raw_inputs(matches: &ArgMatches) -> Result<RawInputs, String> {
    // One of `commands::API_METHODS`, in any case (clap checked it).
    let text = matches.get_one::<String>("method").expect("required");
    let method = Method::from_bytes(text.to_ascii_uppercase().as_bytes())
        .expect("each of API_METHODS is a method");
    let path = matches.get_one::<String>("path").expect("required").clone();
    let query = pairs(matches, "query", "-q")?;
    let mut path_params = pairs(matches, "path-param", "-p")?;
    let body = matches
        .get_one::<String>("body")
        .map(|source| read_json(source))
        .transpose()?;
    // A path on the base URL; anything else is the library's to refuse.
    if path.starts_with('/') && !path.starts_with("//") {
        check_raw_path(&path)?;
        if let Some(placeholders) = placeholders(&path) {
            fill_placeholders(&path, &placeholders, &mut path_params)?;
        }
    }
    Ok(RawInputs {
        method,
        path,
        path_params,
        query,
        body,
    })
}

/// A raw path holds no query, no fragment, and only characters a path holds as written.
fn check_raw_path(path: &str) -> Result<(), String> {
    // As the messages show it: a control character escaped, not printed.
    let shown = path.escape_debug();
    if let Some(at) = path.find(['?', '#']) {
        let refused = path[at..].escape_debug();
        return Err(match path[at..].starts_with('?') {
            true => format!(
                "the path `{shown}` holds a query (`{refused}`): give each query parameter with -q name=value"
            ),
            false => format!(
                "the path `{shown}` holds a fragment (`{refused}`), which is never sent: leave it out"
            ),
        });
    }
    let mut in_placeholder = false;
    for c in path.chars() {
        match c {
            '{' => in_placeholder = true,
            '}' => in_placeholder = false,
            // Control characters are the library's to name.
            c if in_placeholder || c == '/' || c.is_control() || is_path_character(c) => {}
            c => {
                return Err(format!(
                    "the path `{shown}` holds {c:?}, which a path cannot hold as written: put the value in a {{placeholder}} and give it with -p name=value, which encodes it"
                ));
            }
        }
    }
    Ok(())
}

/// Characters a literal part of a path may hold as written (RFC 3986 `pchar` without `%`),
/// as the library has them.
fn is_path_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

/// The names of the path's `{placeholders}`; `None` when its braces do not pair up (the
/// library names that).
fn placeholders(path: &str) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        let after = rest[open..].strip_prefix('{')?;
        let close = after
            .find('}')
            .filter(|&close| !after[..close].contains('{'))?;
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    Some(names)
}

/// Each `-p` names a placeholder of the path, and each placeholder has a value: `{partner_id}`
/// from `D360_PARTNER_ID` when no `-p partner_id=` gives it.
fn fill_placeholders(
    path: &str,
    placeholders: &[&str],
    path_params: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let shown = path.escape_debug();
    if let Some((name, value)) = path_params
        .iter()
        .find(|(name, _)| !placeholders.contains(&name.as_str()))
    {
        let (name, value) = (name.escape_debug(), value.escape_debug());
        let known = match placeholders.is_empty() {
            true => "it has none".to_string(),
            false => {
                let names: Vec<String> = placeholders
                    .iter()
                    .map(|n| format!("{{{}}}", n.escape_debug()))
                    .collect();
                format!("it has {}", names.join(", "))
            }
        };
        return Err(format!(
            "-p {name}={value}: the path `{shown}` has no {{{name}}} (-p name=value fills the path's {{name}}; {known})"
        ));
    }
    let given = |name: &str, params: &[(String, String)]| params.iter().any(|(n, _)| n == name);
    if placeholders.contains(&"partner_id")
        && !given("partner_id", path_params)
        && let Ok(partner_id) = std::env::var(PARTNER_ID)
    {
        if partner_id.trim().is_empty() {
            return Err(format!(
                "the path `{shown}` has {{partner_id}}, and {PARTNER_ID} is set but empty: set it to the partner's id, or give -p partner_id=VALUE"
            ));
        }
        path_params.push(("partner_id".into(), partner_id));
    }
    if let Some(name) = placeholders.iter().find(|name| !given(name, path_params)) {
        let or_variable = match *name {
            "partner_id" => format!(", or set {PARTNER_ID}"),
            _ => String::new(),
        };
        return Err(format!(
            "the path `{shown}` has {{{}}}: give -p {}=VALUE{or_variable}",
            name.escape_debug(),
            name.escape_debug()
        ));
    }
    Ok(())
}

/// The hub's base URL: `--base-url`, else `D360_PARTNER_BASE_URL`, else `None` (the library's
/// default), checked as the command line can say it. The command line has no way to send
/// credentials over plain http to another machine, and none to put them in a URL; a message
/// names a URL by its origin only (its user info, path or query could hold a secret).
pub fn base_url(matches: &ArgMatches) -> Result<Option<String>, String> {
    // How a message names where the URL came from: `--base-url URL`, `D360_PARTNER_BASE_URL=URL`.
    let (source, url) = match matches.get_one::<String>("base-url") {
        Some(url) => ("--base-url ".to_string(), url.clone()),
        None => match std::env::var(BASE_URL) {
            Ok(url) if url.trim().is_empty() => {
                return Err(format!(
                    "{BASE_URL} is set but empty: unset it for the default hub, or set the hub's https:// URL"
                ));
            }
            Ok(url) => (format!("{BASE_URL}="), url),
            Err(_) => return Ok(None),
        },
    };
    // A URL that does not parse, or of another scheme: the library says so, naming no method.
    let Ok(parsed) = Url::parse(&url) else {
        return Ok(Some(url));
    };
    let origin = parsed.origin().ascii_serialization();
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "{source}{}: credentials in the URL are not taken; they come from the environment only: set {API_KEY} (or {BEARER_TOKEN}, or {USERNAME} and {PASSWORD})",
            origin.replacen("://", "://…@", 1)
        ));
    }
    if parsed.scheme() == "http" && !is_this_machine(&parsed) {
        return Err(format!(
            "{source}{origin}: plain http:// is allowed only for this machine (localhost, 127.0.0.1, [::1]); credentials would cross the network unencrypted, so give the hub's https:// URL"
        ));
    }
    Ok(Some(url))
}

/// Whether the URL's host is this machine: `localhost`, `127.0.0.0/8` or `::1`, as the
/// library allows plain http for.
fn is_this_machine(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The command line checks a few things the library checks too, to say them in its own terms;
/// these pin the two to the same answers, so they cannot drift apart.
#[cfg(test)]
mod tests {
    use super::*;
    use d360_partner::{Client, Method};

    fn client(base_url: &str) -> d360_partner::Result<Client> {
        Client::builder().api_key("k").base_url(base_url).build()
    }

    #[test]
    fn a_path_character_is_one_the_library_sends_as_written() {
        let client = client("http://127.0.0.1:9").unwrap();
        for c in (' '..='~').filter(|c| !"?#{}/".contains(*c)) {
            let library = client
                .request(Method::GET, format!("/a{c}b"))
                .dry_run()
                .is_ok();
            assert_eq!(is_path_character(c), library, "{c:?}");
            assert_eq!(check_raw_path(&format!("/a{c}b")).is_ok(), library, "{c:?}");
        }
    }

    #[test]
    fn this_machine_is_where_the_library_allows_plain_http() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "example.com",
            "10.0.0.1",
            "[::2]",
            "localhost.example",
            "0.0.0.0",
        ] {
            let url = format!("http://{host}:9");
            let library = client(&url).is_ok();
            assert_eq!(
                is_this_machine(&Url::parse(&url).unwrap()),
                library,
                "{host}"
            );
        }
    }
}
