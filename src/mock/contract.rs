//! The contract tests' hooks (`tests/contract.rs`): for every operation of the table, its
//! success type's decode-and-serialize and its body type's, so the tests compare what the hub
//! sends with what the typed client makes of it, with no code per operation. Only the generated
//! table can name the types, so it writes the hooks (`CONTRACT_HOOKS`); not part of the API.

use crate::Result;
use crate::error::BodyMismatch;
use crate::table::{ContractHooks, OperationInfo};
use reqwest::StatusCode;
use serde_json::Value;

/// Every operation's hooks.
pub(crate) static HOOKS: &[ContractHooks] = crate::operations::CONTRACT_HOOKS;

fn hooks(info: &OperationInfo) -> &'static ContractHooks {
    HOOKS
        .iter()
        .find(|hooks| std::ptr::eq(hooks.operation, info))
        .expect("every operation of the table has its hooks")
}

/// A success body of `info` decoded as its type and serialized again. Not part of the API.
#[doc(hidden)]
pub fn roundtrip(info: &OperationInfo, status: u16, body: &[u8]) -> Result<Value> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (hooks(info).roundtrip)(status, body)
}

/// A request body for `info` decoded as its body type and serialized again, as the typed
/// builder would send it; refused for an operation without a body. Not part of the API.
#[doc(hidden)]
pub fn reserialize_body(info: &OperationInfo, body: &Value) -> Result<Value, BodyMismatch> {
    match hooks(info).reserialize_body {
        Some(reserialize) => reserialize(body),
        None => Err(BodyMismatch::Invalid {
            path: None,
            message: format!("{} takes no request body", info.id()),
        }),
    }
}
