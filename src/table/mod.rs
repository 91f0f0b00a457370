//! What the generated operation table says about each operation: its id, method, path,
//! parameters (and how they travel), body and success status, all the client needs to encode a
//! call and the mock hub to route one, with no code per operation. With the `metadata` feature
//! it also carries what only tools over the table read: the spec's texts, what each value is,
//! the body's properties, and the checks of calls made from data.

use crate::path_template::PathTemplate;
#[cfg(feature = "metadata")]
use crate::vocabulary::Kind;
use crate::vocabulary::{BodyKind, Location, Style};
use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

/// One operation of the spec, as the generated table describes it.
pub struct OperationInfo {
    pub(crate) id: &'static str,
    pub(crate) method: reqwest::Method,
    pub(crate) path: &'static str,
    /// `path`, parsed on first use (the build checked that it parses).
    pub(crate) template: OnceLock<PathTemplate>,
    pub(crate) parameters: &'static [ParameterInfo],
    pub(crate) body: BodyKind,
    pub(crate) success_status: u16,
    /// How its pages are read, when it is a list operation.
    pub(crate) list: Option<&'static ListInfo>,
    #[cfg(feature = "metadata")]
    pub(crate) metadata: Metadata,
}

/// Decodes a success body as an operation's type and drops it: whether the body is what the
/// spec says, for callers that keep the body as JSON.
#[cfg(feature = "metadata")]
pub(crate) type CheckResponse = fn(reqwest::StatusCode, &[u8]) -> crate::Result<()>;

/// Decodes a request body given as JSON as an operation's body type.
#[cfg(feature = "metadata")]
pub(crate) type CheckBody = fn(&serde_json::Value) -> Result<(), crate::error::BodyMismatch>;

/// What only tools over the table read (feature `metadata`).
#[cfg(feature = "metadata")]
pub struct Metadata {
    pub(crate) summary: Option<&'static str>,
    pub(crate) description: Option<&'static str>,
    pub(crate) tags: &'static [&'static str],
    pub(crate) body_properties: &'static [PropertyInfo],
    /// Decodes a success body as the operation's type (calls made from data keep the JSON).
    pub(crate) check_response: CheckResponse,
    /// Decodes a body given as data as the operation's body type.
    pub(crate) check_body: Option<CheckBody>,
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

    /// The path template as the spec writes it, e.g. `/api/v2/partners/{partner_id}`.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The path template, parsed.
    pub fn template(&self) -> &PathTemplate {
        self.template.get_or_init(|| {
            PathTemplate::parse(self.path).expect("the build script checked every path")
        })
    }

    /// The parameters, in the spec's order.
    pub fn parameters(&self) -> &'static [ParameterInfo] {
        self.parameters
    }

    /// Whether the operation takes a JSON request body, and whether it must have one.
    pub fn body(&self) -> BodyKind {
        self.body
    }

    /// The status of the success response the spec declares.
    pub fn success_status(&self) -> u16 {
        self.success_status
    }

    /// The index of the parameter named `name` in `location`.
    pub(crate) fn parameter_index(&self, name: &str, location: Location) -> Option<usize> {
        self.parameters
            .iter()
            .position(|p| p.name == name && p.location == location)
    }

    /// The paging metadata of a list operation (one of
    /// [`operations::LISTS`](crate::operations::LISTS)); `None` for an operation that is no list.
    pub fn list(&self) -> Option<&'static ListInfo> {
        self.list
    }
}

#[cfg(feature = "metadata")]
impl OperationInfo {
    /// The spec's one-line summary, e.g. `Retrieve partner`.
    pub fn summary(&self) -> Option<&'static str> {
        self.metadata.summary
    }

    /// The spec's description.
    pub fn description(&self) -> Option<&'static str> {
        self.metadata.description
    }

    /// The spec's tags (the reference page's name, e.g. `Partner Management`).
    pub fn tags(&self) -> &'static [&'static str] {
        self.metadata.tags
    }

    /// The top-level properties of the request body's schema, in the spec's order; empty when
    /// the operation takes no body or its schema declares none.
    pub fn body_properties(&self) -> &'static [PropertyInfo] {
        self.metadata.body_properties
    }

    /// Whether `body` is what the operation's request body type takes, as the typed builder's
    /// `body(..)` would have it: an object when the type has properties, only properties it has,
    /// each of the type it says (nested values too); the mismatch says what and where. `Ok` for
    /// an operation without a body.
    pub fn check_body(&self, body: &serde_json::Value) -> Result<(), crate::error::BodyMismatch> {
        use crate::error::BodyMismatch;
        use serde_json::Value;
        let Some(check) = self.metadata.check_body else {
            return Ok(());
        };
        let known = self.metadata.body_properties;
        if !known.is_empty() {
            let fields = match body {
                Value::Object(fields) => fields,
                Value::Array(_) => return Err(BodyMismatch::NotAnObject { found: "an array" }),
                Value::String(_) => return Err(BodyMismatch::NotAnObject { found: "a string" }),
                Value::Number(_) => return Err(BodyMismatch::NotAnObject { found: "a number" }),
                Value::Bool(_) => return Err(BodyMismatch::NotAnObject { found: "a boolean" }),
                Value::Null => return Err(BodyMismatch::NotAnObject { found: "null" }),
            };
            // A name the type does not have would be dropped, not sent: most often a typo.
            if let Some(name) = fields
                .keys()
                .find(|name| !known.iter().any(|p| p.name == *name))
            {
                return Err(BodyMismatch::UnknownProperty { name: name.clone() });
            }
        }
        check(body)
    }
}

impl fmt::Debug for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationInfo")
            .field("id", &self.id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("parameters", &self.parameters)
            .field("body", &self.body)
            .field("success_status", &self.success_status)
            .finish_non_exhaustive()
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
    #[cfg(feature = "metadata")]
    pub(crate) kind: Kind,
    #[cfg(feature = "metadata")]
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

    /// What its values are (feature `metadata`).
    #[cfg(feature = "metadata")]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The spec's description (feature `metadata`).
    #[cfg(feature = "metadata")]
    pub fn description(&self) -> Option<&'static str> {
        self.description
    }
}

/// A top-level property of an operation's request body (feature `metadata`).
#[cfg(feature = "metadata")]
#[derive(Debug)]
pub struct PropertyInfo {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    pub(crate) description: Option<&'static str>,
}

#[cfg(feature = "metadata")]
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

/// What the generated table says about a list operation's paging: its `limit` and `offset`
/// parameters and, by their names on the wire, the properties of its answer holding the items
/// and the counts.
#[derive(Debug)]
pub struct ListInfo {
    pub(crate) operation: &'static OperationInfo,
    /// Index of the `limit` query parameter in the operation's parameters.
    pub(crate) limit: usize,
    /// Index of the `offset` query parameter.
    pub(crate) offset: usize,
    pub(crate) items: &'static str,
    pub(crate) total: Option<&'static str>,
    pub(crate) count: Option<&'static str>,
    pub(crate) offset_field: Option<&'static str>,
    pub(crate) limit_field: Option<&'static str>,
}

impl ListInfo {
    /// The list operation.
    pub fn operation(&self) -> &'static OperationInfo {
        self.operation
    }

    /// The query parameter carrying the page size.
    pub fn limit_parameter(&self) -> &'static ParameterInfo {
        &self.operation.parameters[self.limit]
    }

    /// The query parameter carrying the offset.
    pub fn offset_parameter(&self) -> &'static ParameterInfo {
        &self.operation.parameters[self.offset]
    }

    /// The property of an answer holding the items, e.g. `clients`.
    pub fn items_field(&self) -> &'static str {
        self.items
    }

    /// The property holding the total number of items, when answers have one.
    pub fn total_field(&self) -> Option<&'static str> {
        self.total
    }

    /// The property holding the number of items of the page, when answers have one.
    pub fn count_field(&self) -> Option<&'static str> {
        self.count
    }

    /// The property echoing the page's offset, when answers have one.
    pub fn offset_field(&self) -> Option<&'static str> {
        self.offset_field
    }

    /// The property echoing the page size, when answers have one.
    pub fn limit_field(&self) -> Option<&'static str> {
        self.limit_field
    }
}

/// The contract tests' hooks of one operation (feature `mock`): its success type's
/// decode-and-serialize and its body type's, which only the generated table can name (see
/// `mock/contract.rs`). Not part of the API.
#[cfg(feature = "mock")]
#[doc(hidden)]
pub struct ContractHooks {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) roundtrip: fn(reqwest::StatusCode, &[u8]) -> crate::Result<serde_json::Value>,
    pub(crate) reserialize_body: Option<ReserializeBody>,
}

/// A body decoded into its generated type and serialized again (feature `mock`).
#[cfg(feature = "mock")]
type ReserializeBody =
    fn(&serde_json::Value) -> Result<serde_json::Value, crate::error::BodyMismatch>;

/// Tables written by hand, for the unit tests of what reads them.
#[cfg(test)]
impl OperationInfo {
    pub(crate) const fn for_tests(
        id: &'static str,
        method: reqwest::Method,
        path: &'static str,
        parameters: &'static [ParameterInfo],
        body: BodyKind,
    ) -> OperationInfo {
        OperationInfo {
            id,
            method,
            path,
            template: OnceLock::new(),
            parameters,
            body,
            success_status: 200,
            list: None,
            #[cfg(feature = "metadata")]
            metadata: Metadata {
                summary: None,
                description: None,
                tags: &[],
                body_properties: &[],
                check_response: accept_any,
                check_body: None,
            },
        }
    }
}

#[cfg(all(test, feature = "metadata"))]
fn accept_any(_: reqwest::StatusCode, _: &[u8]) -> crate::Result<()> {
    Ok(())
}

#[cfg(test)]
impl ParameterInfo {
    pub(crate) const fn for_tests(
        name: &'static str,
        location: Location,
        required: bool,
        style: Style,
        explode: bool,
    ) -> ParameterInfo {
        ParameterInfo {
            name,
            location,
            required,
            style,
            explode,
            #[cfg(feature = "metadata")]
            kind: Kind::Any,
            #[cfg(feature = "metadata")]
            description: None,
        }
    }
}
