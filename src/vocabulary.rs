//! The words the operation table is written in: where a parameter travels ([`Location`]), how
//! its value is spelled ([`Style`]), what its values are ([`Kind`]) and whether an operation takes
//! a body ([`BodyKind`]).
//!
//! Defined once, for both sides of the generated code: the runtime reads these values, and the
//! code generator (`codegen/`, which compiles this file into the build script) builds the same
//! types from the spec and writes them into the table. Nothing here names anything else of the
//! crate, so the build script can compile it alone.

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
    pub const ALL: [Location; 3] = [Location::Path, Location::Query, Location::Header];

    /// `path`, `query` or `header`, as the spec's `in` says.
    pub fn as_str(&self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }

    /// The location the spec's `in` names; `None` for another (`cookie`).
    pub fn from_spec(name: &str) -> Option<Location> {
        Location::ALL.into_iter().find(|l| l.as_str() == name)
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
