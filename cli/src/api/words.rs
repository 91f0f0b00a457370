//! A request the library refused before sending, said in the command line's terms: the flag
//! (`-p`, `-q`, `-H`, `--body`) or the path as typed, and what to give instead. The rules are the
//! library's (its typed causes); here they are only worded. A cause without words of its own here
//! is shown as the library says it.

use super::PARTNER_ID;
use crate::usage::Usage;
use d360_partner::PathTemplate;
use d360_partner::error::{
    BodyMismatch, HeaderError, HeaderProblem, PathTemplateError, PathValueProblem, RequestCause,
    ReservedHeader,
};
use d360_partner::{ErrorKind, env};

/// What a request was made of, for the words.
pub struct Given<'a> {
    /// The command (`patch-partner`, `api`).
    pub command: &'a str,
    /// `api`'s path, as typed.
    pub path: Option<&'a str>,
    /// `api`'s `-p NAME=VALUE`s.
    pub path_params: &'a [(String, String)],
    /// The body properties the operation has (for an unknown one).
    pub properties: &'a [&'a str],
}

/// The usage error for `error`, when it is a refused request the command line has words for.
pub fn usage(error: &d360_partner::Error, given: &Given<'_>) -> Option<Usage> {
    let ErrorKind::InvalidRequest(refused) = error.kind() else {
        return None;
    };
    let shown = || given.path.unwrap_or_default().escape_debug().to_string();
    let message = match refused.cause() {
        RequestCause::Path(PathTemplateError::QueryOrFragment { character }) => {
            let path = given.path.unwrap_or_default();
            let rest = &path[path.find(*character).unwrap_or(0)..];
            match character {
                '?' => format!(
                    "the path `{}` holds a query (`{}`): give each query parameter with -q name=value",
                    shown(),
                    rest.escape_debug()
                ),
                _ => format!(
                    "the path `{}` holds a fragment (`{}`), which is never sent: leave it out",
                    shown(),
                    rest.escape_debug()
                ),
            }
        }
        RequestCause::Path(PathTemplateError::Character { character }) => format!(
            "the path `{}` holds {character:?}, which a path cannot hold as written: put the value in a {{placeholder}} and give it with -p name=value, which encodes it",
            shown()
        ),
        RequestCause::UnknownPlaceholder { name } => {
            let value = given
                .path_params
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, v)| v.as_str());
            let placeholders: Vec<String> = given
                .path
                .and_then(|path| PathTemplate::parse(path).ok())
                .map(|template| {
                    template
                        .placeholders()
                        .map(|p| format!("{{{p}}}"))
                        .collect()
                })
                .unwrap_or_default();
            let known = match placeholders.is_empty() {
                true => "it has none".to_string(),
                false => format!("it has {}", placeholders.join(", ")),
            };
            format!(
                "-p {}={}: the path `{}` has no {{{}}} (-p name=value fills the path's {{name}}; {known})",
                name.escape_debug(),
                value.escape_debug(),
                shown(),
                name.escape_debug()
            )
        }
        RequestCause::PathValue(refused) if given.path.is_some() => match &refused.problem {
            PathValueProblem::Unset => {
                let or_variable = match refused.name.as_str() {
                    "partner_id" => format!(", or set {PARTNER_ID}"),
                    _ => String::new(),
                };
                format!(
                    "the path `{}` has {{{name}}}: give -p {name}=VALUE{or_variable}",
                    shown(),
                    name = refused.name.escape_debug()
                )
            }
            _ => format!("-p {}: {refused}", refused.name.escape_debug()),
        },
        RequestCause::Header(refused) => header(refused),
        RequestCause::QueryControlCharacter { name, character } => format!(
            "-q {}: it holds the control character {character:?}",
            name.escape_debug()
        ),
        RequestCause::Body(mismatch) => body(mismatch, given),
        _ => return None,
    };
    Some(Usage::new(message))
}

/// A header `-H` cannot send, and why, in the command line's terms.
fn header(refused: &HeaderError) -> String {
    let name = refused.name.escape_debug();
    let why = match refused.problem {
        HeaderProblem::Reserved(ReservedHeader::Credential) => format!(
            "the credential is the client's own, from {} (or {}, or {} and {})",
            env::API_KEY,
            env::BEARER_TOKEN,
            env::USERNAME,
            env::PASSWORD
        ),
        HeaderProblem::Reserved(ReservedHeader::ProxyCredential) => {
            "a proxy's credential goes in the proxy's URL (HTTPS_PROXY), not in a request".into()
        }
        HeaderProblem::Reserved(ReservedHeader::UserAgent) => {
            "d360 names itself in it, as the client does".into()
        }
        HeaderProblem::Reserved(_) => "the HTTP layer writes it".into(),
        HeaderProblem::NameControlCharacter(c) | HeaderProblem::ValueControlCharacter(c) => {
            format!("it holds the control character {c:?}, which would end the header early")
        }
        HeaderProblem::InvalidName => "it is not a header name".into(),
        HeaderProblem::InvalidValue => "its value holds a character a header cannot hold".into(),
        _ => refused.to_string(),
    };
    format!("-H {name}: {why}")
}

/// A body the operation does not take, in the command line's terms.
fn body(mismatch: &BodyMismatch, given: &Given<'_>) -> String {
    let command = given.command;
    match mismatch {
        BodyMismatch::UnknownProperty { name } => format!(
            "the body has `{name}`, which the request body of `{command}` does not have (it has: {})",
            given.properties.join(", ")
        ),
        BodyMismatch::NotAnObject { found } => {
            format!("the body is {found}, where `{command}` takes a JSON object")
        }
        BodyMismatch::Invalid {
            path: Some(path),
            message,
        } => format!("the body's `{path}` is not what `{command}` takes: {message}"),
        BodyMismatch::Invalid {
            path: None,
            message,
        } => format!("the body is not what `{command}` takes: {message}"),
        other => other.to_string(),
    }
}
