//! One error type for every failure of every call, and the causes it carries.
//!
//! [`Error`]'s `Display` is one level deep: what failed, with the hub's status, message and
//! trace id when it answered. The underlying cause of a transport failure (connection, TLS,
//! timeout) is its [`source`](std::error::Error::source), so `anyhow`'s `{:#}` prints each cause
//! once. [`Error::kind`] says which failure it is, each with its typed cause: a refused request
//! names the parameter or header ([`RequestCause`]), a refused configuration the base URL's
//! problem ([`BaseUrlProblem`]), missing credentials which ([`CredentialsError`]).
//! [`Error::request_sent`] says whether the hub may have received the request.

mod api;
mod config;
mod request;
mod transport;

pub use crate::path_template::{PathTemplateError, PathValueError, PathValueProblem};
#[cfg(test)]
pub(crate) use api::BODY_PREFIX_LIMIT;
pub use api::{ApiError, ApiErrorBody, ApiErrorMeta, DecodeError};
pub(crate) use api::{body_prefix, bounded};
pub use config::{
    BaseUrlError, BaseUrlProblem, ConfigError, Credential, CredentialsError, ProxyProblem,
};
pub use request::{
    BodyMismatch, HeaderError, HeaderProblem, RequestCause, RequestError, ReservedHeader,
};
pub use transport::{AuthError, TransportError};

use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way a call can fail: [`kind`](Self::kind) says which, with its cause; the accessors
/// (`status`, `developer_message`, `is_retryable`, ...) answer for any kind. A failure of a
/// list stream's page carries the [`page`](Self::page) as context.
///
/// One pointer wide, so a `Result` of this crate costs no more than its value.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    page: Option<PageContext>,
}

/// What failed.
// The kind lives in `Error`'s one box: boxing the large `ApiError` again would cost the most
// common error a second allocation to save bytes no caller holds on the stack.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The hub answered with an error status (4xx or 5xx).
    Api(ApiError),
    /// The username/password token flow failed: the hub refused the credentials, its token
    /// response was unusable, or the token endpoint could not be reached. The API request itself
    /// was not sent.
    Auth(AuthError),
    /// A success response's body was not what the spec describes.
    Decode(DecodeError),
    /// A response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The limit in bytes.
        limit: usize,
    },
    /// The hub answered a status that is neither success nor error (a 1xx, or a 3xx: redirects
    /// are never followed).
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
    },
    /// No complete answer came back: the connection failed or timed out, or the response broke
    /// off. The cause is the error's [`source`](std::error::Error::source).
    Transport(TransportError),
    /// The request was refused before anything was sent: a required parameter unset, a path
    /// value that would change the path, a header the client keeps to itself, ...
    InvalidRequest(RequestError),
    /// The client could not be configured (a base URL, a proxy, TLS, ...).
    Config(ConfigError),
    /// No usable credentials. Nothing was sent.
    Credentials(CredentialsError),
    /// A page of a list stream answered in a way that would make the stream repeat or skip
    /// items (another offset than asked, no items before the total the hub reports): the
    /// stream ends with this, naming the offsets.
    InconsistentPage(String),
}

/// Which page of a list stream failed: the list operation and the offset asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageContext {
    operation: &'static str,
    offset: i64,
}

impl PageContext {
    /// The list operation, e.g. `get_clients`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The `offset` the page was asked for.
    pub fn offset(&self) -> i64 {
        self.offset
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error {
            inner: Box::new(Inner { kind, page: None }),
        }
    }
}

impl Error {
    /// A refusal of `request` (its name) before anything was sent.
    pub(crate) fn invalid(
        request: impl Into<std::borrow::Cow<'static, str>>,
        cause: RequestCause,
    ) -> Error {
        ErrorKind::InvalidRequest(RequestError::new(request, cause)).into()
    }

    /// This error as the failure of the page at `offset` of the list `operation`.
    pub(crate) fn on_page(mut self, operation: &'static str, offset: i64) -> Error {
        self.inner.page = Some(PageContext { operation, offset });
        self
    }

    /// What failed, to complete (the attempts of a transport failure).
    pub(crate) fn kind_mut(&mut self) -> &mut ErrorKind {
        &mut self.inner.kind
    }

    /// What failed, with its cause.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// What failed, taken out of the error.
    pub fn into_kind(self) -> ErrorKind {
        self.inner.kind
    }

    /// The page of a list stream this failure ended, when it is one.
    pub fn page(&self) -> Option<&PageContext> {
        self.inner.page.as_ref()
    }

    /// The HTTP status, when the hub (or its token endpoint) answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self.kind() {
            ErrorKind::Api(api) => Some(api.status),
            ErrorKind::Auth(auth) => auth.status,
            ErrorKind::Decode(decode) => Some(decode.status),
            ErrorKind::ResponseTooLarge { status, .. } | ErrorKind::UnexpectedStatus { status } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The hub's whole error answer (status, decoded body, raw body, `Retry-After`), when it
    /// answered with an error status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self.kind() {
            ErrorKind::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The `meta` object of the hub's error body (`developer_message`, `http_code`,
    /// `360dialog_trace_id`, `details`), when the error is the hub's answer and its body has
    /// one; [`as_api`](Self::as_api) has the whole answer.
    pub fn api_error_meta(&self) -> Option<&ApiErrorMeta> {
        self.as_api().and_then(ApiError::meta)
    }

    /// The hub's `developer_message` (or, for an [`ErrorKind::Auth`], the server's message).
    pub fn developer_message(&self) -> Option<&str> {
        match self.kind() {
            ErrorKind::Auth(auth) => Some(&auth.message),
            _ => self
                .api_error_meta()
                .map(|meta| meta.developer_message.as_str()),
        }
    }

    /// The hub's `360dialog_trace_id`: quote it to 360dialog support.
    pub fn trace_id(&self) -> Option<&str> {
        match self.kind() {
            ErrorKind::Auth(auth) => auth.trace_id.as_deref(),
            _ => self
                .api_error_meta()
                .and_then(|meta| meta.trace_id.as_deref()),
        }
    }

    /// How long the hub asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_api().and_then(|api| api.retry_after)
    }

    /// The failure to get an answer, with its origin and attempts: a call's own, or its login's
    /// when the token endpoint did not answer.
    pub fn as_transport(&self) -> Option<&TransportError> {
        match self.kind() {
            ErrorKind::Transport(transport) => Some(transport),
            ErrorKind::Auth(auth) => auth.transport(),
            _ => None,
        }
    }

    /// How many attempts the call made (its login's, when the login failed); `None` when it
    /// was refused before sending.
    pub fn attempts(&self) -> Option<u32> {
        match self.kind() {
            ErrorKind::Transport(transport) => Some(transport.attempts()),
            ErrorKind::Auth(auth) => Some(auth.attempts()),
            _ => None,
        }
    }

    /// Whether the same request may succeed when sent again: connection failures, timeouts,
    /// interrupted responses, 408, 429, 502, 503 and 504. The client has already retried these
    /// as far as its retry settings allow.
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorKind::Transport(_) => true,
            ErrorKind::Api(api) => is_retryable_status(api.status),
            // No answer from the token endpoint, or a transient one.
            ErrorKind::Auth(auth) => auth.status.is_none_or(is_retryable_status),
            _ => false,
        }
    }

    /// Whether the request or connection timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind(), ErrorKind::Transport(e) if e.is_timeout())
    }

    /// Whether no connection to the hub could be made (refused, unreachable, a failed TLS
    /// handshake, a name that does not resolve), so the hub never saw the request. A failed
    /// login of the token flow is an [`ErrorKind::Auth`] instead.
    pub fn is_connect(&self) -> bool {
        matches!(self.kind(), ErrorKind::Transport(e) if e.is_connect())
    }

    /// Whether the hub's success answer was not what the spec (or the type asked for)
    /// describes: an [`ErrorKind::Decode`], whose message names the failing field's path.
    pub fn is_decode(&self) -> bool {
        matches!(self.kind(), ErrorKind::Decode(_))
    }

    /// Whether the hub may have received the request: `false` only when it provably did not (the
    /// request was invalid, the client misconfigured, the login failed, the connection never
    /// opened), so a `false` means repeating an update cannot apply it twice.
    pub fn request_sent(&self) -> bool {
        match self.kind() {
            ErrorKind::InvalidRequest(_)
            | ErrorKind::Config(_)
            | ErrorKind::Credentials(_)
            | ErrorKind::Auth(_) => false,
            ErrorKind::Transport(transport) => !transport.is_connect(),
            ErrorKind::Api(_)
            | ErrorKind::Decode(_)
            | ErrorKind::ResponseTooLarge { .. }
            | ErrorKind::UnexpectedStatus { .. }
            | ErrorKind::InconsistentPage(_) => true,
        }
    }
}

/// Statuses worth retrying: the server may answer differently next time.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Api(api) => write!(f, "360dialog API error: {api}"),
            ErrorKind::Auth(auth) => auth.fmt(f),
            ErrorKind::Decode(decode) => decode.fmt(f),
            ErrorKind::ResponseTooLarge { status, limit } => write!(
                f,
                "the response body (HTTP {status}) is larger than the limit of {limit} bytes"
            ),
            ErrorKind::UnexpectedStatus { status } => write!(f, "unexpected HTTP status {status}"),
            ErrorKind::Transport(transport) => transport.fmt(f),
            ErrorKind::InvalidRequest(request) => write!(f, "invalid request: {request}"),
            ErrorKind::Config(config) => write!(f, "invalid client configuration: {config}"),
            // Credentials are part of the client's configuration; the kind tells them apart.
            ErrorKind::Credentials(credentials) => {
                write!(f, "invalid client configuration: {credentials}")
            }
            ErrorKind::InconsistentPage(why) => f.write_str(why),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.inner.page, &self.inner.kind) {
            (None, kind) => kind.fmt(f),
            (Some(page), ErrorKind::InconsistentPage(why)) => write!(
                f,
                "{}: the page at offset {} ends the list: {why}",
                page.operation, page.offset
            ),
            (Some(page), kind) => write!(
                f,
                "{}: the page at offset {} failed: {kind}",
                page.operation, page.offset
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Error");
        out.field("kind", &self.inner.kind);
        if let Some(page) = &self.inner.page {
            out.field("page", page);
        }
        out.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind() {
            // `Display` shows the transport error's own text, so its cause comes next.
            ErrorKind::Transport(transport) => std::error::Error::source(transport),
            ErrorKind::Auth(auth) => std::error::Error::source(auth),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
