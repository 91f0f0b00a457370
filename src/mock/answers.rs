//! What a test tells the hub to answer: an error ([`MockError`]) or a one-off fault
//! ([`MockFault`]).

use serde_json::json;
use std::time::Duration;
use wiremock::ResponseTemplate;

/// An error answer: an HTTP status with the hub's `meta` error body.
#[derive(Clone, Debug, PartialEq)]
pub struct MockError {
    /// The HTTP status to answer with.
    pub status: u16,
    /// The body's `developer_message`.
    pub developer_message: String,
    /// The body's `360dialog_trace_id`.
    pub trace_id: String,
}

impl MockError {
    /// An error with the given status and message, and trace id `mock-trace-<status>`.
    pub fn new(status: u16, developer_message: impl Into<String>) -> Self {
        MockError {
            status,
            developer_message: developer_message.into(),
            trace_id: format!("mock-trace-{status}"),
        }
    }

    pub(super) fn response(&self) -> ResponseTemplate {
        ResponseTemplate::new(self.status).set_body_json(json!({"meta": {
            "developer_message": self.developer_message,
            "http_code": self.status,
            "success": false,
            "360dialog_trace_id": self.trace_id,
        }}))
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

    pub(super) fn response(&self) -> ResponseTemplate {
        let mut response = match &self.body {
            Some(body) => ResponseTemplate::new(self.status).set_body_string(body.clone()),
            None => MockError::new(self.status, "Injected fault").response(),
        };
        if let Some(seconds) = &self.retry_after {
            response = response.insert_header("retry-after", seconds.as_str());
        }
        if let Some(delay) = self.delay {
            response = response.set_delay(delay);
        }
        response
    }
}
