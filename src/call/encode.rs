//! How parameter values travel: as text in a path segment or header, or as `name=value` pairs
//! in the query, by their OpenAPI style (`form`, `spaceDelimited`, `pipeDelimited`, or JSON)
//! and `explode`.

use crate::vocabulary::Style;
use serde_json::Value;

/// A scalar as text; anything else as JSON text.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as one text: an array's items joined by `separator`, JSON text for `Style::Json`.
pub(crate) fn joined(value: &Value, style: Style, separator: &str) -> String {
    match (style, value) {
        (Style::Json, value) => value.to_string(),
        (_, Value::Array(items)) => items.iter().map(text).collect::<Vec<_>>().join(separator),
        (_, value) => text(value),
    }
}

/// Appends `name=value` to a query string, the name encoded here, the value's pieces as given.
pub(crate) fn append_pair<'a>(
    query: &mut String,
    name: &str,
    encoded_value: impl Iterator<Item = &'a str>,
) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(form_urlencoded::byte_serialize(name.as_bytes()));
    query.push('=');
    query.extend(encoded_value);
}

/// Appends `name=value` pairs to a query string: an array as one pair per item when exploded,
/// else one pair with the items joined by the style's separator (itself not encoded).
pub(crate) fn append_query(
    query: &mut String,
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
) {
    let mut pair = |value: &str| append_pair(query, name, std::iter::once(value));
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    match (value, style) {
        (Value::Array(items), Style::Form) if explode => {
            for item in items {
                pair(&encode(&text(item)));
            }
        }
        (Value::Array(items), Style::Form | Style::SpaceDelimited | Style::PipeDelimited) => {
            if items.is_empty() {
                return;
            }
            let separator = match style {
                Style::SpaceDelimited => "%20",
                Style::PipeDelimited => "|",
                _ => ",",
            };
            let items: Vec<String> = items.iter().map(|item| encode(&text(item))).collect();
            pair(&items.join(separator));
        }
        (value, style) => pair(&encode(&joined(value, style, ","))),
    }
}
