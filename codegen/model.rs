//! The normalized document read into what the emitter writes out: operations with their
//! parameters, bodies and success types; the string enums; the webhooks.
//!
//! Runs after the normalization passes, which guarantee what this relies on: every schema an
//! operation must name is a component (`name_inline_schemas`), component keys are Rust type names
//! (`name_types`), and nothing the client cannot encode is left
//! (`reject_what_the_generator_cannot_handle`).

use crate::codegen::kinds::{Kind, kind};
pub use crate::codegen::lists::List;
use crate::codegen::normalize::naming::{
    builder_name, handle_name, setter_name, type_name, variant_names,
};
use crate::codegen::normalize::{
    component_name, is_free_form_object, json_schema, operations, parameters, success_response,
};
use crate::codegen::path_template::PathTemplate;
pub use crate::codegen::vocabulary::{BodyKind, Location, Style};
use serde_json::{Map, Value};

/// Where the generated code finds the model types.
pub const TYPES: &str = "crate::types";

/// Everything the emitter writes.
pub struct Api {
    pub operations: Vec<Operation>,
    pub enums: Vec<Enum>,
    pub webhooks: Vec<Webhook>,
}

pub struct Operation {
    /// The method name, e.g. `get_partner`.
    pub id: String,
    /// Its builder type, e.g. `GetPartner`.
    pub builder: String,
    /// Its handle constant, e.g. `GET_PARTNER`.
    pub handle: String,
    /// `GET`, `PATCH`, ...
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The spec's tags (a reference page's name).
    pub tags: Vec<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    /// The declared success status (a `2XX` range counts as 200).
    pub success_status: u16,
    /// The success body's Rust type; `None` when the success response has no JSON body.
    pub success_type: Option<String>,
    /// How its answers page through a collection, when it is a list (`lists.rs`).
    pub list: Option<List>,
}

impl Operation {
    /// Whether it takes a body, and must.
    pub fn body_kind(&self) -> BodyKind {
        match &self.body {
            None => BodyKind::None,
            Some(body) if body.required => BodyKind::Required,
            Some(_) => BodyKind::Optional,
        }
    }
}

/// The builder methods a list operation adds: a parameter with one of these setter names would
/// collide with them.
pub const LIST_METHODS: [&str; 3] = ["page_size", "pages", "items"];

pub struct Parameter {
    /// As the spec names it on the wire.
    pub name: String,
    /// The builder's setter.
    pub setter: String,
    pub location: Location,
    pub required: bool,
    pub style: Style,
    pub explode: bool,
    /// The value's Rust type.
    pub rust_type: RustType,
    /// What its values are.
    pub kind: Kind,
    pub description: Option<String>,
    pub deprecated: bool,
}

pub struct Body {
    pub rust_type: RustType,
    pub required: bool,
    pub description: Option<String>,
    /// The top-level properties of its schema, in the spec's order.
    pub properties: Vec<Property>,
}

/// A top-level property of a request body.
pub struct Property {
    pub name: String,
    pub kind: Kind,
    pub required: bool,
    pub description: Option<String>,
}

/// A Rust type as the generated code spells it, and how a setter takes it.
#[derive(Clone, Debug, PartialEq)]
pub enum RustType {
    String,
    Integer(&'static str),
    Number,
    Boolean,
    Json,
    JsonObject,
    Vec(Box<RustType>),
    Named(String),
}

impl RustType {
    /// The type as written in generated code.
    pub fn spelled(&self) -> String {
        match self {
            RustType::String => "String".into(),
            RustType::Integer(width) => (*width).into(),
            RustType::Number => "f64".into(),
            RustType::Boolean => "bool".into(),
            RustType::Json => "serde_json::Value".into(),
            RustType::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
            RustType::Vec(item) => format!("Vec<{}>", item.spelled()),
            RustType::Named(name) => format!("{TYPES}::{name}"),
        }
    }
}

pub struct Enum {
    pub name: String,
    pub description: Option<String>,
    /// (variant, value) in the spec's order.
    pub values: Vec<(String, String)>,
}

pub struct Webhook {
    /// The key under `webhooks`, e.g. `channelCreated`.
    pub key: String,
    /// Its name in `d360_partner::webhooks`, e.g. `ChannelCreated`.
    pub name: String,
    /// The payload's type (a component).
    pub payload: String,
    pub summary: Option<String>,
    pub description: Option<String>,
}

impl Api {
    /// Reads the normalized document; an operation the model cannot spell is refused naming it.
    pub fn read(document: &Value) -> Result<Api, String> {
        let operations = operations(document)
            .map(|(pointer, operation, path, method)| {
                read_operation(document, &pointer, operation, &path, method)
                    .map_err(|message| format!("{pointer}: {message}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Api {
            operations,
            enums: read_enums(document),
            webhooks: read_webhooks(document)?,
        })
    }
}

fn read_operation(
    document: &Value,
    pointer: &str,
    operation: &Map<String, Value>,
    path: &str,
    method: &str,
) -> Result<Operation, String> {
    let id = text(operation, "operationId").ok_or("has no operationId")?;
    // The runtime parses the path with this same parser: one it refuses fails the build here.
    PathTemplate::parse(path).map_err(|e| format!("the path `{path}` is no path template: {e}"))?;
    let parameters = parameters(document, path, pointer, operation)
        .into_iter()
        .map(|(_, parameter)| read_parameter(document, parameter))
        .collect::<Result<Vec<_>, _>>()?;
    let body = match operation.get("requestBody") {
        Some(body) => {
            let body = crate::codegen::normalize::resolve(document, body);
            let schema = json_schema(body).ok_or("the request body has no JSON schema")?;
            Some(Body {
                rust_type: rust_type(schema).map_err(|e| format!("request body: {e}"))?,
                required: body.get("required") == Some(&Value::Bool(true)),
                description: text(body.as_object().unwrap_or(&Map::new()), "description"),
                properties: properties(document, schema),
            })
        }
        None => None,
    };
    let (success_status, success_type) = match success_response(operation) {
        Some((status, response)) => {
            let response = crate::codegen::normalize::resolve(document, response);
            let status = status.parse().unwrap_or(200);
            let rust_type = json_schema(response)
                .map(rust_type)
                .transpose()
                .map_err(|e| format!("success response: {e}"))?;
            (status, rust_type.map(|t| t.spelled()))
        }
        None => (200, None),
    };
    let list = crate::codegen::lists::list_of(document, path, pointer, operation);
    if list.is_some()
        && let Some(taken) = parameters
            .iter()
            .find(|p| LIST_METHODS.contains(&p.setter.as_str()))
    {
        return Err(format!(
            "parameter `{}` becomes the setter `{}`, which list operations use for paging; rename it",
            taken.name, taken.setter
        ));
    }
    Ok(Operation {
        builder: builder_name(&id),
        handle: handle_name(&id),
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        summary: text(operation, "summary"),
        description: text(operation, "description"),
        tags: operation
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        deprecated: operation.get("deprecated") == Some(&Value::Bool(true)),
        parameters,
        body,
        success_status,
        success_type,
        list,
        id,
    })
}

fn read_parameter(document: &Value, parameter: &Value) -> Result<Parameter, String> {
    let map = parameter
        .as_object()
        .ok_or("a parameter is not an object")?;
    let name = text(map, "name").ok_or("a parameter has no name")?;
    let spec_location = map.get("in").and_then(Value::as_str);
    let location = spec_location
        .and_then(Location::from_spec)
        .ok_or_else(|| format!("parameter `{name}` is in {spec_location:?}"))?;
    let json_content = parameter.pointer("/content/application~1json/schema");
    let schema = json_content
        .or_else(|| map.get("schema"))
        .ok_or_else(|| format!("parameter `{name}` has no schema"))?;
    let style = match (json_content, map.get("style").and_then(Value::as_str)) {
        (Some(_), _) => Style::Json,
        (None, Some("spaceDelimited")) => Style::SpaceDelimited,
        (None, Some("pipeDelimited")) => Style::PipeDelimited,
        _ => Style::Form,
    };
    // OpenAPI's default: `form` explodes, every other style does not.
    let explode = map
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(location == Location::Query && style == Style::Form);
    Ok(Parameter {
        setter: setter_name(&name),
        location,
        required: location == Location::Path || map.get("required") == Some(&Value::Bool(true)),
        style,
        explode,
        rust_type: rust_type(schema).map_err(|e| format!("parameter `{name}`: {e}"))?,
        kind: kind(document, schema),
        description: text(map, "description"),
        deprecated: map.get("deprecated") == Some(&Value::Bool(true)),
        name,
    })
}

/// The Rust type of a schema the passes left spellable: a reference, a primitive, a free-form
/// value or object, or an array of those.
pub fn rust_type(schema: &Value) -> Result<RustType, String> {
    let Value::Object(map) = schema else {
        return Ok(RustType::Json);
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        let name = component_name(reference)
            .ok_or_else(|| format!("`{reference}` is not a component schema"))?;
        return Ok(RustType::Named(name.to_string()));
    }
    if let Some(Value::Array(parts)) = map.get("allOf")
        && let [only] = parts.as_slice()
    {
        return rust_type(only);
    }
    match map.get("type").and_then(Value::as_str) {
        Some("string") => Ok(RustType::String),
        Some("integer") => Ok(RustType::Integer(
            match map.get("format").and_then(Value::as_str) {
                Some("int32") => "i32",
                _ => "i64",
            },
        )),
        Some("number") => Ok(RustType::Number),
        Some("boolean") => Ok(RustType::Boolean),
        Some("array") => Ok(RustType::Vec(Box::new(
            map.get("items")
                .map(rust_type)
                .transpose()?
                .unwrap_or(RustType::Json),
        ))),
        Some("object") if is_free_form_object(map) => Ok(RustType::JsonObject),
        None if map
            .keys()
            .all(|k| ["description", "nullable", "deprecated", "title"].contains(&k.as_str())) =>
        {
            Ok(RustType::Json)
        }
        _ => Err(format!(
            "no Rust type for the inline schema {schema}; give it a component"
        )),
    }
}

/// The top-level properties of a body's schema (through its `$ref`), in the spec's order.
fn properties(document: &Value, schema: &Value) -> Vec<Property> {
    let schema = crate::codegen::normalize::resolve(document, schema);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, property)| Property {
            name: name.clone(),
            kind: kind(document, property),
            required: required.contains(&name.as_str()),
            description: property
                .as_object()
                .and_then(|map| text(map, "description"))
                .or_else(|| {
                    let resolved = crate::codegen::normalize::resolve(document, property);
                    resolved
                        .as_object()
                        .and_then(|map| text(map, "description"))
                }),
        })
        .collect()
}

/// Every component that is a string enum (the passes moved all inline ones there).
fn read_enums(document: &Value) -> Vec<Enum> {
    let Some(Value::Object(schemas)) = document.pointer("/components/schemas") else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let map = schema.as_object()?;
            if !crate::codegen::normalize::is_string_enum(map) {
                return None;
            }
            let values: Vec<&str> = map["enum"]
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let variants = variant_names(&values);
            Some(Enum {
                name: name.clone(),
                description: text(map, "description"),
                values: variants
                    .into_iter()
                    .zip(values.iter().map(|v| v.to_string()))
                    .collect(),
            })
        })
        .collect()
}

/// Every webhook with a JSON payload (a component since `name_webhook_payloads`).
fn read_webhooks(document: &Value) -> Result<Vec<Webhook>, String> {
    let Some(Value::Object(webhooks)) = document.get("webhooks") else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (key, item) in webhooks {
        let Some((operation, schema)) =
            crate::codegen::normalize::METHODS
                .iter()
                .find_map(|method| {
                    let operation = item.get(*method)?;
                    Some((operation, json_schema(operation.get("requestBody")?)?))
                })
        else {
            continue;
        };
        let RustType::Named(payload) = rust_type(schema)? else {
            return Err(format!(
                "/webhooks/{key}: the payload is not a component schema"
            ));
        };
        let operation = operation.as_object().cloned().unwrap_or_default();
        found.push(Webhook {
            name: type_name(key),
            key: key.clone(),
            payload,
            summary: text(&operation, "summary"),
            description: text(&operation, "description"),
        });
    }
    Ok(found)
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A normalized document with one operation at `path` taking `parameters`, answering
    /// `success` (a response object) and taking `body` (a request body object) when given.
    fn document(path: &str, parameters: Value, success: Value, body: Option<Value>) -> Value {
        let mut operation = json!({
            "operationId": "do_it",
            "parameters": parameters,
            "responses": {"200": success},
        });
        if let Some(body) = body {
            operation["requestBody"] = body;
        }
        json!({
            "openapi": "3.0.3",
            "paths": {path: {"post": operation}},
            "components": {"schemas": {
                "Thing": {"type": "object", "properties": {
                    "name": {"type": "string", "description": "The name"},
                    "count": {"type": "integer"}
                }, "required": ["name"]}
            }}
        })
    }

    fn json_of(reference: &str) -> Value {
        json!({"content": {"application/json": {"schema": {"$ref": reference}}}})
    }

    fn read(document: &Value) -> Result<Operation, String> {
        Api::read(document).map(|mut api| api.operations.remove(0))
    }

    #[test]
    fn parameters_take_their_location_style_and_explode_from_the_spec_and_its_defaults() {
        let document = document(
            "/things/{id}",
            json!([
                {"in": "path", "name": "id", "schema": {"type": "string"}},
                {"in": "query", "name": "tags", "schema": {"type": "array", "items": {"type": "string"}}},
                {"in": "query", "name": "words", "style": "spaceDelimited", "schema": {"type": "array", "items": {"type": "string"}}},
                {"in": "query", "name": "filters", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": {}}}}},
                {"in": "header", "name": "x-ids", "schema": {"type": "array", "items": {"type": "integer"}}}
            ]),
            json!({"description": "done"}),
            None,
        );
        let operation = read(&document).unwrap();
        let summary: Vec<(&str, Location, bool, Style, bool, Kind)> = operation
            .parameters
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.location,
                    p.required,
                    p.style,
                    p.explode,
                    p.kind,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("id", Location::Path, true, Style::Form, false, Kind::String),
                (
                    "tags",
                    Location::Query,
                    false,
                    Style::Form,
                    true,
                    Kind::Array(&Kind::String)
                ),
                (
                    "words",
                    Location::Query,
                    false,
                    Style::SpaceDelimited,
                    false,
                    Kind::Array(&Kind::String)
                ),
                (
                    "filters",
                    Location::Query,
                    false,
                    Style::Json,
                    false,
                    Kind::Object
                ),
                (
                    "x-ids",
                    Location::Header,
                    false,
                    Style::Form,
                    false,
                    Kind::Array(&Kind::Integer)
                ),
            ]
        );
        assert_eq!(operation.body_kind(), BodyKind::None);
        assert_eq!(
            (operation.success_status, operation.success_type),
            (200, None)
        );
    }

    #[test]
    fn a_body_and_a_success_type_are_named_by_their_components() {
        let mut body = json_of("#/components/schemas/Thing");
        body["required"] = json!(true);
        let document = document(
            "/things",
            json!([]),
            json_of("#/components/schemas/Thing"),
            Some(body),
        );
        let operation = read(&document).unwrap();
        assert_eq!(operation.body_kind(), BodyKind::Required);
        assert_eq!(
            operation.success_type.as_deref(),
            Some("crate::types::Thing")
        );
        let body = operation.body.unwrap();
        assert_eq!(body.rust_type, RustType::Named("Thing".into()));
        let properties: Vec<(&str, Kind, bool)> = body
            .properties
            .iter()
            .map(|p| (p.name.as_str(), p.kind, p.required))
            .collect();
        assert_eq!(
            properties,
            [
                ("name", Kind::String, true),
                ("count", Kind::Integer, false)
            ]
        );
        assert_eq!(body.properties[0].description.as_deref(), Some("The name"));
    }

    #[test]
    fn a_path_the_runtime_would_refuse_fails_the_build_naming_it() {
        let document = document(
            "/things/{id",
            json!([]),
            json!({"description": "done"}),
            None,
        );
        assert_eq!(
            read(&document).err().as_deref(),
            Some(
                "/paths/~1things~1{id/post: the path `/things/{id` is no path template: the path has a `{` without its `}`"
            )
        );
    }

    #[test]
    fn a_list_parameter_that_would_take_a_stream_methods_name_is_refused() {
        let page = json!({"type": "object", "properties": {
            "total": {"type": "integer"},
            "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
        }});
        let mut document = document(
            "/things",
            json!([
                {"in": "query", "name": "limit", "schema": {"type": "integer"}},
                {"in": "query", "name": "offset", "schema": {"type": "integer"}},
                {"in": "query", "name": "pages", "schema": {"type": "string"}}
            ]),
            json_of("#/components/schemas/Page"),
            None,
        );
        document["components"]["schemas"]["Page"] = page;
        let error = read(&document).err().unwrap();
        assert!(
            error.ends_with("parameter `pages` becomes the setter `pages`, which list operations use for paging; rename it"),
            "{error}"
        );
    }
}
