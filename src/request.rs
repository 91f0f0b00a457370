//! A request as a builder assembles it, and its encoding into method, URL, headers and body as
//! the operation table says: path parameters percent-encoded into their segment, query
//! parameters by their `style` and `explode`, the body as JSON. One encoder serves every
//! operation; the generated builders only hand it values.

use crate::error::{Error, Result};
use crate::operation::{BodyKind, Location, OperationInfo, Style};
use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// The values a request builder was given, not yet encoded.
#[derive(Clone)]
pub(crate) struct Request {
    pub(crate) info: &'static OperationInfo,
    /// One slot per parameter of `info`, in its order.
    values: Vec<Option<Value>>,
    body: Option<Bytes>,
    /// Headers beyond the spec's parameters (the contract tests' `Prefer`).
    extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// The first value that could not be serialized: reported by `send()`, before sending.
    problem: Option<String>,
}

/// A request encoded and checked, ready to be sent (and sent again on a retry). It holds no
/// credential: those go on each attempt's copy.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) info: &'static OperationInfo,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
}

impl Request {
    pub(crate) fn new(info: &'static OperationInfo) -> Request {
        Request {
            info,
            values: vec![None; info.parameters.len()],
            body: None,
            extra_headers: Vec::new(),
            problem: None,
        }
    }

    /// Sets the parameter at `index` of the operation's table.
    #[allow(dead_code)] // called by generated setters; a spec may have text parameters only
    pub(crate) fn set<T: Serialize + ?Sized>(&mut self, index: usize, value: &T) {
        match serde_json::to_value(value) {
            Ok(value) => self.values[index] = Some(value),
            Err(e) => self.fail(format!(
                "parameter `{}`: {e}",
                self.info.parameters[index].name
            )),
        }
    }

    /// Sets the text parameter at `index` (no copy of the text).
    pub(crate) fn set_text(&mut self, index: usize, value: String) {
        self.values[index] = Some(Value::String(value));
    }

    /// Sets the JSON request body.
    pub(crate) fn json_body<T: Serialize + ?Sized>(&mut self, value: &T) {
        match serde_json::to_vec(value) {
            Ok(body) => self.body = Some(Bytes::from(body)),
            Err(e) => self.fail(format!("the request body cannot be serialized: {e}")),
        }
    }

    /// Sets a parameter by its name on the wire (for calls made from data, not a builder).
    #[cfg(feature = "mock")]
    pub(crate) fn set_named(&mut self, name: &str, value: Value) -> Result<()> {
        let index = [Location::Path, Location::Query, Location::Header]
            .into_iter()
            .find_map(|location| self.info.parameter_index(name, location))
            .ok_or_else(|| {
                Error::InvalidRequest(format!("{}: there is no parameter `{name}`", self.info.id))
            })?;
        self.values[index] = Some(value);
        Ok(())
    }

    /// Adds a header the spec does not describe (for calls made from data).
    #[cfg(feature = "mock")]
    pub(crate) fn extra_header(&mut self, name: &str, value: &str) -> Result<()> {
        let invalid =
            || Error::InvalidRequest(format!("the header `{name}` is not a valid header"));
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        self.extra_headers.push((name, value));
        Ok(())
    }

    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Encodes the request against `base_url`, refusing, before anything is sent, a value that
    /// could not be serialized, a required parameter or body left unset, and an empty path
    /// parameter (which would address another resource: `/partners/` instead of
    /// `/partners/{id}`).
    ///
    /// It borrows the request, so a retry can encode it again instead of every call keeping a
    /// copy of what it sent.
    pub(crate) fn prepare(&self, base_url: &reqwest::Url) -> Result<Prepared> {
        let info = self.info;
        let refuse = |why: String| Error::InvalidRequest(format!("{}: {why}", info.id));
        if let Some(problem) = &self.problem {
            return Err(refuse(problem.clone()));
        }
        for (parameter, value) in info.parameters.iter().zip(&self.values) {
            if parameter.required && value.as_ref().is_none_or(Value::is_null) {
                return Err(refuse(format!(
                    "the required {} parameter `{}` is not set",
                    location_name(parameter.location),
                    parameter.name
                )));
            }
        }
        if info.body == BodyKind::Required && self.body.is_none() {
            return Err(refuse(
                "the required request body is not set (call `.body(..)`)".into(),
            ));
        }

        let mut url = base_url.clone();
        {
            let mut path = url
                .path_segments_mut()
                .expect("a base URL with a host can have a path");
            path.pop_if_empty();
            for segment in info.path.trim_start_matches('/').split('/') {
                // Literal segments, and a value filling a whole segment, go in as they are.
                match self.whole_segment_value(segment) {
                    Some(Value::String(text)) if !text.is_empty() => path.push(text),
                    _ if !segment.contains('{') => path.push(segment),
                    _ => path.push(&self.fill_placeholders(segment).map_err(&refuse)?),
                };
            }
        }

        let mut query = String::new();
        let mut headers = HeaderMap::with_capacity(3 + self.extra_headers.len());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
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
                        refuse(format!(
                            "header parameter `{}` holds characters not allowed in a header",
                            parameter.name
                        ))
                    })?;
                    let name = HeaderName::from_bytes(parameter.name.as_bytes()).map_err(|_| {
                        refuse(format!("`{}` is not a header name", parameter.name))
                    })?;
                    headers.insert(name, header_value);
                }
            }
        }
        if !query.is_empty() {
            url.set_query(Some(&query));
        }
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in &self.extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        Ok(Prepared {
            info,
            url,
            headers,
            body: self.body.clone(),
        })
    }

    /// The value of a `{placeholder}` that is the whole segment.
    fn whole_segment_value(&self, segment: &str) -> Option<&Value> {
        let name = segment.strip_prefix('{')?.strip_suffix('}')?;
        self.values[self.info.parameter_index(name, Location::Path)?].as_ref()
    }

    /// One path segment of the template with its `{placeholders}` replaced by their values.
    fn fill_placeholders(&self, segment: &str) -> Result<String, String> {
        let mut filled = String::new();
        let mut rest = segment;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            filled.push_str(&rest[..open]);
            let name = &rest[open + 1..open + close];
            let value = self
                .info
                .parameter_index(name, Location::Path)
                .and_then(|index| self.values[index].as_ref())
                .map(|value| joined(value, Style::Form, ","))
                .unwrap_or_default();
            if value.is_empty() {
                return Err(format!(
                    "the path parameter `{name}` is empty, which would send the request to another path"
                ));
            }
            filled.push_str(&value);
            rest = &rest[open + close + 1..];
        }
        filled.push_str(rest);
        Ok(filled)
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set: Vec<(&str, &Value)> = self
            .info
            .parameters
            .iter()
            .zip(&self.values)
            .filter_map(|(p, v)| Some((p.name, v.as_ref()?)))
            .collect();
        f.debug_struct("Request")
            .field("operation", &self.info.id)
            .field("parameters", &set)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

fn location_name(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
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

/// Appends `name=value` pairs to a query string: an array as one pair per item when exploded,
/// else one pair with the items joined by the style's separator (itself not encoded).
fn append_query(query: &mut String, name: &str, value: &Value, style: Style, explode: bool) {
    let mut pair = |value: &str| {
        if !query.is_empty() {
            query.push('&');
        }
        query.extend(form_urlencoded::byte_serialize(name.as_bytes()));
        query.push('=');
        query.push_str(value);
    };
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

    static LIST: OperationInfo = OperationInfo {
        id: "list_things",
        method: reqwest::Method::GET,
        path: "/api/v2/partners/{partner_id}/things/{thing_id}.json",
        parameters: &[
            ParameterInfo {
                name: "partner_id",
                location: Location::Path,
                required: true,
                style: Style::Form,
                explode: false,
            },
            ParameterInfo {
                name: "thing_id",
                location: Location::Path,
                required: true,
                style: Style::Form,
                explode: false,
            },
            ParameterInfo {
                name: "countries",
                location: Location::Query,
                required: false,
                style: Style::Form,
                explode: true,
            },
            ParameterInfo {
                name: "ids",
                location: Location::Query,
                required: false,
                style: Style::Form,
                explode: false,
            },
            ParameterInfo {
                name: "words",
                location: Location::Query,
                required: false,
                style: Style::SpaceDelimited,
                explode: false,
            },
            ParameterInfo {
                name: "filters",
                location: Location::Query,
                required: false,
                style: Style::Json,
                explode: false,
            },
            ParameterInfo {
                name: "limit",
                location: Location::Query,
                required: false,
                style: Style::Form,
                explode: true,
            },
            ParameterInfo {
                name: "x-trace",
                location: Location::Header,
                required: false,
                style: Style::Form,
                explode: false,
            },
        ],
        body: BodyKind::Optional,
        success_status: 200,
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
