//! Request values made from the spec's own schemas, for any operation: what the contract suite
//! sends, so it needs no code per operation. Sample `n` varies which optional parameters and
//! fields are set, and cycles path parameters through ids the client must percent-encode.

use serde_json::{Map, Value, json};

/// Path parameter values: plain ones and ones the client must percent-encode.
pub const PATH_VALUES: [&str; 5] = [
    "PaRtNeR01",
    "partner with spaces",
    "a/b?c#d",
    "ünïcödé",
    "0",
];

/// A spec document with `$ref`s resolved on demand.
pub struct Spec<'a> {
    pub document: &'a Value,
}

/// One operation of the spec: its JSON object and its path item.
pub struct SpecOperation<'a> {
    pub operation: &'a Value,
    pub path_item: &'a Value,
}

impl<'a> Spec<'a> {
    /// The operation at `method` and `path`, if the spec has it.
    pub fn operation(&self, method: &str, path: &str) -> Option<SpecOperation<'a>> {
        let path_item = self.document["paths"].get(path)?;
        let operation = path_item.get(method.to_ascii_lowercase())?;
        Some(SpecOperation {
            operation,
            path_item,
        })
    }

    /// Every `(method, path)` of the spec.
    pub fn operations(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for (path, item) in self.document["paths"].as_object().into_iter().flatten() {
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                if item.get(method).is_some() {
                    found.push((method.to_ascii_uppercase(), path.clone()));
                }
            }
        }
        found
    }

    fn resolve(&self, value: &'a Value) -> &'a Value {
        match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => self
                .document
                .pointer(pointer)
                .map(|target| self.resolve(target))
                .unwrap_or(value),
            None => value,
        }
    }

    /// The parameters of an operation, path-level ones included, resolved.
    pub fn parameters(&self, operation: &SpecOperation<'a>) -> Vec<&'a Value> {
        let own: Vec<&Value> = operation.operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
            .collect();
        let key = |p: &Value| (p["name"].clone(), p["in"].clone());
        let mut all: Vec<&Value> = operation.path_item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
            .filter(|p| !own.iter().any(|o| key(o) == key(p)))
            .collect();
        all.extend(own);
        all
    }

    /// The `n`-th sample arguments of an operation: every required parameter, optional ones
    /// by the bits of `n`, and a body (when optional, in two samples of three).
    pub fn arguments(
        &self,
        operation: &SpecOperation<'a>,
        n: usize,
    ) -> (Vec<(String, Value)>, Option<Value>) {
        let mut arguments = Vec::new();
        for (i, parameter) in self.parameters(operation).into_iter().enumerate() {
            let required = parameter["required"] == true || parameter["in"] == "path";
            if !required && (n >> (i % 16)) & 1 == 0 {
                continue;
            }
            let schema = parameter
                .pointer("/content/application~1json/schema")
                .unwrap_or(&parameter["schema"]);
            let schema = self.resolve(schema);
            let value = if parameter["in"] == "path"
                && schema["type"] == "string"
                && schema.get("enum").is_none()
            {
                json!(PATH_VALUES[n % PATH_VALUES.len()])
            } else {
                self.sample(schema, n, 0)
            };
            arguments.push((
                parameter["name"].as_str().unwrap_or_default().to_string(),
                value,
            ));
        }
        let body = operation
            .operation
            .get("requestBody")
            .map(|b| self.resolve(b));
        let body = body.and_then(|body| {
            let schema = body.pointer("/content/application~1json/schema")?;
            (body["required"] == true || !n.is_multiple_of(3))
                .then(|| self.sample(self.resolve(schema), n, 0))
        });
        (arguments, body)
    }

    /// A value that fits `schema`, varied by `n`.
    pub fn sample(&self, schema: &'a Value, n: usize, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > 8 {
            return Value::Null;
        }
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if let Some(values) = schema["enum"].as_array() {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            return values[n % values.len()].clone();
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(variants) = schema[combinator].as_array() {
                return self.sample(&variants[n % variants.len()], n, depth + 1);
            }
        }
        if let Some(parts) = schema["allOf"].as_array() {
            let mut merged = Map::new();
            for part in parts {
                match self.sample(part, n, depth + 1) {
                    Value::Object(fields) => merged.extend(fields),
                    other => return other,
                }
            }
            return Value::Object(merged);
        }
        match schema["type"].as_str() {
            Some("string") => json!(match schema["format"].as_str() {
                Some("url" | "uri") => format!("https://partner.example/{n}"),
                Some("date-time") => "2026-01-02T03:04:05Z".to_string(),
                Some("email") => format!("user{n}@partner.example"),
                _ => format!("sample-{n}"),
            }),
            Some("integer") => json!(schema["minimum"].as_i64().unwrap_or(0).max(n as i64 % 100)),
            Some("number") => json!(schema["minimum"].as_f64().unwrap_or(0.0) + 1.5),
            Some("boolean") => json!(n.is_multiple_of(2)),
            Some("array") => {
                let count = schema["minItems"].as_u64().unwrap_or(1).max(1) as usize;
                Value::Array(
                    (0..count)
                        .map(|i| self.sample(&schema["items"], n + i, depth + 1))
                        .collect(),
                )
            }
            _ => {
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut object = Map::new();
                for (i, (name, property)) in schema["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if required.contains(&name.as_str()) || (n >> (i % 16)) & 1 == 1 {
                        object.insert(name.clone(), self.sample(property, n, depth + 1));
                    }
                }
                Value::Object(object)
            }
        }
    }

    /// The error statuses an operation lists (exact codes, not ranges).
    pub fn error_statuses(&self, operation: &SpecOperation<'a>) -> Vec<u16> {
        operation.operation["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(status, _)| status.parse::<u16>().ok())
            .filter(|status| *status >= 400)
            .collect()
    }

    /// A string property of an operation's JSON request body, to send with the wrong type.
    pub fn string_body_property(&self, operation: &SpecOperation<'a>) -> Option<String> {
        let body = self.resolve(operation.operation.get("requestBody")?);
        let schema = self.resolve(body.pointer("/content/application~1json/schema")?);
        schema["properties"]
            .as_object()?
            .iter()
            .find(|(_, property)| self.resolve(property)["type"] == "string")
            .map(|(name, _)| name.clone())
    }
}
