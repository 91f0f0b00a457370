//! What a command line asks to send: an operation's parameter values and body from its flags,
//! a raw request's pieces from `api`'s arguments. Input that cannot make a request is a usage
//! error naming what was wrong.

use crate::commands::{Flag, Parsed, Target, flags, item_kind};
use clap::ArgMatches;
use d360_partner::operations::{BodyKind, OperationInfo, ParameterInfo};
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
