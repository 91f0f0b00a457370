//! Names: readable method names, a component (hence a Rust type with a name the generator and
//! this client agree on) for every schema the generated code must name, and component keys that
//! are their Rust type names.

use super::naming::{builder_name, type_name};
use super::{
    METHODS, PassResult, component_name, component_ref, escape, json_schema, operations_mut, refuse,
};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Derives readable method names from upstream operation ids.
///
/// Why: upstream ids are generated from documentation handlers, e.g.
/// `get_partner_management_docs_api_get_partner`; the part after the last `_docs_api_` is the
/// name users want (`get_partner`). Ids without that marker are kept in snake case
/// (`perform-call-action` → `perform_call_action`); a missing id is derived from method and path.
/// Two operations with one name would make the generator emit clashing methods, so that fails
/// here, naming both.
pub fn name_operations(document: &mut Value) -> PassResult {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for (pointer, operation, path, method) in operations_mut(document) {
        let name = match operation.get("operationId").and_then(Value::as_str) {
            Some(id) => snake_case(id.rsplit("_docs_api_").next().unwrap_or(id)),
            None => snake_case(&format!("{method}_{}", path.trim_start_matches("/api/v2"))),
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(refuse(
                &format!("{pointer}/operationId"),
                format!("cannot derive a method name from `{name}`"),
            ));
        }
        if let Some(first) = taken.insert(name.clone(), pointer.clone()) {
            return Err(refuse(
                &format!("{pointer}/operationId"),
                format!(
                    "derives method name `{name}`, which {first} already has; give one of them a distinct operationId"
                ),
            ));
        }
        operation.insert("operationId".into(), json!(name));
    }
    Ok(())
}

/// Gives every OpenAPI 3.1 webhook payload a component named after the webhook's key.
///
/// Why: users who receive the hub's webhooks need one Rust type per webhook
/// (`channelCreated` → `ChannelCreated`), as forward-compatible as response types, and the type
/// generator only names component schemas. An inline payload (the `application/json` request
/// body of the webhook's operation) moves to `components/schemas/<Key in UpperCamelCase>` (with a
/// `Webhook` suffix if a component already has that name) and is replaced by a `$ref`; a payload
/// that is already a `$ref` keeps its component. Runs before [`name_types`], so the names it
/// picks are final, and before the leniency passes, which then treat payloads like responses.
pub fn name_webhook_payloads(document: &mut Value) -> PassResult {
    let Some(Value::Object(webhooks)) = document.get("webhooks").cloned() else {
        return Ok(());
    };
    let mut taken = component_names(document);
    for (key, item) in &webhooks {
        for method in METHODS {
            let pointer = format!("/webhooks/{}/{method}/requestBody", escape(key));
            let Some(schema) = item
                .pointer(&format!("/{method}/requestBody"))
                .and_then(json_schema)
            else {
                continue;
            };
            if schema.get("$ref").is_some() {
                continue;
            }
            let name = free_name(&mut taken, &type_name(key), "Webhook");
            let schema = schema.clone();
            add_component(document, &name, schema);
            *document
                .pointer_mut(&format!("{pointer}/content/application~1json/schema"))
                .expect("the payload was just read from there") =
                json!({"$ref": component_ref(&name)});
        }
    }
    Ok(())
}

/// Gives a component to every schema the generated code must name: operations' inline request
/// bodies (`<Operation>Body`), success responses (`<Operation>Response`) and object parameters
/// (`<Operation><Parameter>`), and every inline string enum anywhere (`<Owner><Property>`,
/// `…Item` for array items), one component for enums with the same values.
///
/// Why: the client's builders and `send()` spell parameter, body and response types by name,
/// and every string enum becomes an open Rust enum (a value the spec does not list decodes
/// instead of failing the call), which the type generator takes only as a named replacement.
/// The names follow where the schema sits, so they read like the API (`GetClientsSort`) and stay
/// stable while the schema does; a name already taken gets a number. Enums with the same values
/// are one concept (the sort keys a list takes and the ones its answer reports), so they share
/// one type, named after the first place in document order (later ones never rename it). A
/// property keeps its own annotations (`description`, `deprecated`) and its nullability; the
/// enum's values move.
pub fn name_inline_schemas(document: &mut Value) -> PassResult {
    let mut taken = component_names(document);
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    for (_, operation, _, _) in operations_mut(document) {
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let owner = builder_name(&id);
        let mut hoist = |schema: &mut Value, base: String| {
            hoist_if_unnamed(schema, base, &mut taken, &mut hoisted);
        };
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            for parameter in parameters.iter_mut() {
                let base = format!("{owner}{}", type_name(&parameter_name(parameter)));
                if let Some(schema) = parameter.get_mut("schema") {
                    hoist(schema, base.clone());
                }
                if let Some(schema) = parameter.pointer_mut("/content/application~1json/schema") {
                    hoist(schema, base);
                }
            }
        }
        if let Some(schema) = operation
            .get_mut("requestBody")
            .and_then(|body| body.pointer_mut("/content/application~1json/schema"))
        {
            hoist(schema, format!("{owner}Body"));
        }
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            for (status, response) in responses.iter_mut() {
                if !super::is_success_status(status) {
                    continue;
                }
                if let Some(schema) = response.pointer_mut("/content/application~1json/schema") {
                    hoist(schema, format!("{owner}Response"));
                }
            }
        }
    }
    for (name, schema) in hoisted {
        add_component(document, &name, schema);
    }
    name_enums(document, &mut taken);
    Ok(())
}

/// One inline string enum: where it is, the name its place suggests.
struct EnumPlace {
    pointer: String,
    base: String,
}

/// Moves every inline string enum (in operation parameters and inside components) into a
/// component, one per distinct list of values, and points each place at it.
fn name_enums(document: &mut Value, taken: &mut BTreeSet<String>) {
    let mut places = Vec::new();
    for (pointer, operation, _, _) in super::operations(document) {
        let owner = builder_name(
            operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        for (i, parameter) in operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let base = format!("{owner}{}", type_name(&parameter_name(parameter)));
            for (at, schema) in [
                ("schema", parameter.get("schema")),
                (
                    "content/application~1json/schema",
                    parameter.pointer("/content/application~1json/schema"),
                ),
            ] {
                if let Some(schema) = schema {
                    let here = format!("{pointer}/parameters/{i}/{at}");
                    enum_places(schema, &here, &base, false, &mut places);
                }
            }
        }
    }
    if let Some(Value::Object(schemas)) = document.pointer("/components/schemas") {
        for (name, schema) in schemas {
            let here = format!("/components/schemas/{}", escape(name));
            enum_places(schema, &here, name, true, &mut places);
        }
    }
    // One component per list of values, named after its first place.
    let mut by_values: Vec<(Value, String)> = Vec::new();
    for place in places {
        let Some(schema) = document.pointer(&place.pointer).cloned() else {
            continue;
        };
        let component = moved_schema(schema.clone());
        let name = match by_values
            .iter()
            .find(|(values, _)| *values == component["enum"])
        {
            Some((_, name)) => name.clone(),
            None => {
                let name = free_name(taken, &type_name(&place.base), "");
                by_values.push((component["enum"].clone(), name.clone()));
                add_component(document, &name, component);
                name
            }
        };
        *document.pointer_mut(&place.pointer).expect("found above") =
            reference_keeping_annotations(&schema, &name);
    }
}

/// Records the inline string enums inside `schema` (at `pointer`, its place suggesting `base`);
/// a component that is itself an enum (`root`) is already named.
fn enum_places(schema: &Value, pointer: &str, base: &str, root: bool, places: &mut Vec<EnumPlace>) {
    let Value::Object(map) = schema else {
        return;
    };
    if !root && is_string_enum(map) {
        places.push(EnumPlace {
            pointer: pointer.to_string(),
            base: base.to_string(),
        });
        return;
    }
    for (key, child) in map {
        let here = format!("{pointer}/{}", escape(key));
        match key.as_str() {
            "properties" => {
                for (property, inner) in child.as_object().into_iter().flatten() {
                    let base = format!("{base}{}", type_name(property));
                    enum_places(
                        inner,
                        &format!("{here}/{}", escape(property)),
                        &base,
                        false,
                        places,
                    );
                }
            }
            "items" => enum_places(child, &here, &format!("{base}Item"), false, places),
            "additionalProperties" => {
                enum_places(child, &here, &format!("{base}Value"), false, places)
            }
            "allOf" | "anyOf" | "oneOf" => {
                let parts = child.as_array().map(Vec::as_slice).unwrap_or_default();
                for (i, part) in parts.iter().enumerate() {
                    let base = if parts.len() == 1 {
                        base.to_string()
                    } else {
                        format!("{base}Variant{i}")
                    };
                    enum_places(part, &format!("{here}/{i}"), &base, false, places);
                }
            }
            _ => {}
        }
    }
}

fn parameter_name(parameter: &Value) -> String {
    parameter
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Renames every component schema to its Rust type name and points every `$ref` at the new key.
///
/// Why: with key and type name equal, the generated code names a component's type by its key,
/// with no second spelling that could drift (`PartnerIOSecureSettingsOut` →
/// `PartnerIoSecureSettingsOut`, `_MetaSchemaError` → `MetaSchemaError`). Two keys with one Rust
/// name would generate clashing types, so that fails here, naming both.
pub fn name_types(document: &mut Value) -> PassResult {
    let Some(Value::Object(schemas)) = document.pointer("/components/schemas") else {
        return Ok(());
    };
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for key in schemas.keys() {
        let name = type_name(key);
        if let Some(first) = owners.insert(name.clone(), key.clone()) {
            return Err(refuse(
                &format!("/components/schemas/{}", escape(key)),
                format!(
                    "becomes the Rust type `{name}`, as `/components/schemas/{}` does; rename one of them",
                    escape(&first)
                ),
            ));
        }
        if name != *key {
            renamed.insert(key.clone(), name);
        }
    }
    if renamed.is_empty() {
        return Ok(());
    }
    let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") else {
        unreachable!("read above");
    };
    let old = std::mem::take(schemas);
    for (key, schema) in old {
        let key = renamed.get(&key).cloned().unwrap_or(key);
        schemas.insert(key, schema);
    }
    rewrite_refs(document, &|name| renamed.get(name).cloned());
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// Whether the generated code can spell `schema`'s Rust type without a name: a `$ref`, a
/// primitive, `{}`, a free-form object, or an array or single `allOf` of such.
fn spellable(schema: &Value) -> bool {
    let Value::Object(map) = schema else {
        return true;
    };
    if map.contains_key("$ref") {
        return true;
    }
    if is_string_enum(map) {
        return false;
    }
    if let Some(Value::Array(parts)) = map.get("allOf")
        && let [only] = parts.as_slice()
        && !map.contains_key("properties")
    {
        return spellable(only);
    }
    if ["anyOf", "oneOf", "allOf"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return false;
    }
    match map.get("type").and_then(Value::as_str) {
        Some("array") => map.get("items").is_none_or(spellable),
        Some("object") | None => {
            let declares = |key: &str| match map.get(key) {
                Some(Value::Object(inner)) => !inner.is_empty(),
                _ => false,
            };
            !declares("properties")
                && map
                    .get("additionalProperties")
                    .is_none_or(|extra| extra.is_boolean() || spellable(extra))
        }
        Some(_) => true,
    }
}

/// Moves `schema` into a component named after `base` unless the generated code can spell it;
/// an array's items are named instead of the array (`…Item`).
fn hoist_if_unnamed(
    schema: &mut Value,
    base: String,
    taken: &mut BTreeSet<String>,
    hoisted: &mut Vec<(String, Value)>,
) {
    // Enums get their components from `name_enums`, shared by every place with their values.
    let is_enum = schema.as_object().is_some_and(is_string_enum);
    if spellable(schema) || is_enum {
        return;
    }
    if schema.get("type") == Some(&json!("array")) {
        if let Some(items) = schema.get_mut("items") {
            hoist_if_unnamed(items, format!("{base}Item"), taken, hoisted);
        }
        return;
    }
    let name = free_name(taken, &type_name(&base), "");
    let moved = std::mem::take(schema);
    *schema = reference_keeping_annotations(&moved, &name);
    hoisted.push((name, moved_schema(moved)));
}

/// A string enum: `enum` values that are all strings (a `null` among them means nullable), of
/// `type: string` or no type.
pub fn is_string_enum(schema: &Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return false;
    };
    let typed = schema.get("type").is_none_or(|t| t == "string");
    typed
        && values.iter().any(Value::is_string)
        && values.iter().all(|v| v.is_string() || v.is_null())
}

/// Keys that describe the value itself and move with it into the component; the rest
/// (`description`, `deprecated`, `title`, ...) describe its place and stay.
const MOVED_KEYS: &[&str] = &[
    "type",
    "enum",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "default",
    "discriminator",
    "not",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// What takes a hoisted schema's place: a `$ref` to `name`, wrapped in a single `allOf` when
/// the place keeps annotations or is nullable (a `$ref` with siblings would lose them).
fn reference_keeping_annotations(moved: &Value, name: &str) -> Value {
    let nullable = moved.get("nullable") == Some(&json!(true))
        || moved
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(Value::is_null));
    let mut place: Map<String, Value> = moved
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| !MOVED_KEYS.contains(&key.as_str()) && *key != "nullable")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let reference = json!({"$ref": component_ref(name)});
    if place.is_empty() && !nullable {
        return reference;
    }
    place.insert("allOf".into(), json!([reference]));
    if nullable {
        place.insert("nullable".into(), json!(true));
    }
    Value::Object(place)
}

/// The component a hoisted schema becomes: what describes the value, with `null` taken out of
/// an enum's values (the place carries the nullability).
fn moved_schema(moved: Value) -> Value {
    let Value::Object(map) = moved else {
        return moved;
    };
    let mut component: Map<String, Value> = map
        .iter()
        .filter(|(key, _)| MOVED_KEYS.contains(&key.as_str()) || *key == "description")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(Value::Array(values)) = component.get_mut("enum") {
        values.retain(|v| !v.is_null());
        component.entry("type").or_insert_with(|| json!("string"));
    }
    Value::Object(component)
}

fn component_names(document: &Value) -> BTreeSet<String> {
    component_names_in_order(document)
        .into_iter()
        .map(|key| type_name(&key))
        .collect()
}

fn component_names_in_order(document: &Value) -> Vec<String> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

/// `wanted`, or `wanted` + `suffix`, or with a number, whichever is not taken; taken from now on.
fn free_name(taken: &mut BTreeSet<String>, wanted: &str, suffix: &str) -> String {
    let mut candidates = std::iter::once(wanted.to_string())
        .chain((!suffix.is_empty()).then(|| format!("{wanted}{suffix}")))
        .chain((2..).map(|n| format!("{wanted}{suffix}{n}")));
    let name = candidates
        .find(|c| !taken.contains(c))
        .expect("an endless supply of names");
    taken.insert(name.clone());
    name
}

fn add_component(document: &mut Value, name: &str, schema: Value) {
    if !document["components"].is_object() {
        document["components"] = json!({});
    }
    if !document["components"]["schemas"].is_object() {
        document["components"]["schemas"] = json!({});
    }
    document["components"]["schemas"][name] = schema;
}

/// Points every component `$ref` that `rename` maps elsewhere at its new name.
fn rewrite_refs(value: &mut Value, rename: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = component_name(reference).and_then(rename)
            {
                *reference = component_ref(&new);
            }
            map.values_mut().for_each(|v| rewrite_refs(v, rename));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, rename)),
        _ => {}
    }
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(operations: &[(&str, &str, Value)], schemas: Value) -> Value {
        let mut paths = Map::new();
        for (method, path, operation) in operations {
            let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
            item[*method] = operation.clone();
        }
        json!({"openapi": "3.0.3", "info": {"title": "T", "version": "2.0.0"}, "paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn names_operations_by_the_part_after_docs_api() {
        let mut doc = spec(
            &[
                (
                    "get",
                    "/api/v2/partners/{partner_id}",
                    json!({"operationId": "get_partner_management_docs_api_get_partner"}),
                ),
                (
                    "get",
                    "/api/v2/partners/{partner_id}/clients",
                    json!({"operationId": "listClients"}),
                ),
                (
                    "post",
                    "/calling/calls",
                    json!({"operationId": "perform-call-action"}),
                ),
                (
                    "delete",
                    "/api/v2/partners/{partner_id}/clients/{client_id}",
                    json!({}),
                ),
            ],
            json!({}),
        );
        name_operations(&mut doc).unwrap();
        let id = |path: &str, method: &str| doc["paths"][path][method]["operationId"].clone();
        assert_eq!(id("/api/v2/partners/{partner_id}", "get"), "get_partner");
        assert_eq!(
            id("/api/v2/partners/{partner_id}/clients", "get"),
            "list_clients"
        );
        assert_eq!(id("/calling/calls", "post"), "perform_call_action");
        assert_eq!(
            id(
                "/api/v2/partners/{partner_id}/clients/{client_id}",
                "delete"
            ),
            "delete_partners_partner_id_clients_client_id"
        );
    }

    #[test]
    fn a_name_collision_fails_naming_both_operations() {
        let mut doc = spec(
            &[
                ("get", "/a", json!({"operationId": "x_docs_api_get_thing"})),
                ("get", "/b", json!({"operationId": "y_docs_api_get_thing"})),
            ],
            json!({}),
        );
        let err = name_operations(&mut doc).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1b/get/operationId");
        assert!(
            err.message.contains("`get_thing`") && err.message.contains("/paths/~1a/get"),
            "{err}"
        );
    }

    #[test]
    fn inline_webhook_payloads_become_components_named_after_the_key() {
        let payload = json!({"type": "object", "properties": {"event": {"type": "string"}}});
        let mut doc = spec(
            &[],
            json!({"ChannelCreated": {"type": "object"}, "Shared": {"type": "object"}}),
        );
        doc["webhooks"] = json!({
            "channelCreated": {"post": {"requestBody": {"content": {"application/json": {"schema": payload}}}}},
            "templateStatusChanged": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}}}}
        });
        name_webhook_payloads(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["ChannelCreatedWebhook"],
            payload
        );
        assert_eq!(
            json_schema(&doc["webhooks"]["channelCreated"]["post"]["requestBody"]).unwrap(),
            &json!({"$ref": "#/components/schemas/ChannelCreatedWebhook"})
        );
        assert_eq!(
            json_schema(&doc["webhooks"]["templateStatusChanged"]["post"]["requestBody"]).unwrap(),
            &json!({"$ref": "#/components/schemas/Shared"}),
            "a referenced payload keeps its component"
        );
    }

    #[test]
    fn operation_schemas_and_enums_get_components_named_after_their_place() {
        let mut doc = spec(
            &[(
                "get",
                "/p/{partner_id}/clients",
                json!({
                    "operationId": "get_clients",
                    "parameters": [
                        {"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["name", "-name"]}},
                        {"in": "query", "name": "countries", "schema": {"type": "array", "items": {"type": "string"}}},
                        {"in": "query", "name": "states", "schema": {"type": "array", "items": {"type": "string", "enum": ["a"]}}},
                        {"in": "query", "name": "filters", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {}}}}}}
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}}},
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {
                            "tier": {"type": "string", "enum": ["basic", "", null], "description": "The tier."}
                        }}}}}},
                        "400": {"content": {"application/json": {"schema": {"type": "object", "properties": {"e": {"type": "string", "enum": ["x"]}}}}}}
                    }
                }),
            )],
            json!({"Thing": {"type": "object", "properties": {
                "status": {"type": "string", "enum": ["on", "off"], "nullable": true, "deprecated": true},
                "sort": {"type": "array", "items": {"type": "string", "enum": ["id", "-id"]}}
            }}}),
        );
        name_inline_schemas(&mut doc).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "GetClientsBody",
                "GetClientsFilters",
                "GetClientsResponseItem",
                "GetClientsResponseItemTier",
                "GetClientsSort",
                "GetClientsStatesItem",
                "Thing",
                "ThingSortItem",
                "ThingStatus"
            ]
        );
        let op = &doc["paths"]["/p/{partner_id}/clients"]["get"];
        assert_eq!(
            op["parameters"][0]["schema"],
            json!({"$ref": "#/components/schemas/GetClientsSort"})
        );
        assert_eq!(
            op["parameters"][1]["schema"]["items"],
            json!({"type": "string"}),
            "spellable: untouched"
        );
        assert_eq!(
            op["parameters"][2]["schema"]["items"],
            json!({"$ref": "#/components/schemas/GetClientsStatesItem"})
        );
        assert!(
            op["responses"]["400"]["content"]["application/json"]["schema"]["properties"]["e"]["enum"].is_array(),
            "error bodies decode into the client's own error type and are left alone"
        );
        assert_eq!(
            schemas["GetClientsResponseItem"]["properties"]["tier"],
            json!({"description": "The tier.", "allOf": [{"$ref": "#/components/schemas/GetClientsResponseItemTier"}], "nullable": true})
        );
        assert_eq!(
            schemas["GetClientsResponseItemTier"],
            json!({"type": "string", "enum": ["basic", ""], "description": "The tier."})
        );
        assert_eq!(
            schemas["Thing"]["properties"]["status"],
            json!({"deprecated": true, "allOf": [{"$ref": "#/components/schemas/ThingStatus"}], "nullable": true})
        );
        assert_eq!(
            schemas["Thing"]["properties"]["sort"]["items"],
            json!({"$ref": "#/components/schemas/ThingSortItem"})
        );
    }

    #[test]
    fn enums_with_the_same_values_share_the_first_places_type() {
        let sort = json!({"type": "string", "enum": ["name", "-name"]});
        let mut doc = spec(
            &[(
                "get",
                "/clients",
                json!({"operationId": "get_clients", "parameters": [{"in": "query", "name": "sort", "schema": sort}]}),
            )],
            json!({
                "ClientsOut": {"type": "object", "properties": {"sort": {"type": "array", "items": sort}}},
                "TemplatesOut": {"type": "object", "properties": {"sort": {"type": "array", "items": {"type": "string", "enum": ["id", "-id"]}}}}
            }),
        );
        name_inline_schemas(&mut doc).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["ClientsOut"]["properties"]["sort"]["items"]["$ref"],
            "#/components/schemas/GetClientsSort"
        );
        assert_eq!(
            doc["paths"]["/clients"]["get"]["parameters"][0]["schema"]["$ref"],
            "#/components/schemas/GetClientsSort"
        );
        assert_eq!(
            schemas["TemplatesOut"]["properties"]["sort"]["items"]["$ref"],
            "#/components/schemas/TemplatesOutSortItem",
            "other values, another type"
        );
        assert!(schemas.get("ClientsOutSortItem").is_none());
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let mut doc = spec(
            &[(
                "get",
                "/a",
                json!({"operationId": "get_a", "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"x": {}}}}}}}}),
            )],
            json!({"GetAResponse": {"type": "object"}}),
        );
        name_inline_schemas(&mut doc).unwrap();
        assert!(doc["components"]["schemas"]["GetAResponse2"].is_object());
    }

    #[test]
    fn components_are_renamed_to_their_rust_names_and_refs_follow() {
        let mut doc = spec(
            &[(
                "get",
                "/a",
                json!({"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/_Meta"}}}}}}),
            )],
            json!({"_Meta": {"type": "object", "properties": {"io": {"$ref": "#/components/schemas/PartnerIOSecure"}}},
                   "PartnerIOSecure": {"type": "object"}}),
        );
        name_types(&mut doc).unwrap();
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names, ["Meta", "PartnerIoSecure"]);
        assert_eq!(
            doc["components"]["schemas"]["Meta"]["properties"]["io"]["$ref"],
            "#/components/schemas/PartnerIoSecure"
        );
        assert_eq!(
            json_schema(&doc["paths"]["/a"]["get"]["responses"]["200"]).unwrap()["$ref"],
            "#/components/schemas/Meta"
        );
    }

    #[test]
    fn two_components_with_one_rust_name_are_refused_naming_both() {
        let mut doc = spec(
            &[],
            json!({"calling.CallInfo": {"type": "object"}, "CallingCallInfo": {"type": "object"}}),
        );
        let err = name_types(&mut doc).unwrap_err();
        // Whichever comes second (by key order) is the one refused; the message names both.
        let both = [
            "/components/schemas/CallingCallInfo",
            "/components/schemas/calling.CallInfo",
        ];
        assert!(both.contains(&err.pointer.as_str()), "{err}");
        assert!(err.message.contains("`CallingCallInfo`"), "{err}");
        assert!(
            err.message.contains("CallingCallInfo")
                && (err.message.contains("calling.CallInfo")
                    || err.pointer.ends_with("calling.CallInfo")),
            "{err}"
        );
    }
}
