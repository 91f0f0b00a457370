//! A request body as an operation's command line gives it: `--body` (read by `input.rs`), with
//! the property flags setting fields of it. Whether the body is what the operation takes is the
//! library's to say (`DynamicCall::body`).

use serde_json::{Map, Value};

/// The body: `given` (from `--body`), its fields set by `properties` (from the property flags,
/// which win); `None` when neither gives anything.
pub fn merged(
    given: Option<Value>,
    properties: Map<String, Value>,
) -> Result<Option<Value>, String> {
    Ok(match (given, properties.is_empty()) {
        (None, true) => None,
        (None, false) => Some(Value::Object(properties)),
        (Some(Value::Object(mut fields)), _) => {
            fields.extend(properties);
            Some(Value::Object(fields))
        }
        (Some(other), true) => Some(other),
        (Some(_), false) => {
            return Err(
                "the --body is not a JSON object, so property flags cannot set fields of it".into(),
            );
        }
    })
}
