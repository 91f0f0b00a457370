//! The simulated partner: `GET` answers it, `PATCH` changes the properties the spec's request
//! body has and answers it changed. A property the spec does not have, or one of the wrong type,
//! is refused with 400 and the hub's error body, as the spec's operation describes it.

use super::super::{MockError, RecordedRequest};
use crate::error::BodyMismatch;
use crate::serve::Response;
use hyper::StatusCode;
use serde_json::{Map, Value, json};
use std::sync::Mutex;

/// The partner the sandbox starts with.
pub(super) fn initial(io_signature: bool) -> Value {
    json!({
        "id": super::super::credentials::PARTNER_ID,
        "brand_name": "Sandbox Partner",
        "country": "DE",
        "logo_url": null,
        "webhook_url": null,
        "partner_redirect_url": null,
        "allow_client_to_add_phone_no": true,
        "settings": {
            "partner_change_request": {"auto_approve": false},
            "account_sharing": null,
            "io_secure": {"io_signature_verification_enabled": io_signature}
        }
    })
}

/// The answer to `GET` or `PATCH` of the partner.
pub(super) fn answer(partner: &Mutex<Value>, request: &RecordedRequest) -> Response {
    let mut partner = partner.lock().unwrap_or_else(|e| e.into_inner());
    if request.method == "PATCH" {
        let changes = match changes(request) {
            Ok(changes) => changes,
            Err(error) => return error.response(),
        };
        if let Value::Object(fields) = &mut *partner {
            fields.extend(changes);
        }
    }
    super::super::answers::json(StatusCode::OK, &partner)
}

/// The properties a `PATCH` sets, checked against the spec's request body when the table has
/// the operation (types and names); any object otherwise.
fn changes(request: &RecordedRequest) -> Result<Map<String, Value>, MockError> {
    let body: Value = serde_json::from_slice(&request.body)
        .map_err(|e| invalid(format!("Invalid payload: {e}"), None))?;
    let Value::Object(fields) = &body else {
        return Err(invalid(
            "Invalid payload: the body is not an object".into(),
            None,
        ));
    };
    let operation = crate::operations::ALL.iter().find(|info| {
        info.method() == reqwest::Method::PATCH && info.template().matches(&request.path).is_some()
    });
    if let Some(info) = operation {
        info.check_body(&body).map_err(|mismatch| {
            let message = format!("Invalid payload: {mismatch}");
            match &mismatch {
                BodyMismatch::UnknownProperty { name } => {
                    invalid(message, Some((name, "Unknown field.")))
                }
                BodyMismatch::Invalid {
                    path: Some(path),
                    message: why,
                } => invalid(message.clone(), Some((path, why))),
                _ => invalid(message, None),
            }
        })?;
    }
    Ok(fields.clone())
}

/// The hub's 400 for a payload it refuses, with `details` naming the field when there is one.
fn invalid(message: String, field: Option<(&str, &str)>) -> MockError {
    let error = MockError::new(400, message);
    match field {
        Some((name, why)) => error.with_details(json!({ name: [why] })),
        None => error,
    }
}
