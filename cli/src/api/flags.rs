//! The flags of an operation's command, from the library's table: one per parameter and per
//! top-level scalar property of the request body, each parsed as the value's kind says (an
//! enum's values offered, an array's flag repeatable, an object as JSON text).

use clap::builder::{PossibleValuesParser, ValueParser};
use clap::{Arg, ArgAction, ArgMatches};
use d360_partner::operations::{BodyKind, Kind, OperationInfo, ParameterInfo, PropertyInfo};
use heck::ToKebabCase;
use serde_json::Value;

/// Flags every operation command (or a list command) has, which a parameter's flag must not
/// take.
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

/// A parameter's help: the spec's description, then where the value goes.
pub fn help_text(description: Option<&str>, place: &str) -> String {
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
pub fn with_kind(arg: Arg, kind: Kind) -> Arg {
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

/// A flag's value as JSON, as its kind says (through the type its flag parses into).
pub fn value_of(matches: &ArgMatches, flag: &Flag) -> Option<Value> {
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
