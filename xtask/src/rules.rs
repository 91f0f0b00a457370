//! What each kind of spec change means for users of this Rust client: breaking or not, and why.
//!
//! The rules follow from how the client is generated (the crate's own builders over typify's
//! structs, open enums) and from the normalization passes in `codegen/normalize/`. A change is
//! *breaking* when code that compiled and worked against the old client can stop compiling or stop
//! working (a response that decoded no longer decodes, a request that was sent is now refused).
//!
//! One judgement call: generated structs are not `#[non_exhaustive]`, so a new field breaks a
//! struct literal that names every field. The crate documents `..Default::default()` and the
//! `types::X::builder()` API for building request and response values; a new *optional* field is
//! counted as non-breaking because both keep compiling. A new *required* request field is
//! breaking: the struct loses `Default` and the builder refuses to build without it.

use serde::Serialize;
use std::fmt;

/// The kind of a change between two versions of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    ParameterAddedOptional,
    ParameterAddedRequired,
    ParameterRemoved,
    ParameterBecameRequired,
    ParameterBecameOptional,
    ParameterTypeChanged,
    RequestBodyAddedOptional,
    RequestBodyAddedRequired,
    RequestBodyRemoved,
    RequestPropertyAddedOptional,
    RequestPropertyAddedRequired,
    RequestPropertyRemoved,
    RequestPropertyTypeChanged,
    RequestPropertyBecameRequired,
    RequestPropertyBecameOptional,
    RequestEnumValueAdded,
    RequestEnumValueRemoved,
    ResponsePropertyAdded,
    ResponsePropertyRemoved,
    ResponsePropertyTypeChanged,
    ResponsePropertyBecameRequired,
    ResponsePropertyBecameOptional,
    ResponseEnumValueAdded,
    ResponseEnumValueRemoved,
    OptionalPropertyNullableChanged,
    SuccessResponseAdded,
    SuccessResponseRemoved,
    ErrorResponseAdded,
    ErrorResponseRemoved,
    ErrorResponseChanged,
    TypeAdded,
    TypeRemoved,
    WebhookAdded,
    WebhookRemoved,
    SecurityChanged,
    ServersChanged,
    OpenapiVersionChanged,
    MetadataChanged,
    DocumentationChanged,
    Unclassified,
}

/// One row of the rule table.
pub struct Rule {
    pub kind: Kind,
    pub breaking: bool,
    pub why: &'static str,
}

/// The rule table: every [`Kind`], once, with its classification and the reason.
pub const RULES: &[Rule] = &[
    rule(Kind::OperationAdded, false, "a new `Client` method"),
    rule(Kind::OperationRemoved, true, "a `Client` method vanishes"),
    rule(
        Kind::OperationRenamed,
        true,
        "the `Client` method name comes from the operationId",
    ),
    rule(
        Kind::ParameterAddedOptional,
        false,
        "a new builder setter nobody has to call",
    ),
    rule(
        Kind::ParameterAddedRequired,
        true,
        "`send()` fails with \"… was not initialized\" until callers set it",
    ),
    rule(Kind::ParameterRemoved, true, "a builder setter vanishes"),
    rule(
        Kind::ParameterBecameRequired,
        true,
        "`send()` fails until callers set it",
    ),
    rule(
        Kind::ParameterBecameOptional,
        false,
        "the setter keeps its signature",
    ),
    rule(
        Kind::ParameterTypeChanged,
        true,
        "the setter takes another type",
    ),
    rule(
        Kind::RequestBodyAddedOptional,
        false,
        "a new `body` setter nobody has to call",
    ),
    rule(
        Kind::RequestBodyAddedRequired,
        true,
        "`send()` fails until callers set the body",
    ),
    rule(Kind::RequestBodyRemoved, true, "the `body` setter vanishes"),
    rule(
        Kind::RequestPropertyAddedOptional,
        false,
        "a new `Option` field; `..Default::default()` and the type's builder keep compiling",
    ),
    rule(
        Kind::RequestPropertyAddedRequired,
        true,
        "the struct loses `Default` and its builder refuses to build without the field",
    ),
    rule(
        Kind::RequestPropertyRemoved,
        true,
        "a struct field callers set vanishes",
    ),
    rule(
        Kind::RequestPropertyTypeChanged,
        true,
        "the field's Rust type changes",
    ),
    rule(
        Kind::RequestPropertyBecameRequired,
        true,
        "the field turns from `Option<T>` into `T` and must be set",
    ),
    rule(
        Kind::RequestPropertyBecameOptional,
        true,
        "the field turns from `T` into `Option<T>`; struct literals stop compiling",
    ),
    rule(
        Kind::RequestEnumValueAdded,
        false,
        "a new typed variant; request enums already send any value through `From<&str>`",
    ),
    rule(
        Kind::RequestEnumValueRemoved,
        true,
        "a typed variant callers send vanishes from the generated enum",
    ),
    rule(
        Kind::ResponsePropertyAdded,
        false,
        "responses already decode with unknown fields (`allow_unknown_fields`); a new field appears",
    ),
    rule(
        Kind::ResponsePropertyRemoved,
        true,
        "a struct field callers read vanishes",
    ),
    rule(
        Kind::ResponsePropertyTypeChanged,
        true,
        "the field's Rust type changes, or responses stop decoding",
    ),
    rule(
        Kind::ResponsePropertyBecameRequired,
        true,
        "the field turns from `Option<T>` into `T`",
    ),
    rule(
        Kind::ResponsePropertyBecameOptional,
        true,
        "the field turns from `T` into `Option<T>`",
    ),
    rule(
        Kind::ResponseEnumValueAdded,
        false,
        "response enums are open: the value already decoded into the catch-all variant; now it has a typed one",
    ),
    rule(
        Kind::ResponseEnumValueRemoved,
        true,
        "a typed variant callers match on vanishes from the generated enum",
    ),
    rule(
        Kind::OptionalPropertyNullableChanged,
        false,
        "an optional field is `Option<T>` either way",
    ),
    rule(
        Kind::SuccessResponseAdded,
        true,
        "`send()` returns the one success response's type: another changes it (and two fail the build)",
    ),
    rule(
        Kind::SuccessResponseRemoved,
        true,
        "`send()`'s return type changes",
    ),
    rule(
        Kind::ErrorResponseAdded,
        false,
        "every error status decodes into the one `d360_partner::Error`",
    ),
    rule(
        Kind::ErrorResponseRemoved,
        false,
        "every error status decodes into the one `d360_partner::Error`",
    ),
    rule(
        Kind::ErrorResponseChanged,
        false,
        "error bodies decode into the lenient `ApiErrorBody`, whatever their schema",
    ),
    rule(Kind::TypeAdded, false, "a new type under `types::`"),
    rule(Kind::TypeRemoved, true, "a type under `types::` vanishes"),
    rule(
        Kind::WebhookAdded,
        false,
        "a new event type under `webhooks::`; receivers that ignore it keep working",
    ),
    rule(
        Kind::WebhookRemoved,
        true,
        "its type under `webhooks::` vanishes from code that decodes it",
    ),
    rule(
        Kind::SecurityChanged,
        true,
        "authentication is hand-written (`src/call/auth.rs`, `src/call/login.rs`) and must follow",
    ),
    rule(
        Kind::ServersChanged,
        true,
        "the default base URL is hand-written (`ClientBuilder::DEFAULT_BASE_URL`) and must follow",
    ),
    rule(
        Kind::OpenapiVersionChanged,
        true,
        "`label_as_openapi_3_0` decides whether the pipeline can read it",
    ),
    rule(
        Kind::MetadataChanged,
        false,
        "`info`, `tags`, an operationId deriving the same method name: docs and `api_version()` only",
    ),
    rule(
        Kind::DocumentationChanged,
        false,
        "descriptions, summaries, examples and `deprecated` change doc comments only",
    ),
    rule(
        Kind::Unclassified,
        true,
        "the tool cannot tell what it does to the client: counted as breaking until a human reviews it",
    ),
];

const fn rule(kind: Kind, breaking: bool, why: &'static str) -> Rule {
    Rule {
        kind,
        breaking,
        why,
    }
}

impl Kind {
    /// This kind's row of [`RULES`].
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .find(|rule| rule.kind == self)
            .expect("RULES has a row for every kind (tested)")
    }

    /// Whether a change of this kind can break users of the client.
    pub fn is_breaking(self) -> bool {
        self.rule().breaking
    }

    /// The kind as `--format json` and the text report spell it, e.g. `operation_added`.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .expect("a unit variant serializes to a string")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_rule() {
        let mut kinds: Vec<Kind> = RULES.iter().map(|r| r.kind).collect();
        let total = kinds.len();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), total, "a kind is listed twice");
        // Kind::Unclassified is the last variant; every variant up to it must be present.
        assert_eq!(kinds.last(), Some(&Kind::Unclassified));
        assert_eq!(total, Kind::Unclassified as usize + 1);
    }

    #[test]
    fn kinds_are_spelled_in_snake_case() {
        assert_eq!(
            Kind::ResponseEnumValueAdded.name(),
            "response_enum_value_added"
        );
        // Open enums: a new value is news in either direction, a vanished one breaks matches.
        assert!(!Kind::ResponseEnumValueAdded.is_breaking());
        assert!(!Kind::RequestEnumValueAdded.is_breaking());
        assert!(Kind::ResponseEnumValueRemoved.is_breaking());
        assert!(Kind::RequestEnumValueRemoved.is_breaking());
    }
}
