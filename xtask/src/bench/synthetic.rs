//! Synthetic specs of any size, built from the vendored spec's own shapes: each copy of its
//! operations gets a new path prefix, an operation id with a numeric suffix, and its own copies of
//! the schemas its requests and successes use. Error schemas stay shared, as the whole Partners
//! V2 API shares one error shape.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

const SCHEMA_REF: &str = "#/components/schemas/";
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `seed` grown (or shrunk) to exactly `operations` operations.
pub fn spec(seed: &Value, operations: usize) -> Result<Value, String> {
    let paths = seed["paths"]
        .as_object()
        .ok_or("the vendored spec has no paths")?;
    let schemas = seed["components"]["schemas"]
        .as_object()
        .ok_or("the vendored spec has no component schemas")?;
    let shared = error_schemas(paths, schemas);
    let per_copy: Vec<&String> = schemas.keys().filter(|n| !shared.contains(*n)).collect();

    let mut document = seed.clone();
    let mut new_paths = Map::new();
    let mut new_schemas: Map<String, Value> = schemas
        .iter()
        .filter(|(name, _)| shared.contains(*name))
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect();
    let mut made = 0;
    for copy in 0.. {
        if made == operations {
            break;
        }
        let suffix = format!("{copy:04}");
        let rename = |name: &str| (!shared.contains(name)).then(|| format!("{name}X{suffix}"));
        for (path, item) in paths {
            let mut item = item.clone();
            if let Some(item) = item.as_object_mut() {
                // Operations beyond the requested count are dropped from the last copy.
                for method in METHODS {
                    if item.contains_key(*method) {
                        if made == operations {
                            item.remove(*method);
                        } else {
                            made += 1;
                            let id = &mut item[*method]["operationId"];
                            if let Some(text) = id.as_str() {
                                *id = Value::String(format!("{text}_{suffix}"));
                            }
                        }
                    }
                }
            }
            rename_refs(&mut item, &rename);
            new_paths.insert(format!("/bench{suffix}{path}"), item);
        }
        for name in &per_copy {
            let mut schema = schemas[name.as_str()].clone();
            rename_refs(&mut schema, &rename);
            new_schemas.insert(rename(name).expect("a per-copy schema"), schema);
        }
        if copy > operations {
            return Err("the vendored spec has no operations to copy".into());
        }
    }
    document["paths"] = Value::Object(new_paths);
    document["components"]["schemas"] = Value::Object(new_schemas);
    Ok(document)
}

/// The schemas error responses (any status but 2xx) use, directly or through other schemas.
fn error_schemas(paths: &Map<String, Value>, schemas: &Map<String, Value>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for operation in paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|i| i.values())
    {
        if let Some(responses) = operation["responses"].as_object() {
            for (status, response) in responses {
                if !status.starts_with('2') {
                    collect_refs(response, &mut found);
                }
            }
        }
    }
    // Follow references until no new schema appears.
    loop {
        let mut next = found.clone();
        for name in &found {
            if let Some(schema) = schemas.get(name) {
                collect_refs(schema, &mut next);
            }
        }
        if next.len() == found.len() {
            return found;
        }
        found = next;
    }
}

fn collect_refs(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMA_REF))
            {
                found.insert(name.to_string());
            }
            map.values().for_each(|v| collect_refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, found)),
        _ => {}
    }
}

/// Points every schema reference `rename` maps to its new name.
fn rename_refs(value: &mut Value, rename: &impl Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = reference.strip_prefix(SCHEMA_REF).and_then(rename)
            {
                *reference = format!("{SCHEMA_REF}{new}");
            }
            map.values_mut().for_each(|v| rename_refs(v, rename));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, rename)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// How many operations a spec has.
    fn operation_count(spec: &Value) -> usize {
        spec["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .values()
                    .filter_map(Value::as_object)
                    .map(|item| METHODS.iter().filter(|m| item.contains_key(**m)).count())
                    .sum()
            })
            .unwrap_or(0)
    }

    fn seed() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {"/p/{id}": {
                "get": {"operationId": "x_docs_api_get_p", "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}},
                    "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"}}}}}},
                "patch": {"operationId": "x_docs_api_patch_p", "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}}
            }},
            "components": {"schemas": {
                "Out": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
                "Inner": {"type": "object"},
                "Err": {"type": "object", "properties": {"meta": {"$ref": "#/components/schemas/Meta"}}},
                "Meta": {"type": "object"}
            }}
        })
    }

    #[test]
    fn copies_operations_and_success_schemas_but_shares_error_schemas() {
        let spec = spec(&seed(), 5).unwrap();
        assert_eq!(operation_count(&spec), 5);
        let schemas = spec["components"]["schemas"].as_object().unwrap();
        let mut names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "Err",
                "InnerX0000",
                "InnerX0001",
                "InnerX0002",
                "Meta",
                "OutX0000",
                "OutX0001",
                "OutX0002"
            ]
        );
        assert_eq!(
            schemas["OutX0001"]["properties"]["inner"]["$ref"],
            "#/components/schemas/InnerX0001"
        );
        let item = &spec["paths"]["/bench0001/p/{id}"];
        assert_eq!(item["get"]["operationId"], "x_docs_api_get_p_0001");
        assert_eq!(
            item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/OutX0001"
        );
        assert_eq!(
            item["get"]["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Err"
        );
        // The fifth operation is the third copy's first; its second is dropped.
        assert!(spec["paths"]["/bench0002/p/{id}"].get("patch").is_none());
    }
}
