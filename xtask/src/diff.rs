//! Semantic diff of two OpenAPI documents, classified for users of this client ([`crate::rules`]).
//!
//! Formatting and key order never count: documents are compared as JSON values. Schemas are
//! compared through `$ref`s at every place an operation uses them, because the same change is
//! breaking in a response and harmless in a request: a change inside a component therefore shows
//! up once per operation, request or response that uses it. A `$ref` to another component name is
//! a type change (the Rust type's name changes). Component schemas added or removed are listed
//! once each, since every one becomes a public type under `types::`.
//!
//! Webhooks (OpenAPI 3.1's top-level `webhooks`) are data the client receives: each one added or
//! removed is listed, and its payload (the operation's request body) is compared like a response.
//!
//! Documentation (descriptions, summaries, examples, `deprecated`) is listed from a raw diff of
//! the two documents. Any other raw difference is listed as `unclassified` only when nothing
//! above explains the change, so a difference the rules do not know is never silently dropped.

use crate::codegen::normalize;
use crate::raw;
use crate::rules::Kind;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: Kind,
    /// Where: an operation (`GET /path`), a part of it and a path into its schema (`$.a.b`),
    /// or a JSON pointer (`#/components/schemas/X`).
    pub location: String,
    /// The old and new value, or what was added or removed.
    pub detail: String,
    /// Whether the change can break users of this client (from the rule table).
    pub breaking: bool,
}

impl Change {
    fn new(kind: Kind, location: impl Into<String>, detail: impl Into<String>) -> Self {
        Change {
            kind,
            location: location.into(),
            detail: detail.into(),
            breaking: kind.is_breaking(),
        }
    }
}

/// All changes from an old document to a new one, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// The exit code `spec diff` and `spec check` report: 0 no change, 1 only non-breaking
    /// changes, 2 at least one breaking change.
    pub fn exit_code(&self) -> u8 {
        match (self.changes.is_empty(), self.is_breaking()) {
            (true, _) => 0,
            (false, false) => 1,
            (false, true) => 2,
        }
    }
}

/// Compares two OpenAPI documents.
pub fn diff(old: &Value, new: &Value) -> Diff {
    let mut walker = Walker {
        old,
        new,
        changes: Vec::new(),
    };
    walker.top_level();
    walker.components();
    walker.operations();
    walker.webhooks();
    let explained = walker.changes.len();
    walker.documentation();
    if explained == 0 {
        walker.unclassified();
    }
    Diff {
        changes: walker.changes,
    }
}

/// Which part of an operation a schema belongs to; decides how its changes are classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    Parameter,
    Request,
    Response,
}

impl Site {
    fn type_changed(self) -> Kind {
        match self {
            Site::Parameter => Kind::ParameterTypeChanged,
            Site::Request => Kind::RequestPropertyTypeChanged,
            Site::Response => Kind::ResponsePropertyTypeChanged,
        }
    }

    fn enum_value(self, added: bool) -> Kind {
        match (self, added) {
            (Site::Response, true) => Kind::ResponseEnumValueAdded,
            (Site::Response, false) => Kind::ResponseEnumValueRemoved,
            (_, true) => Kind::RequestEnumValueAdded,
            (_, false) => Kind::RequestEnumValueRemoved,
        }
    }

    fn property_added(self, required: bool) -> Kind {
        match (self, required) {
            (Site::Response, _) => Kind::ResponsePropertyAdded,
            (_, true) => Kind::RequestPropertyAddedRequired,
            (_, false) => Kind::RequestPropertyAddedOptional,
        }
    }

    fn property_removed(self) -> Kind {
        match self {
            Site::Response => Kind::ResponsePropertyRemoved,
            _ => Kind::RequestPropertyRemoved,
        }
    }

    fn property_required(self, now_required: bool) -> Kind {
        match (self, now_required) {
            (Site::Response, true) => Kind::ResponsePropertyBecameRequired,
            (Site::Response, false) => Kind::ResponsePropertyBecameOptional,
            (_, true) => Kind::RequestPropertyBecameRequired,
            (_, false) => Kind::RequestPropertyBecameOptional,
        }
    }
}

/// String formats that give a property another Rust type (typify maps them to chrono, uuid and
/// `std::net` types); other string formats stay `String`. Integer and number formats always
/// choose the Rust type, so they always count.
const TYPED_STRING_FORMATS: &[&str] = &["date", "date-time", "uuid", "ip", "ipv4", "ipv6"];

/// A schema as the generated Rust code sees it, with `$ref`, one-element `allOf` and the
/// `anyOf: [X, free-form object]` idiom looked through.
#[derive(Default)]
struct Shape<'a> {
    /// The Rust-relevant type: a component name for `$ref`s, else `string`, `integer(int32)`,
    /// `array`, `object`, `anyOf(…)`, `any`.
    label: String,
    nullable: bool,
    enum_values: Option<&'a Vec<Value>>,
    properties: Vec<(&'a str, &'a Value)>,
    required: BTreeSet<&'a str>,
    items: Option<&'a Value>,
    variants: Vec<&'a Value>,
    component: Option<&'a str>,
}

impl<'a> Shape<'a> {
    fn of(document: &'a Value, schema: &'a Value) -> Shape<'a> {
        Self::of_within(document, schema, 0)
    }

    /// `depth` bounds `$ref` chains and nested `allOf`, so a cyclic document cannot recurse
    /// forever.
    fn of_within(document: &'a Value, schema: &'a Value, depth: usize) -> Shape<'a> {
        const MAX_DEPTH: usize = 32;
        let own_nullable = schema.get("nullable") == Some(&Value::Bool(true));
        if depth > MAX_DEPTH {
            return Shape {
                label: "any".into(),
                ..Shape::default()
            };
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            let target = normalize::resolve(document, schema);
            let mut shape = if std::ptr::eq(target, schema) {
                Shape::default()
            } else {
                Self::of_within(document, target, depth + 1)
            };
            shape.label = name.to_string();
            shape.component = Some(name);
            shape.nullable |= own_nullable;
            return shape;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            if let [only] = parts.as_slice() {
                let mut shape = Self::of_within(document, only, depth + 1);
                shape.nullable |= own_nullable;
                return shape;
            }
            let mut merged = Shape {
                label: "object".into(),
                nullable: own_nullable,
                ..Shape::default()
            };
            for part in parts {
                let part = Self::of_within(document, part, depth + 1);
                merged.properties.extend(part.properties);
                merged.required.extend(part.required);
            }
            return merged;
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(variants) = schema.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let kept: Vec<&Value> = variants.iter().filter(|v| !is_null_or_free(v)).collect();
            if let ([only], true) = (kept.as_slice(), variants.len() > 1) {
                let mut shape = Self::of_within(document, only, depth + 1);
                shape.nullable = true;
                return shape;
            }
            let labels: Vec<String> = kept
                .iter()
                .map(|v| Self::of_within(document, v, depth + 1).label)
                .collect();
            return Shape {
                label: format!("{keyword}({})", labels.join(", ")),
                nullable: own_nullable || kept.len() < variants.len(),
                variants: kept,
                ..Shape::default()
            };
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let base = types.iter().find(|t| **t != "null").copied().unwrap_or("");
        let format = schema.get("format").and_then(Value::as_str);
        let properties: Vec<(&str, &Value)> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        let label = match (base, format) {
            ("string", Some(f)) if TYPED_STRING_FORMATS.contains(&f) => format!("string({f})"),
            ("integer" | "number", Some(f)) => format!("{base}({f})"),
            ("", _) if !properties.is_empty() => "object".into(),
            ("", _) if schema.get("enum").is_some() => "enum".into(),
            ("", _) => "any".into(),
            (base, _) => base.into(),
        };
        Shape {
            label,
            nullable: own_nullable || types.contains(&"null"),
            enum_values: schema.get("enum").and_then(Value::as_array),
            properties,
            required: schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            items: schema.get("items"),
            variants: Vec::new(),
            component: None,
        }
    }

    fn property(&self, name: &str) -> Option<&'a Value> {
        self.properties
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// `type: null`, or an object that declares nothing (upstream's way to say "or empty").
fn is_null_or_free(schema: &Value) -> bool {
    let is_null = match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "null"),
        _ => false,
    };
    is_null
        || schema
            .as_object()
            .is_some_and(normalize::is_free_form_object)
}

/// The schema of a request body or response: `application/json` if present, else the first
/// media type's.
fn body_schema(body: &Value) -> Option<&Value> {
    let content = body.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

fn media_types(body: &Value) -> Vec<&str> {
    body.get("content")
        .and_then(Value::as_object)
        .map(|c| c.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Operation key: (path, method); the value is the operation object, its path item and its
/// generated method name.
type Operations<'a> = BTreeMap<(String, &'static str), (&'a Value, &'a Value, String)>;

fn operations(document: &Value) -> Operations<'_> {
    // The generated method names, exactly as the pipeline derives them; if the pass refuses the
    // document (a name clash), the raw operationIds stand in.
    let mut named = document.clone();
    let renamed = normalize::name_operations(&mut named).is_ok();
    let names_from = if renamed { &named } else { document };
    let mut found = Operations::new();
    for (pointer, _, path, method) in normalize::operations(document) {
        let operation = document.pointer(&pointer).expect("listed by pointer");
        let item = &document["paths"][&path];
        let name = names_from
            .pointer(&format!("{pointer}/operationId"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        found.insert((path, method), (operation, item, name));
    }
    found
}

/// The effective parameters of an operation, keyed by (in, name): the path item's, overridden
/// by the operation's, with `$ref`s resolved.
fn parameters<'a>(
    document: &'a Value,
    operation: &'a Value,
    item: &'a Value,
) -> BTreeMap<(String, String), &'a Value> {
    let mut found = BTreeMap::new();
    for list in [item.get("parameters"), operation.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
    {
        for parameter in list {
            let parameter = normalize::resolve(document, parameter);
            let key = |field: &str| {
                parameter
                    .get(field)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            found.insert((key("in"), key("name")), parameter);
        }
    }
    found
}

/// The HTTP methods a path item (or webhook) may hold, as OpenAPI spells them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The webhooks' operations, keyed by (webhook name, method).
fn webhooks(document: &Value) -> BTreeMap<(String, &'static str), &Value> {
    let mut found = BTreeMap::new();
    let hooks = document.get("webhooks").and_then(Value::as_object);
    for (name, item) in hooks.into_iter().flatten() {
        let item = normalize::resolve(document, item);
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.insert((name.clone(), method), operation);
            }
        }
    }
    found
}

fn is_required(value: &Value) -> bool {
    value.get("required") == Some(&Value::Bool(true))
}

struct Walker<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, kind: Kind, location: impl Into<String>, detail: impl Into<String>) {
        self.changes.push(Change::new(kind, location, detail));
    }

    /// Everything outside `paths`, `components` and `webhooks`.
    fn top_level(&mut self) {
        let keys = union_of_keys(self.old, self.new);
        for key in keys {
            if ["paths", "components", "webhooks"].contains(&key.as_str()) {
                continue;
            }
            let (old, new) = (self.old.get(&key), self.new.get(&key));
            if old == new {
                continue;
            }
            let kind = match key.as_str() {
                "openapi" => Kind::OpenapiVersionChanged,
                "servers" => Kind::ServersChanged,
                "security" => Kind::SecurityChanged,
                "info" | "tags" | "externalDocs" => Kind::MetadataChanged,
                _ => Kind::Unclassified,
            };
            self.push(kind, format!("#/{key}"), before_after(old, new));
        }
    }

    /// Component schemas added or removed, and security schemes.
    fn components(&mut self) {
        let schemas = |doc: &'a Value| {
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect::<BTreeSet<String>>())
                .unwrap_or_default()
        };
        let (old, new) = (schemas(self.old), schemas(self.new));
        for name in old.difference(&new) {
            self.push(
                Kind::TypeRemoved,
                format!("#/components/schemas/{}", crate::upstream::escape(name)),
                format!("schema `{name}` and its generated type"),
            );
        }
        for name in new.difference(&old) {
            self.push(
                Kind::TypeAdded,
                format!("#/components/schemas/{}", crate::upstream::escape(name)),
                format!("schema `{name}` and its generated type"),
            );
        }
        let (old, new) = (
            self.old.pointer("/components/securitySchemes"),
            self.new.pointer("/components/securitySchemes"),
        );
        if old != new {
            self.push(
                Kind::SecurityChanged,
                "#/components/securitySchemes",
                before_after(old, new),
            );
        }
    }

    fn operations(&mut self) {
        let (old, new) = (operations(self.old), operations(self.new));
        let keys: BTreeSet<&(String, &'static str)> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let location = format!("{} {}", key.1.to_uppercase(), key.0);
            match (old.get(key), new.get(key)) {
                (Some((_, _, name)), None) => {
                    self.push(Kind::OperationRemoved, location, format!("`{name}`"))
                }
                (None, Some((_, _, name))) => {
                    self.push(Kind::OperationAdded, location, format!("`{name}`"))
                }
                (Some(old), Some(new)) => self.operation(&location, old, new),
                (None, None) => unreachable!("the key came from one of the maps"),
            }
        }
    }

    fn operation(
        &mut self,
        location: &str,
        (old_op, old_item, old_name): &(&'a Value, &'a Value, String),
        (new_op, new_item, new_name): &(&'a Value, &'a Value, String),
    ) {
        let (old_id, new_id) = (old_op.get("operationId"), new_op.get("operationId"));
        if old_name != new_name {
            self.push(
                Kind::OperationRenamed,
                location,
                format!("`{old_name}` → `{new_name}`"),
            );
        } else if old_id != new_id {
            let detail = format!(
                "operationId {}; the method is still `{new_name}`",
                before_after(old_id, new_id)
            );
            self.push(Kind::MetadataChanged, location, detail);
        }
        for (key, kind) in [
            ("security", Kind::SecurityChanged),
            ("servers", Kind::ServersChanged),
        ] {
            let (old, new) = (
                old_op.get(key).or(old_item.get(key)),
                new_op.get(key).or(new_item.get(key)),
            );
            if old != new {
                self.push(kind, format!("{location} {key}"), before_after(old, new));
            }
        }
        self.parameters(location, (old_op, old_item), (new_op, new_item));
        self.request_body(location, old_op, new_op);
        self.responses(location, old_op, new_op);
    }

    fn parameters(
        &mut self,
        location: &str,
        (old_op, old_item): (&'a Value, &'a Value),
        (new_op, new_item): (&'a Value, &'a Value),
    ) {
        let old = parameters(self.old, old_op, old_item);
        let new = parameters(self.new, new_op, new_item);
        let keys: BTreeSet<&(String, String)> = old.keys().chain(new.keys()).collect();
        for key @ (place, name) in keys {
            let here = format!("{location} parameter {name} ({place})");
            match (old.get(key), new.get(key)) {
                (Some(_), None) => self.push(Kind::ParameterRemoved, here, ""),
                (None, Some(added)) => {
                    let kind = if is_required(added) {
                        Kind::ParameterAddedRequired
                    } else {
                        Kind::ParameterAddedOptional
                    };
                    let label = added
                        .get("schema")
                        .map(|s| Shape::of(self.new, s).label)
                        .unwrap_or_default();
                    self.push(kind, here, label);
                }
                (Some(old), Some(new)) => {
                    match (is_required(old), is_required(new)) {
                        (false, true) => self.push(Kind::ParameterBecameRequired, &here, ""),
                        (true, false) => self.push(Kind::ParameterBecameOptional, &here, ""),
                        _ => {}
                    }
                    if let (Some(a), Some(b)) = (old.get("schema"), new.get("schema")) {
                        self.schema(a, b, Site::Parameter, &here, None, &mut Vec::new());
                    }
                }
                (None, None) => unreachable!("the key came from one of the maps"),
            }
        }
    }

    fn request_body(&mut self, location: &str, old_op: &'a Value, new_op: &'a Value) {
        let here = format!("{location} request body");
        let old = old_op
            .get("requestBody")
            .map(|b| normalize::resolve(self.old, b));
        let new = new_op
            .get("requestBody")
            .map(|b| normalize::resolve(self.new, b));
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(Kind::RequestBodyRemoved, here, ""),
            (None, Some(body)) => {
                let kind = if is_required(body) {
                    Kind::RequestBodyAddedRequired
                } else {
                    Kind::RequestBodyAddedOptional
                };
                self.push(kind, here, media_types(body).join(", "));
            }
            (Some(old), Some(new)) => self.body(old, new, Site::Request, &here),
        }
    }

    fn responses(&mut self, location: &str, old_op: &'a Value, new_op: &'a Value) {
        let statuses = |op: &'a Value| {
            op.get("responses")
                .and_then(Value::as_object)
                .map(|r| r.keys().cloned().collect::<BTreeSet<String>>())
                .unwrap_or_default()
        };
        let all: BTreeSet<String> = statuses(old_op).union(&statuses(new_op)).cloned().collect();
        for status in all {
            let here = format!("{location} response {status}");
            let success = normalize::is_success_status(&status);
            let old = old_op["responses"]
                .get(&status)
                .map(|r| normalize::resolve(self.old, r));
            let new = new_op["responses"]
                .get(&status)
                .map(|r| normalize::resolve(self.new, r));
            match (old, new, success) {
                (Some(_), None, true) => self.push(Kind::SuccessResponseRemoved, here, ""),
                (None, Some(_), true) => self.push(Kind::SuccessResponseAdded, here, ""),
                (Some(_), None, false) => self.push(Kind::ErrorResponseRemoved, here, ""),
                (None, Some(_), false) => self.push(Kind::ErrorResponseAdded, here, ""),
                (Some(old), Some(new), true) => self.body(old, new, Site::Response, &here),
                (Some(old), Some(new), false) => {
                    // Error bodies decode into the hand-written lenient error type: whatever
                    // changed inside is one non-breaking change, summarized.
                    let before = self.changes.len();
                    self.body(old, new, Site::Response, &here);
                    let inner: Vec<Change> = self.changes.drain(before..).collect();
                    if !inner.is_empty() {
                        let summary: Vec<String> = inner
                            .iter()
                            .map(|c| {
                                let at = c.location.strip_prefix(&here).unwrap_or(&c.location);
                                format!("{}{at}", c.kind)
                            })
                            .collect();
                        self.push(Kind::ErrorResponseChanged, here, summary.join("; "));
                    }
                }
                (None, None, _) => unreachable!("the status came from one of the maps"),
            }
        }
    }

    /// Webhooks added or removed, and their payloads compared like responses: the client
    /// decodes them, so they are as lenient and as fragile as response types.
    fn webhooks(&mut self) {
        let (old, new) = (webhooks(self.old), webhooks(self.new));
        let keys: BTreeSet<&(String, &'static str)> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let location = format!("webhook {} {}", key.0, key.1.to_uppercase());
            match (old.get(key), new.get(key)) {
                (Some(_), None) => self.push(Kind::WebhookRemoved, location, ""),
                (None, Some(_)) => self.push(Kind::WebhookAdded, location, ""),
                (Some(old), Some(new)) => {
                    let here = format!("{location} payload");
                    let payload = |doc: &'a Value, op: &'a Value| {
                        op.get("requestBody").map(|b| normalize::resolve(doc, b))
                    };
                    match (payload(self.old, old), payload(self.new, new)) {
                        (None, None) => {}
                        (Some(old), Some(new)) => self.body(old, new, Site::Response, &here),
                        (old, new) => {
                            let describe = |body: Option<&Value>| match body {
                                None => "no payload".to_string(),
                                Some(body) => media_types(body).join(", "),
                            };
                            let detail = format!("{} → {}", describe(old), describe(new));
                            self.push(
                                Kind::ResponsePropertyTypeChanged,
                                format!("{here} $"),
                                detail,
                            );
                        }
                    }
                }
                (None, None) => unreachable!("the key came from one of the maps"),
            }
        }
    }

    /// A request body or response: media types, then the schema.
    fn body(&mut self, old: &'a Value, new: &'a Value, site: Site, here: &str) {
        let (old_types, new_types) = (media_types(old), media_types(new));
        if old_types != new_types {
            let describe = |t: &[&str]| {
                if t.is_empty() {
                    "no body".to_string()
                } else {
                    t.join(", ")
                }
            };
            self.push(
                site.type_changed(),
                format!("{here} $"),
                format!("{} → {}", describe(&old_types), describe(&new_types)),
            );
            return;
        }
        if let (Some(a), Some(b)) = (body_schema(old), body_schema(new)) {
            self.schema(a, b, site, here, Some("$".into()), &mut Vec::new());
        }
    }

    /// Compares two schemas at `here` (an operation part) and `path` (`$.a.b` inside its body;
    /// `None` for a parameter's own schema). `expanding` holds the components being walked, so a
    /// recursive schema is walked once.
    fn schema(
        &mut self,
        old: &'a Value,
        new: &'a Value,
        site: Site,
        here: &str,
        path: Option<String>,
        expanding: &mut Vec<&'a str>,
    ) {
        let at = match &path {
            Some(path) => format!("{here} {path}"),
            None => here.to_string(),
        };
        let inner = |suffix: &str| Some(format!("{}{suffix}", path.as_deref().unwrap_or("$")));
        let (o, n) = (Shape::of(self.old, old), Shape::of(self.new, new));
        if o.label != n.label {
            self.push(
                site.type_changed(),
                at,
                format!("{} → {}", o.label, n.label),
            );
            return;
        }
        if let Some(name) = o.component {
            if expanding.contains(&name) {
                return;
            }
            expanding.push(name);
        }
        let old_values = o.enum_values.map(Vec::as_slice).unwrap_or_default();
        let new_values = n.enum_values.map(Vec::as_slice).unwrap_or_default();
        for value in old_values.iter().filter(|v| !new_values.contains(v)) {
            self.push(site.enum_value(false), &at, value.to_string());
        }
        for value in new_values.iter().filter(|v| !old_values.contains(v)) {
            self.push(site.enum_value(true), &at, value.to_string());
        }
        for (name, old_property) in &o.properties {
            let property_at = format!("{} {}.{name}", here, path.as_deref().unwrap_or("$"));
            let Some(new_property) = n.property(name) else {
                let label = Shape::of(self.old, old_property).label;
                self.push(site.property_removed(), property_at, label);
                continue;
            };
            let was_required = o.required.contains(name);
            let is_required = n.required.contains(name);
            if was_required != is_required {
                self.push(site.property_required(is_required), &property_at, "");
            }
            let was_nullable = Shape::of(self.old, old_property).nullable;
            let is_nullable = Shape::of(self.new, new_property).nullable;
            if was_nullable != is_nullable && was_required == is_required {
                let detail = if is_nullable {
                    "now nullable"
                } else {
                    "no longer nullable"
                };
                if is_required {
                    // A required field is `T`, a required nullable one `Option<T>`.
                    self.push(site.type_changed(), &property_at, detail);
                } else {
                    self.push(Kind::OptionalPropertyNullableChanged, &property_at, detail);
                }
            }
            self.schema(
                old_property,
                new_property,
                site,
                here,
                inner(&format!(".{name}")),
                expanding,
            );
        }
        for (name, new_property) in &n.properties {
            if o.property(name).is_none() {
                let required = n.required.contains(name);
                let label = Shape::of(self.new, new_property).label;
                let detail = if required {
                    format!("{label}, required")
                } else {
                    label
                };
                self.push(
                    site.property_added(required),
                    format!("{} {}.{name}", here, path.as_deref().unwrap_or("$")),
                    detail,
                );
            }
        }
        if let (Some(a), Some(b)) = (o.items, n.items) {
            self.schema(a, b, site, here, inner("[]"), expanding);
        }
        for (i, (a, b)) in o.variants.iter().zip(&n.variants).enumerate() {
            self.schema(a, b, site, here, inner(&format!("<{i}>")), expanding);
        }
        if o.component.is_some() {
            expanding.pop();
        }
    }

    /// Documentation changes anywhere in `paths`, `components` and `webhooks`.
    fn documentation(&mut self) {
        for pointer in raw::differences(self.old, self.new) {
            let in_api = ["/paths/", "/components/", "/webhooks/"]
                .iter()
                .any(|part| pointer.starts_with(part));
            if in_api && raw::is_documentation(&pointer) {
                self.push(Kind::DocumentationChanged, format!("#{pointer}"), "");
            }
        }
    }

    /// Differences no rule explained, listed so that none goes unseen.
    fn unclassified(&mut self) {
        for pointer in raw::differences(self.old, self.new) {
            if !raw::is_documentation(&pointer) {
                self.push(Kind::Unclassified, format!("#{pointer}"), "");
            }
        }
    }
}

fn union_of_keys(old: &Value, new: &Value) -> BTreeSet<String> {
    [old, new]
        .into_iter()
        .filter_map(Value::as_object)
        .flat_map(|m| m.keys().cloned())
        .collect()
}

fn before_after(old: Option<&Value>, new: Option<&Value>) -> String {
    let show = |v: Option<&Value>| match v {
        None => "absent".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => {
            let text = v.to_string();
            if text.len() > 80 {
                format!("{}…", text.chars().take(80).collect::<String>())
            } else {
                text
            }
        }
    };
    format!("{} → {}", show(old), show(new))
}
