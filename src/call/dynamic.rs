//! Calls made from data (feature `metadata`): an operation of the table with its parameters and
//! body as JSON values, its answer kept as JSON once it has decoded as the operation's type. For
//! tools over the table, such as the command line; typed code uses the generated builders.

use crate::call::body::Received;
use crate::call::pages::{Items, Pages};
use crate::call::raw::RawResponse;
use crate::call::request::Request;
use crate::call::send::Pending;
use crate::call::shared::Shared;
use crate::error::{RequestCause, Result};
use crate::table::OperationInfo;
use crate::vocabulary::{BodyKind, Location};
use serde_json::Value;
use std::sync::Arc;

/// A call of an operation with values from data, from [`Client::call`](crate::Client::call).
/// It owns a handle to the client (one `Arc`), so it and what it sends are `Send + 'static`.
#[derive(Clone)]
#[must_use = "a request is sent only when `send()` is awaited"]
pub struct DynamicCall {
    shared: Arc<Shared>,
    info: &'static OperationInfo,
    request: Request,
}

impl DynamicCall {
    pub(crate) fn new(shared: Arc<Shared>, info: &'static OperationInfo) -> DynamicCall {
        DynamicCall {
            shared,
            info,
            request: Request::new(info),
        }
    }

    /// Sets the parameter `name` (as the spec names it on the wire) to `value`, which travels as
    /// the parameter's style says (an array as several pairs, an object as JSON text, ...). A
    /// name the operation does not have fails the call before anything is sent. Should the
    /// operation have two parameters of that name, this sets the path one, else the query
    /// one; [`parameter_in`](Self::parameter_in) says which.
    pub fn parameter(mut self, name: &str, value: Value) -> Self {
        if !self.request.set_named(&Location::ALL, name, value) {
            self.request.fail(RequestCause::UnknownParameter {
                location: None,
                name: name.to_string(),
            });
        }
        self
    }

    /// Sets the parameter `name` that travels in `location` (the path, the query or a header)
    /// to `value`; as [`parameter`](Self::parameter) otherwise.
    pub fn parameter_in(mut self, location: Location, name: &str, value: Value) -> Self {
        if !self.request.set_named(&[location], name, value) {
            self.request.fail(RequestCause::UnknownParameter {
                location: Some(location),
                name: name.to_string(),
            });
        }
        self
    }

    /// The JSON request body, checked against the operation's request body type as its typed
    /// builder would take it (types as well as names: see
    /// [`OperationInfo::check_body`]), then sent as given. A body that does not fit, or one for
    /// an operation without a body, fails the call before anything is sent.
    pub fn body(mut self, body: &Value) -> Self {
        if self.info.body() == BodyKind::None {
            self.request.fail(RequestCause::NoBodyTaken);
        } else if let Err(mismatch) = self.info.check_body(body) {
            self.request.fail(RequestCause::Body(mismatch));
        } else {
            self.request.json_body(body);
        }
        self
    }

    /// Adds the header `name: value`, which the operation's parameters do not describe; refused
    /// as [`RawRequest::header`](crate::RawRequest::header) refuses it (credentials, `Host`,
    /// the headers about the connection, `User-Agent`, CR, LF or NUL), before anything is sent.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.request.header(name.as_ref(), value.as_ref());
        self
    }

    /// Sends the call when awaited, for the hub's answer as it came, whatever its status; as
    /// [`RawRequest::send_raw`](crate::RawRequest::send_raw) (the answer is not checked against
    /// the operation's type).
    pub fn send_raw(self) -> Pending<RawResponse> {
        Pending::answered(self.shared, self.request, RawResponse::from_received)
    }

    /// Sends the call when awaited, for the answer as the hub sent it (`null` without a body),
    /// once it has decoded as the operation's type: an answer the spec does not describe is an
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode), as for a typed call.
    pub fn send(self) -> Pending<Value> {
        Pending::checked(
            self.shared,
            self.request,
            self.info.metadata.check_response,
            Received::json_or_null,
        )
    }

    /// Every page of a list operation (see [`operations::LISTS`](crate::operations::LISTS)),
    /// as JSON, each checked as the operation's type; as a generated builder's `pages()`.
    /// Fails for an operation that is no list.
    pub fn pages(self) -> Result<Pages<Value>> {
        let list = self
            .info
            .list()
            .ok_or_else(|| self.request.refuse(RequestCause::NotAList))?;
        let check = self.info.metadata.check_response;
        Ok(Pages::new(self.shared, self.request, list).checked_by(check))
    }

    /// Every item of a list operation's pages, as JSON; see [`pages`](Self::pages).
    pub fn items(self) -> Result<Items<Value>> {
        self.pages().map(Pages::items)
    }

    /// What the call would send, sending nothing; credentials show as `[redacted]`.
    pub fn dry_run(&self) -> Result<crate::DryRun> {
        crate::call::dry_run::dry_run(&self.shared, &self.request)
    }
}

impl std::fmt::Debug for DynamicCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DynamicCall").field(&self.request).finish()
    }
}
