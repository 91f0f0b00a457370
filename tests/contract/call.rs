//! A call of any operation of the table with values from data, as the contract suite makes it:
//! through the public `Client::operation` (parameters by their wire names, a JSON body, extra
//! headers such as Prism's `Prefer`, the answer as it came), plus the table's two hidden hooks
//! that name each operation's generated types (the body passed through its body type, the
//! answer decoded as its success type and serialized again).

use d360_partner::operations::OperationInfo;
use d360_partner::{Client, Result};
use serde_json::Value;

/// What to send: parameters by their wire names, a JSON body, and headers the spec does not
/// describe.
#[derive(Clone, Debug, Default)]
pub struct CallArgs {
    /// `(name, value)` per parameter, values as JSON (`"id"`, `10`, `["us", "gb"]`).
    pub parameters: Vec<(String, Value)>,
    /// The JSON request body.
    pub body: Option<Value>,
    /// Extra headers, e.g. Prism's `Prefer`.
    pub headers: Vec<(String, String)>,
}

/// A successful [`call`]: the status, the body as received, and the body decoded as the
/// operation's success type and serialized again (to compare with what was sent).
#[derive(Clone, Debug)]
pub struct Called {
    pub status: u16,
    pub raw_body: Vec<u8>,
    /// `null` for operations without a success body.
    pub decoded: Value,
}

/// Calls the operation `info` describes through `client`, encoding the values as the typed
/// builders do (the body passes through the operation's body type first); an error status is
/// the `Error` a typed call gives.
pub async fn call(
    client: &Client,
    info: &'static OperationInfo,
    args: &CallArgs,
) -> Result<Called> {
    let mut call = client.call(info);
    for (name, value) in &args.parameters {
        call = call.parameter(name, value.clone());
    }
    if let Some(body) = &args.body {
        let typed = d360_partner::mock::contract::reserialize_body(info, body)
            .map_err(|mismatch| format!("{}: {mismatch}", info.id()))
            .expect("a sample body decodes as the operation's body type");
        call = call.body(&typed);
    }
    for (name, value) in &args.headers {
        call = call.header(name, value);
    }
    let answer = call.send_raw().await?.error_for_status()?;
    let status = answer.status().as_u16();
    Ok(Called {
        status,
        raw_body: answer.bytes().to_vec(),
        decoded: d360_partner::mock::contract::roundtrip(info, status, answer.bytes())?,
    })
}
