//! A request as a builder assembles it, and its encoding into method, URL, headers and body: for
//! an operation of the table, its path template filled with the path parameters (each
//! percent-encoded into its segment) and query parameters by their `style` and `explode`; for a
//! raw request ([`Client::request`]), its own path template, parsed once when it is made, filled
//! the same way. One encoder serves every operation, every raw request and the token flow's
//! login; the generated builders only hand it values.
//!
//! [`Client::request`]: crate::Client::request

use super::encode::{append_pair, append_query, joined};
use crate::error::{Error, HeaderError, HeaderProblem, RequestCause, Result};
use crate::path_template::PathTemplate;
use crate::table::OperationInfo;
use crate::vocabulary::{BodyKind, Location, Style};
use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The values a request builder was given, not yet encoded. The generated builders hold one
/// (through `crate::__private`) and hand it values with [`new`](Self::new), [`set`](Self::set),
/// [`set_text`](Self::set_text) and [`json_body`](Self::json_body).
#[derive(Clone)]
pub struct Request {
    target: Target,
    /// One slot per parameter of the operation, in its order (none for a raw request).
    values: Vec<Option<Value>>,
    body: Option<Bytes>,
    /// Headers beyond the spec's parameters, checked (`headers.rs`) before they get here.
    extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// The first problem found while it was assembled: reported before anything is sent.
    problem: Option<RequestCause>,
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
struct RawTarget {
    method: Method,
    /// `None` when the path is no template (the request's problem says why).
    template: Option<PathTemplate>,
    path_values: Vec<(String, String)>,
    query: Vec<(String, String)>,
    /// The request as errors and `Debug` name it: `METHOD path`, the path without a query (it
    /// may hold a secret), escaped, and an absolute URL as its origin only.
    name: String,
    /// Sending it twice does no harm whatever its method (a login).
    repeatable: bool,
    /// What tracing spans call it: `request`, or `login`.
    span: &'static str,
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

impl Request {
    /// A request of the operation `info` describes, no value set yet.
    pub fn new(info: &'static OperationInfo) -> Request {
        Request {
            target: Target::Operation(info),
            values: vec![None; info.parameters.len()],
            body: None,
            extra_headers: Vec::new(),
            problem: None,
        }
    }

    /// A request for `method` and the path template `path` (`/api/v2/x/{id}`), parsed now: a
    /// path that is no template is the request's problem.
    pub(crate) fn raw(method: Method, path: &str) -> Request {
        let name = format!("{method} {}", shown_path(path));
        let (template, problem) = match PathTemplate::parse(path) {
            Ok(template) => (Some(template), None),
            Err(error) => (None, Some(RequestCause::Path(error))),
        };
        Request {
            target: Target::Raw(Box::new(RawTarget {
                method,
                template,
                path_values: Vec::new(),
                query: Vec::new(),
                name,
                repeatable: false,
                span: "request",
            })),
            values: Vec::new(),
            body: None,
            extra_headers: Vec::new(),
            problem,
        }
    }

    /// Marks a raw request as the token flow's login: it may be sent again after any transient
    /// failure, whatever its method (a login only issues another token), and its span says
    /// `login`.
    pub(crate) fn into_login(mut self) -> Request {
        if let Target::Raw(raw) = &mut self.target {
            raw.repeatable = true;
            raw.span = "login";
        }
        self
    }

    /// The HTTP method.
    pub(crate) fn method(&self) -> &Method {
        match &self.target {
            Target::Operation(info) => &info.method,
            Target::Raw(raw) => &raw.method,
        }
    }

    /// Whether sending it twice does no harm: an idempotent method, or a login.
    pub(crate) fn is_repeatable(&self) -> bool {
        match &self.target {
            Target::Raw(raw) if raw.repeatable => true,
            _ => crate::call::retry::is_idempotent(self.method()),
        }
    }

    /// What tracing spans call it: the operation's id, `request` for a raw request, `login`
    /// for the token flow's.
    pub(crate) fn span_name(&self) -> &'static str {
        match &self.target {
            Target::Operation(info) => info.id,
            Target::Raw(raw) => raw.span,
        }
    }

    /// What errors call it: the operation's id, or `METHOD path`.
    pub(crate) fn name(&self) -> Cow<'static, str> {
        match &self.target {
            Target::Operation(info) => Cow::Borrowed(info.id),
            Target::Raw(raw) => Cow::Owned(raw.name.clone()),
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
    pub fn set<T: Serialize + ?Sized>(&mut self, index: usize, value: &T) {
        match serde_json::to_value(value) {
            Ok(value) => self.values[index] = Some(value),
            Err(e) => {
                let name = self
                    .operation()
                    .map_or("", |info| info.parameters[index].name);
                self.fail(RequestCause::Serialize {
                    what: format!("parameter `{name}`"),
                    message: e.to_string(),
                })
            }
        }
    }

    /// Sets the text parameter at `index` (no copy of the text).
    pub fn set_text(&mut self, index: usize, value: String) {
        self.values[index] = Some(Value::String(value));
    }

    /// The value of the parameter at `index`, if set.
    pub(crate) fn value(&self, index: usize) -> Option<&Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// Sets the JSON request body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, value: &T) {
        match serde_json::to_vec(value) {
            Ok(body) => self.body = Some(Bytes::from(body)),
            Err(e) => self.fail(RequestCause::Serialize {
                what: "the request body".into(),
                message: e.to_string(),
            }),
        }
    }

    /// Sets the parameter `name` (its name on the wire) at the first of `locations` that has
    /// one, for calls made from data rather than a builder; `false` when none has.
    #[cfg(any(feature = "metadata", test))]
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

    /// Sets the value of a raw request's `{name}` placeholder (the last one set wins); a name
    /// the path has no placeholder for is the request's problem.
    pub(crate) fn raw_path_value(&mut self, name: String, value: String) {
        let Target::Raw(raw) = &mut self.target else {
            return;
        };
        if raw
            .template
            .as_ref()
            .is_some_and(|template| !template.has_placeholder(&name))
        {
            return self.fail(RequestCause::UnknownPlaceholder { name });
        }
        match raw.path_values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => raw.path_values.push((name, value)),
        }
    }

    /// Adds a `name=value` pair to a raw request's query string; a control character in either
    /// is the request's problem.
    pub(crate) fn raw_query(&mut self, name: String, value: String) {
        let Target::Raw(raw) = &mut self.target else {
            return;
        };
        let control = |text: &str| text.chars().find(|c| c.is_control());
        if let Some(character) = control(&name).or_else(|| control(&value)) {
            return self.fail(RequestCause::QueryControlCharacter { name, character });
        }
        raw.query.push((name, value));
    }

    /// Adds a header beyond the operation's parameters, checked by the caller's rules
    /// (`headers.rs`); a refused one is the request's problem. The first value of a name
    /// replaces what the request would send for it (`Accept`, `Content-Type`, a header
    /// parameter); a name added again adds a value.
    pub(crate) fn header(&mut self, name: &str, value: &str) {
        match crate::call::headers::checked(name, value) {
            Ok(header) => self.extra_headers.push(header),
            Err(refused) => self.fail(RequestCause::Header(refused)),
        }
    }

    /// Records the first problem; sending the request then fails before anything leaves.
    pub(crate) fn fail(&mut self, problem: RequestCause) {
        self.problem.get_or_insert(problem);
    }

    /// An [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming this request.
    pub(crate) fn refuse(&self, cause: RequestCause) -> Error {
        Error::invalid(self.name(), cause)
    }

    /// Encodes the request against `base_url`, refusing, before anything is sent, a problem
    /// found while it was assembled, a required parameter or body left unset, and a path value
    /// that would change the path.
    ///
    /// It borrows the request, so a retry can encode it again instead of every call keeping a
    /// copy of what it sent.
    pub(crate) fn prepare(&self, base_url: &reqwest::Url) -> Result<Prepared> {
        if let Some(problem) = &self.problem {
            return Err(self.refuse(problem.clone()));
        }
        let mut url = base_url.clone();
        let mut headers = HeaderMap::with_capacity(3 + self.extra_headers.len());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let method = match &self.target {
            Target::Operation(info) => {
                self.check_required(info)?;
                self.push_path(&mut url, info.template(), |name| {
                    self.path_value(info, name)
                })?;
                self.encode_parameters(info, &mut url, &mut headers)?;
                info.method.clone()
            }
            Target::Raw(raw) => {
                let template = raw
                    .template
                    .as_ref()
                    .expect("a raw request without a template has a problem");
                self.push_path(&mut url, template, |name| {
                    raw.path_values
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| Cow::Borrowed(v.as_str()))
                })?;
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

    /// Appends `template`, filled, to `url`'s path (after the base URL's own prefix).
    fn push_path<'v>(
        &self,
        url: &mut reqwest::Url,
        template: &PathTemplate,
        value: impl Fn(&str) -> Option<Cow<'v, str>>,
    ) -> Result<()> {
        let mut path = url
            .path_segments_mut()
            .expect("a base URL with a host can have a path");
        path.pop_if_empty();
        template
            .fill(value, |segment| {
                path.push(segment);
            })
            .map_err(|error| self.refuse(RequestCause::PathValue(error)))
    }

    /// Every required parameter, and a required body, is set.
    fn check_required(&self, info: &OperationInfo) -> Result<()> {
        for (parameter, value) in info.parameters.iter().zip(&self.values) {
            if parameter.required && value.as_ref().is_none_or(Value::is_null) {
                return Err(self.refuse(RequestCause::MissingParameter {
                    location: parameter.location,
                    name: parameter.name,
                }));
            }
        }
        if info.body == BodyKind::Required && self.body.is_none() {
            return Err(self.refuse(RequestCause::MissingBody));
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
                    let refused = |problem| {
                        self.refuse(RequestCause::Header(HeaderError {
                            name: parameter.name.to_string(),
                            problem,
                        }))
                    };
                    let text = joined(value, parameter.style, ",");
                    let header_value = HeaderValue::from_str(&text)
                        .map_err(|_| refused(HeaderProblem::InvalidValue))?;
                    let name = HeaderName::from_bytes(parameter.name.as_bytes())
                        .map_err(|_| refused(HeaderProblem::InvalidName))?;
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

/// A raw path as an error may show it: without a query or fragment, escaped, and an absolute
/// or scheme-relative URL as its scheme, host and port only, since user info or a query could
/// hold a secret.
fn shown_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path.starts_with('/') && !path.starts_with("//") {
        return path.escape_debug().to_string();
    }
    let parsed = match path.strip_prefix("//") {
        Some(_) => reqwest::Url::parse(&format!("http:{path}")),
        None => reqwest::Url::parse(path),
    };
    match parsed {
        Ok(url) if url.has_host() => {
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let host = url.host_str().unwrap_or_default();
            match path.starts_with("//") {
                true => format!("//{host}{port}/.."),
                false => format!("{}://{host}{port}/..", url.scheme()),
            }
        }
        Ok(url) => format!("{}:..", url.scheme()),
        // Not a URL by the parser's rules, yet possibly one with user info (a bad port, say).
        Err(_) => match path.split_once("://") {
            Some((scheme, _)) => format!("{}://..", scheme.escape_debug()),
            None if path.contains('@') => "..".into(),
            None => path.escape_debug().to_string(),
        },
    }
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
                .field("request", &raw.name)
                .field("path_parameters", &raw.path_values)
                .field("query", &raw.query),
        };
        out.field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::ParameterInfo;

    const fn parameter(
        name: &'static str,
        location: Location,
        required: bool,
        style: Style,
        explode: bool,
    ) -> ParameterInfo {
        ParameterInfo::for_tests(name, location, required, style, explode)
    }

    static LIST: OperationInfo = OperationInfo::for_tests(
        "list_things",
        reqwest::Method::GET,
        "/api/v2/partners/{partner_id}/things/{thing_id}.json",
        &[
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
        BodyKind::Optional,
    );

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
