//! Contract tests against Stoplight Prism, an independent server that validates every request
//! against the vendored spec and generates responses from it: our own mock servers only agree
//! with our own reading of the spec.
//!
//! For every operation of the generated table (`operations::ALL`, checked to be exactly the
//! spec's), with no code per operation: requests made from the spec's own schemas
//! (`contract/samples.rs`, bodies passed through the operation's body type, sent by
//! `contract/call.rs` through `Client::operation`) pass Prism's
//! request validation with API key and bearer token; hundreds of responses Prism generates from
//! the spec (seeded, so every run sees the same ones) decode into what Prism sent; each error
//! status the operation lists decodes into the typed API error with the body intact. A
//! hand-made invalid request proves Prism's validation is on.
//!
//! Needs Node.js (see `prism.rs`); `D360_PARTNER_SKIP_CONTRACT=1` skips it, loudly.

#[path = "contract/call.rs"]
mod call;
#[path = "contract/prism.rs"]
mod prism;
#[path = "contract/samples.rs"]
mod samples;

use call::{CallArgs, Called, call};
use d360_partner::operations::{ALL, OperationInfo};
use d360_partner::{Client, ErrorKind};
use prism::Prism;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use samples::{Spec, SpecOperation};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::Path;
use std::time::Duration;

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/partners-v2.json");
const API_KEY: &str = "contract-test-partner-api-key";
/// Generated success bodies per operation; with the 100-operation synthetic spec this is
/// 2,000 requests, about a minute against Prism.
const DYNAMIC_RESPONSES_PER_OPERATION: usize = 200;
/// Generated error bodies per operation and listed error status, besides Prism's static one.
const DYNAMIC_ERRORS_PER_STATUS: usize = 10;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The suite took about 25 s here with two operations (Prism answers in 35–50 ms); the bound
/// is for a hung Prism.
const SUITE_TIMEOUT: Duration = Duration::from_secs(1800);

#[test]
fn the_client_and_prism_agree_on_the_spec() {
    if !prism::should_run() {
        return;
    }
    let prism = Prism::start(Path::new(SPEC));
    let document: Value = serde_json::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
    let spec = Spec {
        document: &document,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tally = runtime.block_on(async {
        tokio::time::timeout(SUITE_TIMEOUT, check_everything(&prism, &spec))
            .await
            .unwrap_or_else(|_| {
                panic!("the contract suite did not finish within {SUITE_TIMEOUT:?}")
            })
    });
    prism::uncaptured(&format!("contract: {tally}"));
    // `prism` drops here, or during a panic's unwinding: either way its process is killed.
}

/// What the suite checked, for its summary line.
#[derive(Default)]
struct Tally {
    operations: usize,
    requests_validated: usize,
    dynamic_responses: usize,
    distinct_dynamic_bodies: usize,
    error_responses: usize,
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} operations, {} requests validated, {} dynamic responses decoded ({} distinct bodies), \
             {} error responses decoded, 1 invalid request rejected",
            self.operations,
            self.requests_validated,
            self.dynamic_responses,
            self.distinct_dynamic_bodies,
            self.error_responses
        )
    }
}

/// An operation of the table with its place in the spec.
struct Checked<'a> {
    info: &'static OperationInfo,
    spec: SpecOperation<'a>,
}

async fn check_everything(prism: &Prism, spec: &Spec<'_>) -> Tally {
    let operations = table_is_the_spec(spec);
    let mut tally = Tally {
        operations: operations.len(),
        ..Tally::default()
    };
    let by_hand = plain_http();
    let client_phase_starts = prism.log().len();

    tally.requests_validated +=
        configured_clients_send_valid_requests(prism, spec, &operations).await;
    for operation in &operations {
        generated_responses_decode(prism, spec, operation, &mut tally).await;
        error_responses_decode(prism, spec, operation, &mut tally).await;
    }

    let log = log_through_marker(prism, &by_hand, "after-client-requests").await;
    let client_phase = &log[client_phase_starts..];
    assert!(
        !client_phase.contains("Violation: request"),
        "Prism logged request violations for the client's requests:\n{client_phase}"
    );
    // Every request reached Prism's log, so the absence above is not for want of logging.
    let received = client_phase.matches("Request received").count();
    assert!(
        received >= tally.requests_validated,
        "Prism logged {received} requests, the client sent {}",
        tally.requests_validated
    );

    invalid_requests_are_rejected(prism, spec, &operations, &by_hand).await;
    tally
}

/// The operations of the generated table, each found in the spec; fails unless the table and
/// the spec hold exactly the same operations.
fn table_is_the_spec<'a>(spec: &Spec<'a>) -> Vec<Checked<'a>> {
    let in_spec: BTreeSet<(String, String)> = spec.operations().into_iter().collect();
    let in_table: BTreeSet<(String, String)> = ALL
        .iter()
        .map(|info| (info.method().to_string(), info.path().to_string()))
        .collect();
    assert_eq!(
        in_spec, in_table,
        "the generated table differs from the spec's operations"
    );
    ALL.iter()
        .map(|info| Checked {
            info,
            spec: spec
                .operation(info.method().as_str(), info.path())
                .expect("checked above"),
        })
        .collect()
}

/// The `n`-th request of an operation, with `Prefer` for Prism when given.
fn arguments(spec: &Spec<'_>, operation: &Checked<'_>, n: usize, prefer: Option<&str>) -> CallArgs {
    let (parameters, body) = spec.arguments(&operation.spec, n);
    CallArgs {
        parameters,
        body,
        headers: prefer
            .map(|prefer| vec![("prefer".to_string(), prefer.to_string())])
            .unwrap_or_default(),
    }
}

/// Clients configured as a user configures them (API key, bearer token), without Prism
/// preferences: their requests pass validation and Prism's example bodies decode.
async fn configured_clients_send_valid_requests(
    prism: &Prism,
    spec: &Spec<'_>,
    operations: &[Checked<'_>],
) -> usize {
    let configured = [
        Client::builder().api_key(API_KEY),
        Client::builder().bearer_token("contract-test-bearer-token"),
    ];
    let mut sent = 0;
    for builder in configured {
        let client = builder
            .base_url(prism.base_url())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap();
        for operation in operations {
            let called = call(
                &client,
                operation.info,
                &arguments(spec, operation, sent, None),
            )
            .await;
            let context = format!("{} with {client:?}", operation.info.id());
            let called = called.unwrap_or_else(|e| panic!("{context}: {e:#}"));
            assert_eq!(called.status, operation.info.success_status(), "{context}");
            sent += 1;
        }
    }
    sent
}

/// Responses Prism generates from the spec, each from its own seed, decode into what Prism sent.
async fn generated_responses_decode(
    prism: &Prism,
    spec: &Spec<'_>,
    operation: &Checked<'_>,
    tally: &mut Tally,
) {
    let client = base_client(prism);
    let id = operation.info.id();
    let mut distinct = HashSet::new();
    for n in 0..DYNAMIC_RESPONSES_PER_OPERATION {
        let prefer = format!("dynamic=true, seed={id}-{n}");
        let context = format!("{id} #{n} (Prefer: {prefer})");
        let called = call(
            &client,
            operation.info,
            &arguments(spec, operation, n, Some(&prefer)),
        )
        .await;
        tally.requests_validated += 1;
        let Called {
            raw_body, decoded, ..
        } = called.unwrap_or_else(|e| panic!("{context}: {e:#}"));
        let raw: Value = serde_json::from_slice(&raw_body).unwrap_or(Value::Null);
        if !decoded.is_null()
            && let Err(difference) = decoded_faithfully(&decoded, &raw)
        {
            panic!("{context}: {difference}\nPrism sent: {raw}\ndecoded:    {decoded}");
        }
        distinct.insert(raw.to_string());
        tally.dynamic_responses += 1;
    }
    // Identical bodies would mean Prism ignored the preferences and this proved little.
    let has_body = !distinct.contains("null");
    assert!(
        !has_body || distinct.len() > DYNAMIC_RESPONSES_PER_OPERATION / 2,
        "{id}: only {} distinct bodies in {DYNAMIC_RESPONSES_PER_OPERATION}",
        distinct.len()
    );
    tally.distinct_dynamic_bodies += distinct.len();
}

/// Prism's bodies for each error status the operation lists, its static example and generated
/// ones, become [`Error::Api`] carrying exactly the body Prism sent.
async fn error_responses_decode(
    prism: &Prism,
    spec: &Spec<'_>,
    operation: &Checked<'_>,
    tally: &mut Tally,
) {
    let client = base_client(prism);
    let id = operation.info.id();
    for code in spec.error_statuses(&operation.spec) {
        let preferences = std::iter::once(format!("code={code}")).chain(
            (0..DYNAMIC_ERRORS_PER_STATUS)
                .map(|n| format!("code={code}, dynamic=true, seed={id}-{code}-{n}")),
        );
        for (n, prefer) in preferences.enumerate() {
            let context = format!("{id} (Prefer: {prefer})");
            let called = call(
                &client,
                operation.info,
                &arguments(spec, operation, n, Some(&prefer)),
            )
            .await;
            tally.requests_validated += 1;
            let error = called.expect_err(&context);
            match error.kind() {
                ErrorKind::Api(api) => {
                    assert_eq!(api.status.as_u16(), code, "{context}");
                    let raw: Value = serde_json::from_slice(api.raw_body()).unwrap();
                    assert_eq!(serde_json::to_value(&api.body).unwrap(), raw, "{context}");
                    if let Some(message) = raw["meta"]["developer_message"].as_str() {
                        assert_eq!(error.developer_message(), Some(message), "{context}");
                    }
                }
                other => panic!("{context}: expected ErrorKind::Api, got {other:?}"),
            }
            tally.error_responses += 1;
        }
    }
}

/// A hand-made request that breaks the spec (a string body property sent as a number) is
/// refused, and Prism reports the violation both in its `sl-violations` header and in its log:
/// the validation the checks above rely on is on. A request without credentials gets 401.
async fn invalid_requests_are_rejected(
    prism: &Prism,
    spec: &Spec<'_>,
    operations: &[Checked<'_>],
    by_hand: &reqwest::Client,
) {
    let (operation, property) = operations
        .iter()
        .find_map(|operation| Some((operation, spec.string_body_property(&operation.spec)?)))
        .expect("an operation whose JSON body has a string property");
    let path = placeholders_filled(operation.info.path());
    let url = format!("{}{path}", prism.base_url());
    let before = prism.log().len();
    let wrong_type = by_hand
        .request(operation.info.method().clone(), &url)
        .header("x-api-key", API_KEY)
        .json(&json!({ property.as_str(): 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        request_violations(wrong_type.headers()),
        [format!(
            "request.body.{property}: Request body property {property} must be string"
        )]
    );
    let log = log_through_marker(prism, by_hand, "after-invalid-request").await;
    assert!(
        log[before..].contains(&format!("Violation: request.body.{property}")),
        "Prism did not log the violation:\n{}",
        &log[before..]
    );

    let no_credentials = by_hand
        .request(operation.info.method().clone(), &url)
        .send()
        .await
        .unwrap();
    assert_eq!(no_credentials.status(), StatusCode::UNAUTHORIZED);
}

/// A path template with each `{placeholder}` replaced by a plain value.
fn placeholders_filled(template: &str) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        path.push_str(&rest[..open]);
        path.push_str("PaRtNeR01");
        rest = &rest[close..];
    }
    path + rest
}

/// The request violations in Prism's `sl-violations` header, as `location: message`. Response
/// violations are left out: they are about Prism's own generated bodies (`format: url`).
fn request_violations(headers: &HeaderMap) -> Vec<String> {
    let Some(header) = headers.get("sl-violations") else {
        return Vec::new();
    };
    let violations: Vec<Value> = serde_json::from_slice(header.as_bytes())
        .unwrap_or_else(|e| panic!("sl-violations is not a JSON list ({e}): {header:?}"));
    violations
        .iter()
        .filter(|violation| violation["location"][0] == "request")
        .map(|violation| {
            let location: Vec<&str> = violation["location"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            format!(
                "{}: {}",
                location.join("."),
                violation["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Checks that decoding kept what Prism sent: every decoded value equals the raw body's value at
/// the same place, and no non-null top-level field of the raw body was dropped. (Nested objects
/// the spec leaves free-form may hold fields no type names; those are dropped by design.)
fn decoded_faithfully(decoded: &Value, raw: &Value) -> Result<(), String> {
    fn kept(decoded: &Value, raw: &Value, at: &str) -> Result<(), String> {
        match (decoded, raw) {
            (Value::Object(decoded), Value::Object(raw)) => {
                decoded.iter().try_for_each(|(key, value)| {
                    let at = format!("{at}/{key}");
                    let sent = raw
                        .get(key)
                        .ok_or_else(|| format!("{at} was decoded but not sent"))?;
                    kept(value, sent, &at)
                })
            }
            (Value::Array(decoded), Value::Array(raw)) if decoded.len() == raw.len() => decoded
                .iter()
                .zip(raw)
                .enumerate()
                .try_for_each(|(i, (d, r))| kept(d, r, &format!("{at}/{i}"))),
            _ if decoded == raw => Ok(()),
            _ => Err(format!("{at}: decoded {decoded}, Prism sent {raw}")),
        }
    }
    kept(decoded, raw, "")?;
    let Some(raw) = raw.as_object() else {
        return Ok(());
    };
    match raw
        .iter()
        .find(|(key, value)| !value.is_null() && decoded.get(key).is_none())
    {
        Some((key, value)) => Err(format!("/{key} was sent ({value}) but dropped")),
        None => Ok(()),
    }
}

/// A client for Prism as a user builds it.
fn base_client(prism: &Prism) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(prism.base_url())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

/// A plain HTTP client, bounded by [`REQUEST_TIMEOUT`], for the hand-made requests.
fn plain_http() -> reqwest::Client {
    // The crate's rustls build has no process-wide crypto provider; reqwest needs one to build
    // a client even for plain HTTP. Installing it twice is harmless.
    let _ = crate::common::ring_provider().install_default();
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

/// Prism's log up to a request for a unique unknown path: Prism logs in order, so everything
/// logged for earlier requests is in it.
async fn log_through_marker(prism: &Prism, by_hand: &reqwest::Client, name: &str) -> String {
    let marker = format!("/contract-log-marker/{name}");
    let response = by_hand
        .get(format!("{}{marker}", prism.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "the marker path must be unknown to the spec"
    );
    let deadline = tokio::time::Instant::now() + REQUEST_TIMEOUT;
    loop {
        let log = prism.log();
        if let Some(at) = log.find(&marker) {
            return log[..at].to_string();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Prism did not log {marker} within {REQUEST_TIMEOUT:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
