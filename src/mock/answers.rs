//! What a test tells the hub to answer: an error ([`MockError`]) or a one-off fault
//! ([`MockFault`]).

use crate::serve::Response;
use hyper::StatusCode;
use serde_json::json;
use std::time::Duration;

/// An error answer: an HTTP status with the hub's `meta` error body.
#[derive(Clone, Debug, PartialEq)]
pub struct MockError {
    /// The HTTP status to answer with.
    pub status: u16,
    /// The body's `developer_message`.
    pub developer_message: String,
    /// The body's `360dialog_trace_id`.
    pub trace_id: String,
    /// The body's `details`: boxed, so the error stays small where few carry any.
    details: Option<Box<serde_json::Value>>,
}

impl MockError {
    /// An error with the given status and message, and trace id `mock-trace-<status>`.
    pub fn new(status: u16, developer_message: impl Into<String>) -> Self {
        MockError {
            status,
            developer_message: developer_message.into(),
            trace_id: format!("mock-trace-{status}"),
            details: None,
        }
    }

    /// The error with the body's `details` (which field failed validation, say).
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    pub(super) fn response(&self) -> Response {
        let mut body = json!({"meta": {
            "developer_message": self.developer_message,
            "http_code": self.status,
            "success": false,
            "360dialog_trace_id": self.trace_id,
        }});
        if let Some(details) = &self.details {
            body["meta"]["details"] = (**details).clone();
        }
        json(status(self.status), &body)
    }
}

/// A transient failure the hub answers with once, before serving normally again.
#[derive(Clone, Debug, PartialEq)]
pub struct MockFault {
    status: u16,
    retry_after: Option<String>,
    delay: Option<Duration>,
    body: Option<String>,
}

impl MockFault {
    /// Answer with `status` and the hub's `meta` error body.
    pub fn status(status: u16) -> Self {
        MockFault {
            status,
            retry_after: None,
            delay: None,
            body: None,
        }
    }

    /// Add a `Retry-After` header, in seconds.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.to_string());
        self
    }

    /// Answer only after `delay` (to exceed a client's timeout).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answer with this raw body instead of the hub's error body (an HTML proxy page, say).
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// How long to wait before answering.
    pub(super) fn waits(&self) -> Option<Duration> {
        self.delay
    }

    pub(super) fn response(&self) -> Response {
        let mut response = match &self.body {
            Some(body) => crate::serve::text(status(self.status), body),
            None => MockError::new(self.status, "Injected fault").response(),
        };
        if let Some(seconds) = &self.retry_after
            && let Ok(value) = hyper::header::HeaderValue::from_str(seconds)
        {
            response
                .headers_mut()
                .insert(hyper::header::RETRY_AFTER, value);
        }
        response
    }
}

/// A status code as given; an impossible one (over 999) answers 500.
pub(super) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A response with `status` and `body` as JSON.
pub(super) fn json(status: hyper::StatusCode, body: &serde_json::Value) -> Response {
    let mut response = Response::new(http_body_util::Full::new(bytes::Bytes::from(
        body.to_string(),
    )));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}
