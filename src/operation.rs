//! What the generated operation table says about each operation: its id, method, path,
//! parameters (and how they travel), body and success status. The request builder encodes by
//! it, and the mock hub routes by it, so neither needs code per operation.

use std::fmt;
use std::marker::PhantomData;

/// One operation of the spec, as the generated table describes it.
#[derive(Debug)]
pub struct OperationInfo {
    pub(crate) id: &'static str,
    pub(crate) method: reqwest::Method,
    pub(crate) path: &'static str,
    pub(crate) summary: Option<&'static str>,
    pub(crate) description: Option<&'static str>,
    pub(crate) tags: &'static [&'static str],
    pub(crate) parameters: &'static [ParameterInfo],
    pub(crate) body: BodyKind,
    pub(crate) body_properties: &'static [PropertyInfo],
    pub(crate) success_status: u16,
    /// Decodes a success body as the operation's type (calls made from data keep the JSON).
    pub(crate) check: crate::body::Check,
    /// Decodes a success body as the operation's type and serializes it again (contract tests).
    #[cfg(feature = "mock")]
    pub(crate) roundtrip: fn(reqwest::StatusCode, &[u8]) -> crate::Result<serde_json::Value>,
    /// Passes a JSON body through the operation's body type (contract tests).
    #[cfg(feature = "mock")]
    pub(crate) reserialize_body: Option<fn(&serde_json::Value) -> crate::Result<serde_json::Value>>,
}

impl OperationInfo {
    /// The method name on [`Client`](crate::Client), e.g. `get_partner`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The HTTP method.
    pub fn method(&self) -> &reqwest::Method {
        &self.method
    }

    /// The path template, e.g. `/api/v2/partners/{partner_id}`.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The spec's one-line summary, e.g. `Retrieve partner`.
    pub fn summary(&self) -> Option<&'static str> {
        self.summary
    }

    /// The spec's description.
    pub fn description(&self) -> Option<&'static str> {
        self.description
    }

    /// The spec's tags (the reference page's name, e.g. `Partner Management`).
    pub fn tags(&self) -> &'static [&'static str] {
        self.tags
    }

    /// The parameters, in the spec's order.
    pub fn parameters(&self) -> &'static [ParameterInfo] {
        self.parameters
    }

    /// Whether the operation takes a JSON request body, and whether it must have one.
    pub fn body(&self) -> BodyKind {
        self.body
    }

    /// The top-level properties of the request body's schema, in the spec's order; empty when
    /// the operation takes no body or its schema declares none.
    pub fn body_properties(&self) -> &'static [PropertyInfo] {
        self.body_properties
    }

    /// The status of the success response the spec declares.
    pub fn success_status(&self) -> u16 {
        self.success_status
    }

    /// Not part of the API (hidden, outside semver): the contract tests (`tests/contract.rs`)
    /// decode a success body as the operation's type and serialize it again, to compare with
    /// what the server sent, for every operation of the table with no code per operation. Only
    /// the generated table can name the types, so the hook is here.
    #[cfg(feature = "mock")]
    #[doc(hidden)]
    pub fn __roundtrip(&self, status: u16, body: &[u8]) -> crate::Result<serde_json::Value> {
        let status = reqwest::StatusCode::from_u16(status)
            .map_err(|e| crate::Error::InvalidRequest(e.to_string()))?;
        (self.roundtrip)(status, body)
    }

    /// Not part of the API (hidden, outside semver): for the contract tests, a JSON body
    /// decoded as the operation's body type and serialized again, so what they send is what the
    /// typed builder would send. An operation without a body refuses it.
    #[cfg(feature = "mock")]
    #[doc(hidden)]
    pub fn __reserialize_body(&self, body: &serde_json::Value) -> crate::Result<serde_json::Value> {
        let reserialize = self.reserialize_body.ok_or_else(|| {
            crate::Error::InvalidRequest(format!("{} takes no request body", self.id))
        })?;
        reserialize(body)
    }

    /// The index of the parameter named `name` in `location`.
    pub(crate) fn parameter_index(&self, name: &str, location: Location) -> Option<usize> {
        self.parameters
            .iter()
            .position(|p| p.name == name && p.location == location)
    }
}

/// A parameter of an operation.
#[derive(Debug)]
pub struct ParameterInfo {
    pub(crate) name: &'static str,
    pub(crate) location: Location,
    pub(crate) required: bool,
    pub(crate) style: Style,
    pub(crate) explode: bool,
    pub(crate) kind: Kind,
    pub(crate) description: Option<&'static str>,
}

impl ParameterInfo {
    /// Its name on the wire.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where it travels.
    pub fn location(&self) -> Location {
        self.location
    }

    /// Whether a request must set it.
    pub fn required(&self) -> bool {
        self.required
    }

    /// How its value is written (see [`Style`]).
    pub fn style(&self) -> Style {
        self.style
    }

    /// Whether an array goes as one `name=item` pair per item (`true`) or one joined value.
    pub fn explode(&self) -> bool {
        self.explode
    }

    /// What its values are.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The spec's description.
    pub fn description(&self) -> Option<&'static str> {
        self.description
    }
}

/// A top-level property of an operation's request body.
#[derive(Debug)]
pub struct PropertyInfo {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    pub(crate) description: Option<&'static str>,
}

impl PropertyInfo {
    /// Its name in the JSON body.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What its values are.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Whether a body must have it.
    pub fn required(&self) -> bool {
        self.required
    }

    /// The spec's description.
    pub fn description(&self) -> Option<&'static str> {
        self.description
    }
}

/// What a parameter's or property's values are, as the spec says, for tools that build
/// requests from text (the command line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// One of these strings (the enum is open: the hub may answer others).
    Enum(&'static [&'static str]),
    /// A list of values of one kind.
    Array(&'static Kind),
    /// A JSON object.
    Object,
    /// Any JSON value.
    Any,
}

impl Kind {
    /// Whether a value is one scalar (text, a number, a boolean, an enum value).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Kind::String | Kind::Integer | Kind::Number | Kind::Boolean | Kind::Enum(_)
        )
    }
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A `{placeholder}` of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

impl Location {
    /// Every location, in the order a parameter set by name alone is looked for.
    pub(crate) const ALL: [Location; 3] = [Location::Path, Location::Query, Location::Header];

    /// `path`, `query` or `header`, as the spec's `in` says.
    pub fn as_str(&self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// How a parameter's value is written, per OpenAPI's `style` (`simple` and `form` write arrays
/// comma-separated unless exploded) or its JSON `content`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// `form` (query) or `simple` (path, header).
    Form,
    /// Array items separated by spaces.
    SpaceDelimited,
    /// Array items separated by `|`.
    PipeDelimited,
    /// The value as JSON text (`content: application/json`).
    Json,
}

/// Whether an operation takes a JSON request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// No body.
    None,
    /// A body the request may leave out.
    Optional,
    /// A body the request must set.
    Required,
}

/// An operation's handle: its [`OperationInfo`] (through `Deref`) and, in its type, what its
/// success response decodes as, so a mock hub can be told typed answers
/// (`hub.set(operations::GET_PARTNER, Ok(partner))`).
pub struct Operation<T> {
    info: &'static OperationInfo,
    decodes_as: PhantomData<fn() -> T>,
}

impl<T> Operation<T> {
    /// The handle of the operation `info` describes (used by the generated table).
    pub(crate) const fn new(info: &'static OperationInfo) -> Self {
        Operation {
            info,
            decodes_as: PhantomData,
        }
    }

    /// The operation's metadata.
    pub fn info(&self) -> &'static OperationInfo {
        self.info
    }
}

impl<T> std::ops::Deref for Operation<T> {
    type Target = OperationInfo;

    fn deref(&self) -> &OperationInfo {
        self.info
    }
}

impl<T> Clone for Operation<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Operation<T> {}

impl<T> fmt::Debug for Operation<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Operation({} {} {})",
            self.info.id, self.info.method, self.info.path
        )
    }
}
