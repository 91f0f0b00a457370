//! A request as a builder assembles it, and its encoding into method, URL, headers and body: for
//! an operation of the table, path parameters percent-encoded into their segment and query
//! parameters by their `style` and `explode`; for a raw request ([`Client::request`]), its path
//! template filled the same way (`raw.rs` checks it first). One encoder serves every operation
//! and every raw request; the generated builders only hand it values.
//!
//! [`Client::request`]: crate::Client::request

use crate::error::{Error, Result};
use crate::operation::{BodyKind, Location, OperationInfo, Style};
use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The values a request builder was given, not yet encoded.
#[derive(Clone)]
pub(crate) struct Request {
    target: Target,
    /// One slot per parameter of the operation, in its order (none for a raw request).
    values: Vec<Option<Value>>,
    body: Option<Bytes>,
    /// Headers beyond the spec's parameters, checked by `raw.rs` before they get here.
    extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// The first value that could not be serialized: reported by `send()`, before sending.
    problem: Option<String>,
}

/// What a request addresses.
#[derive(Clone, Debug)]
enum Target {
    /// An operation of the generated table.
    Operation(&'static OperationInfo),
    /// A method and path the table does not have (boxed: the operation case is the hot one).
    Raw(Box<RawTarget>),
}

/// A raw request's method, path template and the values for it, as given.
#[derive(Clone, Debug)]
pub(crate) struct RawTarget {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) path_values: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    /// The path as errors and `Debug` may show it (no user info or query: they may hold a
    /// secret).
    pub(crate) shown: String,
}

/// A request encoded and checked, ready to be sent (and sent again on a retry). It holds no
/// credential: those go on each attempt's copy.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
}

/// What a raw request's tracing span and errors call it.
pub(crate) const RAW_REQUEST: &str = "request";

impl Request {
    pub(crate) fn new(info: &'static OperationInfo) -> Request {
        Request {
            target: Target::Operation(info),
            values: vec![None; info.parameters.len()],
            body: None,
            extra_headers: Vec::new(),
            problem: None,
        }
    }

    /// A request for `method` and the path template `path` (`/api/v2/x/{id}`), which errors
    /// show as `shown`. Only `raw.rs` makes these, and checks them before they are sent.
    pub(crate) fn raw(method: Method, path: String, shown: String) -> Request {
        Request {
            target: Target::Raw(Box::new(RawTarget {
                method,
                path,
                path_values: Vec::new(),
                query: Vec::new(),
                shown,
            })),
            values: Vec::new(),
            body: None,
            extra_headers: Vec::new(),
            problem: None,
        }
    }

    /// The HTTP method.
    pub(crate) fn method(&self) -> &Method {
        match &self.target {
            Target::Operation(info) => &info.method,
            Target::Raw(raw) => &raw.method,
        }
    }

    /// The operation's id, or [`RAW_REQUEST`].
    pub(crate) fn name(&self) -> &'static str {
        match &self.target {
            Target::Operation(info) => info.id,
            Target::Raw(_) => RAW_REQUEST,
        }
    }

    /// The operation this request calls; `None` for a raw request.
    pub(crate) fn operation(&self) -> Option<&'static OperationInfo> {
        match &self.target {
            Target::Operation(info) => Some(info),
            Target::Raw(_) => None,
        }
    }

    /// Sets the parameter at `index` of the operation's table.
    pub(crate) fn set<T: Serialize + ?Sized>(&mut self, index: usize, value: &T) {
        match serde_json::to_value(value) {
            Ok(value) => self.values[index] = Some(value),
            Err(e) => {
                let name = self
                    .operation()
                    .map_or("", |info| info.parameters[index].name);
                self.fail(format!("parameter `{name}`: {e}"))
            }
        }
    }

    /// Sets the text parameter at `index` (no copy of the text).
    pub(crate) fn set_text(&mut self, index: usize, value: String) {
        self.values[index] = Some(Value::String(value));
    }

    /// The value of the parameter at `index`, if set.
    pub(crate) fn value(&self, index: usize) -> Option<&Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// Sets the JSON request body.
    pub(crate) fn json_body<T: Serialize + ?Sized>(&mut self, value: &T) {
        match serde_json::to_vec(value) {
            Ok(body) => self.body = Some(Bytes::from(body)),
            Err(e) => self.fail(format!("the request body cannot be serialized: {e}")),
        }
    }

    /// Sets the parameter `name` (its name on the wire) at the first of `locations` that has
    /// one, for calls made from data rather than a builder; `false` when none has.
    pub(crate) fn set_named(&mut self, locations: &[Location], name: &str, value: Value) -> bool {
        let Target::Operation(info) = self.target else {
            unreachable!("raw requests take path and query values by their own setters")
        };
        match locations
            .iter()
            .find_map(|&location| info.parameter_index(name, location))
        {
            Some(index) => {
                self.values[index] = Some(value);
                true
            }
            None => false,
        }
    }

    /// Sets the value of a raw request's `{name}` placeholder (the last one set wins).
    pub(crate) fn raw_path_value(&mut self, name: String, value: String) {
        if let Target::Raw(raw) = &mut self.target {
            match raw.path_values.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => raw.path_values.push((name, value)),
            }
        }
    }

    /// Adds a `name=value` pair to a raw request's query string.
    pub(crate) fn raw_query(&mut self, name: String, value: String) {
        if let Target::Raw(raw) = &mut self.target {
            raw.query.push((name, value));
        }
    }

    /// The method, path and values of a raw request; `None` for an operation.
    pub(crate) fn raw_target(&self) -> Option<&RawTarget> {
        match &self.target {
            Target::Raw(raw) => Some(raw),
            Target::Operation(_) => None,
        }
    }

    /// Adds a header beyond the operation's parameters (checked by `raw.rs`). The first value of
    /// a name replaces what the request would send for it (`Accept`, `Content-Type`, a header
    /// parameter); a name added again adds a value.
    pub(crate) fn header(&mut self, name: HeaderName, value: HeaderValue) {
        self.extra_headers.push((name, value));
    }

    pub(crate) fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// An [`Error::InvalidRequest`] naming this request: `get_partner: why` or
    /// `POST /api/v2/x/{id}: why`.
    pub(crate) fn refuse(&self, why: impl fmt::Display) -> Error {
        Error::InvalidRequest(match &self.target {
            Target::Operation(info) => format!("{}: {why}", info.id),
            Target::Raw(raw) => format!("{} {}: {why}", raw.method, raw.shown),
        })
    }

    /// Encodes the request against `base_url`, refusing, before anything is sent, a value that
    /// could not be serialized, a required parameter or body left unset, a path parameter that
    /// is empty, `.` or `..` (each would address another resource: `/partners/` instead of
    /// `/partners/{id}`). A raw request's path was checked by `raw.rs` when it was sent (a
    /// problem it found is this request's `problem`).
    ///
    /// It borrows the request, so a retry can encode it again instead of every call keeping a
    /// copy of what it sent.
    pub(crate) fn prepare(&self, base_url: &reqwest::Url) -> Result<Prepared> {
        if let Some(problem) = &self.problem {
            return Err(self.refuse(problem));
        }
        let mut url = base_url.clone();
        let mut headers = HeaderMap::with_capacity(3 + self.extra_headers.len());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let method = match &self.target {
            Target::Operation(info) => {
                self.check_required(info)?;
                push_path(&mut url, info.path, |name| self.path_value(info, name))
                    .map_err(|why| self.refuse(why))?;
                self.encode_parameters(info, &mut url, &mut headers)?;
                info.method.clone()
            }
            Target::Raw(raw) => {
                push_path(&mut url, &raw.path, |name| {
                    raw.path_values
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| Cow::Borrowed(v.as_str()))
                })
                .map_err(|why| self.refuse(why))?;
                let mut query = String::new();
                for (name, value) in &raw.query {
                    append_pair(
                        &mut query,
                        name,
                        form_urlencoded::byte_serialize(value.as_bytes()),
                    );
                }
                if !query.is_empty() {
                    url.set_query(Some(&query));
                }
                raw.method.clone()
            }
        };
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (n, (name, value)) in self.extra_headers.iter().enumerate() {
            // The first value of a name replaces the request's own; later ones add to it.
            if self.extra_headers[..n]
                .iter()
                .any(|(earlier, _)| earlier == name)
            {
                headers.append(name.clone(), value.clone());
            } else {
                headers.insert(name.clone(), value.clone());
            }
        }
        Ok(Prepared {
            method,
            url,
            headers,
            body: self.body.clone(),
        })
    }

    /// Every required parameter, and a required body, is set.
    fn check_required(&self, info: &OperationInfo) -> Result<()> {
        for (parameter, value) in info.parameters.iter().zip(&self.values) {
            if parameter.required && value.as_ref().is_none_or(Value::is_null) {
                return Err(self.refuse(format_args!(
                    "the required {} parameter `{}` is not set",
                    parameter.location.as_str(),
                    parameter.name
                )));
            }
        }
        if info.body == BodyKind::Required && self.body.is_none() {
            return Err(self.refuse("the required request body is not set (call `.body(..)`)"));
        }
        Ok(())
    }

    /// The text of the path parameter `name` (a string without a copy).
    fn path_value(&self, info: &OperationInfo, name: &str) -> Option<Cow<'_, str>> {
        let value = self.values[info.parameter_index(name, Location::Path)?].as_ref()?;
        Some(match value {
            Value::String(text) => Cow::Borrowed(text.as_str()),
            other => Cow::Owned(joined(other, Style::Form, ",")),
        })
    }

    /// The query and header parameters, as their style says.
    fn encode_parameters(
        &self,
        info: &OperationInfo,
        url: &mut reqwest::Url,
        headers: &mut HeaderMap,
    ) -> Result<()> {
        let mut query = String::new();
        for (parameter, value) in info.parameters.iter().zip(&self.values) {
            let Some(value) = value.as_ref().filter(|v| !v.is_null()) else {
                continue;
            };
            match parameter.location {
                Location::Path => {}
                Location::Query => append_query(
                    &mut query,
                    parameter.name,
                    value,
                    parameter.style,
                    parameter.explode,
                ),
                Location::Header => {
                    let text = joined(value, parameter.style, ",");
                    let header_value = HeaderValue::from_str(&text).map_err(|_| {
                        self.refuse(format_args!(
                            "header parameter `{}` holds characters not allowed in a header",
                            parameter.name
                        ))
                    })?;
                    let name = HeaderName::from_bytes(parameter.name.as_bytes()).map_err(|_| {
                        self.refuse(format_args!("`{}` is not a header name", parameter.name))
                    })?;
                    headers.insert(name, header_value);
                }
            }
        }
        if !query.is_empty() {
            url.set_query(Some(&query));
        }
        Ok(())
    }
}

/// Appends the path `template` to `url`, each `{name}` replaced by `value(name)` and
/// percent-encoded into its segment. A value that is unset, empty, `.` or `..` is refused: the
/// request would go to another path (and the URL library drops `.` and `..` segments).
fn push_path<'v>(
    url: &mut reqwest::Url,
    template: &str,
    value: impl Fn(&str) -> Option<Cow<'v, str>>,
) -> Result<(), String> {
    let mut path = url
        .path_segments_mut()
        .expect("a base URL with a host can have a path");
    path.pop_if_empty();
    for segment in template.trim_start_matches('/').split('/') {
        if !segment.contains('{') {
            path.push(segment);
            continue;
        }
        let mut filled = Cow::Borrowed("");
        let mut rest = segment;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            let text =
                value(name).ok_or_else(|| format!("the path parameter `{name}` is not set"))?;
            // The URL parser drops tabs and line breaks from a segment, so `..\t` would become
            // a `..` segment and `\t` an empty one.
            if let Some(c) = text.chars().find(|c| c.is_control()) {
                return Err(format!(
                    "the path parameter `{name}` contains the control character {c:?}"
                ));
            }
            if text.is_empty() {
                return Err(format!(
                    "the path parameter `{name}` is empty, which would send the request to another path"
                ));
            }
            // A value filling the whole segment goes in as it is, without a copy.
            filled = if filled.is_empty() && open == 0 && close + 1 == rest.len() {
                text
            } else {
                Cow::Owned(format!("{filled}{}{text}", &rest[..open]))
            };
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            filled = Cow::Owned(format!("{filled}{rest}"));
        }
        if matches!(&*filled, "." | "..") {
            let what = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) if !name.contains(['{', '}']) => {
                    format!("the path parameter `{name}` is")
                }
                _ => format!("the path segment `{segment}` would be"),
            };
            return Err(format!(
                "{what} `{filled}`, which would send the request to another path"
            ));
        }
        path.push(&filled);
    }
    Ok(())
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Request");
        match &self.target {
            Target::Operation(info) => {
                let set: Vec<(&str, &Value)> = info
                    .parameters
                    .iter()
                    .zip(&self.values)
                    .filter_map(|(p, v)| Some((p.name, v.as_ref()?)))
                    .collect();
                out.field("operation", &info.id).field("parameters", &set)
            }
            Target::Raw(raw) => out
                .field("method", &raw.method)
                .field("path", &raw.shown)
                .field("path_parameters", &raw.path_values)
                .field("query", &raw.query),
        };
        out.field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

/// A scalar as text; anything else as JSON text.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as one text: an array's items joined by `separator`, JSON text for `Style::Json`.
fn joined(value: &Value, style: Style, separator: &str) -> String {
    match (style, value) {
        (Style::Json, value) => value.to_string(),
        (_, Value::Array(items)) => items.iter().map(text).collect::<Vec<_>>().join(separator),
        (_, value) => text(value),
    }
}

/// Appends `name=value` to a query string, the name encoded here, the value's pieces as given.
fn append_pair<'a>(query: &mut String, name: &str, encoded_value: impl Iterator<Item = &'a str>) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(form_urlencoded::byte_serialize(name.as_bytes()));
    query.push('=');
    query.extend(encoded_value);
}

/// Appends `name=value` pairs to a query string: an array as one pair per item when exploded,
/// else one pair with the items joined by the style's separator (itself not encoded).
fn append_query(query: &mut String, name: &str, value: &Value, style: Style, explode: bool) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::ParameterInfo;

    const fn parameter(
        name: &'static str,
        location: Location,
        required: bool,
        style: Style,
        explode: bool,
    ) -> ParameterInfo {
        ParameterInfo {
            name,
            location,
            required,
            style,
            explode,
            kind: crate::operation::Kind::Any,
            description: None,
        }
    }

    static LIST: OperationInfo = OperationInfo {
        id: "list_things",
        method: reqwest::Method::GET,
        path: "/api/v2/partners/{partner_id}/things/{thing_id}.json",
        summary: None,
        description: None,
        tags: &[],
        parameters: &[
            parameter("partner_id", Location::Path, true, Style::Form, false),
            parameter("thing_id", Location::Path, true, Style::Form, false),
            parameter("countries", Location::Query, false, Style::Form, true),
            parameter("ids", Location::Query, false, Style::Form, false),
            parameter(
                "words",
                Location::Query,
                false,
                Style::SpaceDelimited,
                false,
            ),
            parameter("filters", Location::Query, false, Style::Json, false),
            parameter("limit", Location::Query, false, Style::Form, true),
            parameter("x-trace", Location::Header, false, Style::Form, false),
            // A query parameter named as a path one.
            parameter("thing_id", Location::Query, false, Style::Form, true),
        ],
        body: BodyKind::Optional,
        body_properties: &[],
        success_status: 200,
        check: crate::body::check_empty,
        #[cfg(feature = "mock")]
        roundtrip: crate::body::roundtrip_empty,
        #[cfg(feature = "mock")]
        reserialize_body: None,
    };

    fn base() -> reqwest::Url {
        reqwest::Url::parse("https://hub.example/prefix").unwrap()
    }

    #[test]
    fn parameters_travel_as_their_style_says() {
        let mut request = Request::new(&LIST);
        request.set(0, "p/1 ü");
        request.set(1, "t?#");
        request.set(2, &["us", "gb"]);
        request.set(3, &[1, 2]);
        request.set(4, &["a b", "c"]);
        request.set(5, &serde_json::json!({"name": "Acme & Co"}));
        request.set(6, &10);
        request.set(7, "trace-1");
        request.json_body(&serde_json::json!({"x": 1}));
        let prepared = request.prepare(&base()).unwrap();
        assert_eq!(
            prepared.url.as_str(),
            "https://hub.example/prefix/api/v2/partners/p%2F1%20%C3%BC/things/t%3F%23.json\
             ?countries=us&countries=gb&ids=1,2&words=a+b%20c\
             &filters=%7B%22name%22%3A%22Acme+%26+Co%22%7D&limit=10"
        );
        assert_eq!(prepared.headers["x-trace"], "trace-1");
        assert_eq!(prepared.headers["accept"], "application/json");
        assert_eq!(prepared.headers["content-type"], "application/json");
        assert_eq!(prepared.body.as_deref(), Some(&b"{\"x\":1}"[..]));
    }

    #[test]
    fn unset_optional_parameters_and_empty_arrays_leave_no_trace() {
        let mut request = Request::new(&LIST);
        request.set(0, "p");
        request.set(1, "t");
        request.set(3, &Vec::<String>::new());
        let prepared = request
            .prepare(&reqwest::Url::parse("http://127.0.0.1:1").unwrap())
            .unwrap();
        assert_eq!(
            prepared.url.as_str(),
            "http://127.0.0.1:1/api/v2/partners/p/things/t.json"
        );
        assert!(prepared.headers.get("content-type").is_none());
        assert!(prepared.body.is_none());
    }

    #[test]
    fn a_value_set_by_name_goes_where_it_was_asked_to() {
        let mut request = Request::new(&LIST);
        request.set(0, "p");
        assert!(request.set_named(&Location::ALL, "thing_id", "t".into()));
        assert!(request.set_named(&[Location::Query], "thing_id", "q".into()));
        assert!(!request.set_named(&[Location::Header], "thing_id", "h".into()));
        assert!(!request.set_named(&Location::ALL, "nothing", "n".into()));
        let prepared = request.prepare(&base()).unwrap();
        assert_eq!(
            prepared.url.as_str(),
            "https://hub.example/prefix/api/v2/partners/p/things/t.json?thing_id=q"
        );
    }

    #[test]
    fn missing_and_empty_path_parameters_are_refused_naming_them() {
        let request = Request::new(&LIST);
        assert_eq!(
            request.prepare(&base()).unwrap_err().to_string(),
            "invalid request: list_things: the required path parameter `partner_id` is not set"
        );
        let mut request = Request::new(&LIST);
        request.set(0, "p");
        request.set(1, "");
        assert_eq!(
            request.prepare(&base()).unwrap_err().to_string(),
            "invalid request: list_things: the path parameter `thing_id` is empty, which would send the request to another path"
        );
    }
}
