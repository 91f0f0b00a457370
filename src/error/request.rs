//! Requests refused before anything was sent, and why, as values a caller can act on: the
//! parameter, the header, the path's character. The command line says each in its own terms.

use crate::path_template::{PathTemplateError, PathValueError};
use crate::vocabulary::Location;
use std::borrow::Cow;
use std::fmt;

/// A request refused before anything was sent: which request, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestError {
    request: Cow<'static, str>,
    cause: RequestCause,
}

impl RequestError {
    pub(crate) fn new(request: impl Into<Cow<'static, str>>, cause: RequestCause) -> RequestError {
        RequestError {
            request: request.into(),
            cause,
        }
    }

    /// The request refused: the operation's id (`get_partner`), or a raw request's method and
    /// path (`POST /api/v2/partners/{partner_id}/x`, without a query).
    pub fn request(&self) -> &str {
        &self.request
    }

    /// Why it was refused.
    pub fn cause(&self) -> &RequestCause {
        &self.cause
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.request, self.cause)
    }
}

/// Why a request was refused before anything was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestCause {
    /// A required parameter was not set.
    MissingParameter {
        /// Where it travels.
        location: Location,
        /// Its name on the wire.
        name: &'static str,
    },
    /// The operation has no parameter of that name (in that location, when one was named).
    UnknownParameter {
        /// The location asked for, if any.
        location: Option<Location>,
        /// The name given.
        name: String,
    },
    /// A path parameter's value would change the path, or is unset.
    PathValue(PathValueError),
    /// A raw request's path is no path on the base URL.
    Path(PathTemplateError),
    /// A raw request's `path_param` names no placeholder of its path.
    UnknownPlaceholder {
        /// The name given.
        name: String,
    },
    /// A header a caller may not send, or one that cannot be sent.
    Header(HeaderError),
    /// A query parameter holds a control character.
    QueryControlCharacter {
        /// The parameter's name.
        name: String,
        /// The character.
        character: char,
    },
    /// The operation requires a body and none was set.
    MissingBody,
    /// A body was given to an operation that takes none.
    NoBodyTaken,
    /// A body given as data is not what the operation's request body schema describes.
    Body(BodyMismatch),
    /// A value could not be serialized as JSON.
    Serialize {
        /// What: `parameter `x``, or `the request body`.
        what: String,
        /// serde's message.
        message: String,
    },
    /// A list stream was asked of an operation that is no list.
    NotAList,
    /// A list stream's offset or page size is out of range.
    Paging {
        /// The query parameter.
        name: &'static str,
        /// The lowest value allowed (0 for an offset, 1 for a page size).
        minimum: i64,
    },
    /// A URL to deliver to (a webhook receiver's) is no `http://` or `https://` URL.
    NotHttpUrl,
}

impl fmt::Display for RequestCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestCause::MissingParameter { location, name } => write!(
                f,
                "the required {} parameter `{name}` is not set",
                location.as_str()
            ),
            RequestCause::UnknownParameter {
                location: None,
                name,
            } => write!(f, "there is no parameter `{name}`"),
            RequestCause::UnknownParameter {
                location: Some(location),
                name,
            } => write!(f, "there is no {} parameter `{name}`", location.as_str()),
            RequestCause::PathValue(error) => error.fmt(f),
            RequestCause::Path(error) => error.fmt(f),
            RequestCause::UnknownPlaceholder { name } => {
                let name = name.escape_debug();
                write!(
                    f,
                    "`.path_param(\"{name}\", ..)` names no `{{{name}}}` in the path"
                )
            }
            RequestCause::Header(error) => error.fmt(f),
            RequestCause::QueryControlCharacter { name, character } => write!(
                f,
                "the query parameter `{}` contains the control character {character:?}",
                name.escape_debug()
            ),
            RequestCause::MissingBody => {
                f.write_str("the required request body is not set (call `.body(..)`)")
            }
            RequestCause::NoBodyTaken => f.write_str("it takes no request body"),
            RequestCause::Body(mismatch) => mismatch.fmt(f),
            RequestCause::Serialize { what, message } => {
                write!(f, "{what} cannot be serialized: {message}")
            }
            RequestCause::NotAList => {
                f.write_str("it is no list operation (it takes no integer `limit` and `offset`)")
            }
            RequestCause::Paging { name, minimum: 0 } => write!(
                f,
                "the `{name}` of a list stream must be an integer of at least 0"
            ),
            RequestCause::Paging { name, minimum } => write!(
                f,
                "the page size (`{name}`) of a list stream must be at least {minimum}"
            ),
            RequestCause::NotHttpUrl => f.write_str("the URL is no http:// or https:// URL"),
        }
    }
}

/// A request body, given as data, that the operation's body type does not take: what, and
/// where.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyMismatch {
    /// The body type is an object, and the body is not: `found` says what it is (`an array`).
    NotAnObject {
        /// What the body is instead: `an array`, `a string`, ...
        found: &'static str,
    },
    /// A top-level property the body type does not have.
    UnknownProperty {
        /// Its name.
        name: String,
    },
    /// A value the body type cannot take.
    Invalid {
        /// The path of the value (`allow_client_to_add_phone_no`, `settings.io_secure`); `None`
        /// for the body as a whole.
        path: Option<String>,
        /// What is wrong there, as the decoder says it (`invalid type: string "yes", expected a
        /// boolean`).
        message: String,
    },
}

impl fmt::Display for BodyMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyMismatch::NotAnObject { found } => {
                write!(f, "the request body is {found}, not a JSON object")
            }
            BodyMismatch::UnknownProperty { name } => {
                write!(
                    f,
                    "the request body has `{name}`, which its type does not have"
                )
            }
            BodyMismatch::Invalid {
                path: Some(path),
                message,
            } => write!(f, "the request body's `{path}`: {message}"),
            BodyMismatch::Invalid {
                path: None,
                message,
            } => write!(f, "the request body: {message}"),
        }
    }
}

/// A header refused before sending: its name as given (never its value), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeaderError {
    /// The name as given.
    pub name: String,
    /// Why it is refused.
    pub problem: HeaderProblem,
}

/// Why a header is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// A header the client sets itself, and why.
    Reserved(ReservedHeader),
    /// The name holds CR, LF or NUL.
    NameControlCharacter(char),
    /// The value holds CR, LF or NUL.
    ValueControlCharacter(char),
    /// The name is not an HTTP header name.
    InvalidName,
    /// The value holds a character a header cannot hold.
    InvalidValue,
}

/// Why the client keeps a header to itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReservedHeader {
    /// `X-API-Key`, `Authorization`: the client sends its own credential.
    Credential,
    /// `Proxy-Authorization`: a proxy's credential goes in the proxy URL.
    ProxyCredential,
    /// `Host`: the HTTP layer sets it from the base URL.
    Host,
    /// `Content-Length`, `Transfer-Encoding`: the HTTP layer sets them from the body.
    Framing,
    /// `Connection`, `Keep-Alive`, `TE`, `Trailer`, `Upgrade`, `Proxy-Connection`: about the
    /// connection, which the HTTP layer manages.
    Connection,
    /// `User-Agent`: the client sets it from
    /// [`ClientBuilder::user_agent`](crate::ClientBuilder::user_agent).
    UserAgent,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.name.escape_debug();
        match self.problem {
            HeaderProblem::Reserved(why) => {
                let why = match why {
                    ReservedHeader::Credential => {
                        "the client sends its own credential (set it on the `ClientBuilder`)"
                    }
                    ReservedHeader::ProxyCredential => {
                        "it is a proxy's credential (put it in the URL given to `ClientBuilder::proxy`)"
                    }
                    ReservedHeader::Host => "the HTTP layer sets it from the base URL",
                    ReservedHeader::Framing => "the HTTP layer sets it from the body",
                    ReservedHeader::Connection => {
                        "it is about the connection, which the HTTP layer manages"
                    }
                    ReservedHeader::UserAgent => {
                        "the client sets it (name your application with `ClientBuilder::user_agent`)"
                    }
                };
                write!(f, "the header `{shown}` cannot be set: {why}")
            }
            HeaderProblem::NameControlCharacter(c) => write!(
                f,
                "the header name `{shown}` contains the control character {c:?}"
            ),
            HeaderProblem::ValueControlCharacter(c) => write!(
                f,
                "the value of the header `{shown}` contains the control character {c:?}"
            ),
            HeaderProblem::InvalidName => write!(f, "`{shown}` is not a header name"),
            HeaderProblem::InvalidValue => write!(
                f,
                "the value of the header `{shown}` holds a character a header cannot hold"
            ),
        }
    }
}
