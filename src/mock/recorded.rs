//! What the hub received: [`RecordedRequest`], shown without credentials.

use super::MockError;
use crate::call::login::TOKEN_PATH;
use crate::secret::REDACTED;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// A request the hub received. Its `Debug` shows the body as text and hides credentials: the
/// `X-API-Key` and `Authorization` headers, and the body of a token request (the password).
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `GET`, `PATCH`, ...
    pub method: String,
    /// The URL path, e.g. `/api/v2/partners/p-1`.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The operation the request was routed to (e.g. `get_partner`); `None` for the token
    /// endpoint, arranged routes and unknown paths.
    pub operation: Option<&'static str>,
    /// The path template of the [`MockHub::route`](super::MockHub::route) it was routed to, as arranged.
    pub route: Option<String>,
    /// The path parameters of that operation or route, percent-decoded, in path order.
    pub path_parameters: Vec<(String, String)>,
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| match name.as_str() {
                "x-api-key" | "authorization" => (name.as_str(), REDACTED),
                _ => (name.as_str(), value.as_str()),
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field(
                "body",
                &if self.path == TOKEN_PATH {
                    REDACTED.into()
                } else {
                    String::from_utf8_lossy(&self.body)
                },
            )
            .field("operation", &self.operation)
            .field("route", &self.route)
            .field("path_parameters", &self.path_parameters)
            .finish()
    }
}

impl RecordedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A path parameter's decoded value.
    pub fn path_parameter(&self, name: &str) -> Option<&str> {
        self.path_parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, or `None` when empty or not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text (lossily decoded UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as `T`; a body that is not a `T` is a 400 answer, so `?` in an
    /// [`MockHub::on`](super::MockHub::on) closure answers it as the hub would.
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T, MockError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| MockError::new(400, format!("Invalid payload: {e}")))
    }

    /// The query parameters, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    /// The first value of the query parameter `name`, decoded.
    pub fn query_parameter(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The `offset` and `limit` (by their names) a list request asks for, `limit` defaulting to
    /// `default_limit`; a value that is not a number of at least 0 is a 400.
    pub(super) fn window(
        &self,
        offset: &str,
        limit: &str,
        default_limit: usize,
    ) -> Result<(usize, usize), MockError> {
        let number = |name: &str, default: usize| match self.query_parameter(name) {
            None => Ok(default),
            Some(text) => text.parse::<usize>().map_err(|_| {
                MockError::new(
                    400,
                    format!("`{name}` must be a number of at least 0, not `{text}`"),
                )
            }),
        };
        Ok((number(offset, 0)?, number(limit, default_limit)?))
    }
}
