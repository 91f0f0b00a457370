//! Calls made from data: an operation of the table with its parameters as JSON values, its
//! answer kept as JSON once it has decoded as the operation's type. For tools over the table,
//! such as the command line; typed code uses the generated builders.

use crate::body::Received;
use crate::client::Client;
use crate::dry_run::DryRun;
use crate::error::{Error, Result};
use crate::operation::{Location, OperationInfo};
use crate::paginate::{Items, ListInfo, Pages};
use crate::raw::RawResponse;
use crate::request::Request;
use crate::send::Pending;
use serde_json::Value;

impl Client {
    /// A call of the operation `info` describes (one of
    /// [`operations::ALL`](crate::operations::ALL)), its parameters set by their names on the
    /// wire. It is sent as the operation's builder sends it; the answer is kept as the JSON the
    /// hub sent, once it has decoded as the operation's type.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> d360_partner::Result<()> {
    /// # let hub = d360_partner::mock::MockHub::start().await;
    /// # hub.set(d360_partner::operations::GET_PARTNER, Ok(Default::default()));
    /// # let client = hub.client();
    /// use d360_partner::operations::GET_PARTNER;
    /// let partner: serde_json::Value = client
    ///     .operation(GET_PARTNER.info())
    ///     .parameter("partner_id", "your-partner-id".into())
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn operation(&self, info: &'static OperationInfo) -> OperationCall {
        OperationCall {
            client: self.clone(),
            info,
            request: Request::new(info),
        }
    }
}

impl OperationInfo {
    /// The paging metadata of a list operation (one of
    /// [`operations::LISTS`](crate::operations::LISTS)); `None` for an operation that is no list.
    pub fn list(&'static self) -> Option<&'static ListInfo> {
        crate::operations::LISTS
            .iter()
            .copied()
            .find(|list| std::ptr::eq(list.operation(), self))
    }
}

/// A call of an operation with values from data, from [`Client::operation`]. It owns a handle to
/// the client (one `Arc`), so it and what it sends are `Send + 'static`.
#[derive(Clone, Debug)]
#[must_use = "a request is sent only when `send()` is awaited"]
pub struct OperationCall {
    client: Client,
    info: &'static OperationInfo,
    request: Request,
}

impl OperationCall {
    /// Sets the parameter `name` (as the spec names it on the wire) to `value`, which travels as
    /// the parameter's style says (an array as several pairs, an object as JSON text, ...). A
    /// name the operation does not have fails the call before anything is sent. Should the
    /// operation have two parameters of that name, this sets the path one, else the query
    /// one; [`parameter_in`](Self::parameter_in) says which.
    pub fn parameter(mut self, name: &str, value: Value) -> Self {
        if !self.request.set_named(&Location::ALL, name, value) {
            self.request.fail(format!("there is no parameter `{name}`"));
        }
        self
    }

    /// Sets the parameter `name` that travels in `location` (the path, the query or a header)
    /// to `value`; as [`parameter`](Self::parameter) otherwise.
    pub fn parameter_in(mut self, location: Location, name: &str, value: Value) -> Self {
        if !self.request.set_named(&[location], name, value) {
            self.request.fail(format!(
                "there is no {} parameter `{name}`",
                location.as_str()
            ));
        }
        self
    }

    /// The JSON request body, sent as given. An operation without a body fails the call before
    /// anything is sent.
    pub fn body(mut self, body: &Value) -> Self {
        match self.info.body() {
            crate::operation::BodyKind::None => {
                self.request.fail("it takes no request body".into())
            }
            _ => self.request.json_body(body),
        }
        self
    }

    /// Adds the header `name: value`, which the operation's parameters do not describe; refused
    /// as [`RawRequest::header`](crate::RawRequest::header) refuses it (credentials, `Host`,
    /// the headers about the connection, `User-Agent`, CR, LF or NUL), before anything is sent.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        crate::raw::add_header(&mut self.request, name.as_ref(), value.as_ref());
        self
    }

    /// Sends the call when awaited, for the hub's answer as it came, whatever its status; as
    /// [`RawRequest::send_raw`](crate::RawRequest::send_raw) (the answer is not checked against
    /// the operation's type).
    pub fn send_raw(self) -> Pending<RawResponse> {
        Pending::answered(self.client, self.request, RawResponse::from_received)
    }

    /// Sends the call when awaited, for the answer as the hub sent it (`null` without a body),
    /// once it has decoded as the operation's type: an answer the spec does not describe is an
    /// [`Error::Decode`], as for a typed call.
    pub fn send(self) -> Pending<Value> {
        Pending::checked(
            self.client,
            self.request,
            self.info.check,
            Received::json_or_null,
        )
    }

    /// Every page of a list operation (see [`operations::LISTS`](crate::operations::LISTS)),
    /// as JSON, each checked as the operation's type; as a generated builder's `pages()`.
    /// Fails for an operation that is no list.
    pub fn pages(self) -> Result<Pages<Value>> {
        let list = self.info.list().ok_or_else(|| {
            Error::InvalidRequest(format!(
                "{}: it is no list operation (it takes no integer `limit` and `offset`)",
                self.info.id()
            ))
        })?;
        Ok(Pages::new(self.client, self.request, list).checked_by(self.info.check))
    }

    /// Every item of a list operation's pages, as JSON; see [`pages`](Self::pages).
    pub fn items(self) -> Result<Items<Value>> {
        self.pages().map(Pages::items)
    }

    /// What the call would send, sending nothing; credentials show as `[redacted]`.
    pub fn dry_run(&self) -> Result<DryRun> {
        self.client.dry_run(&self.request)
    }
}
