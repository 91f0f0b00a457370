//! Contract tests against Stoplight Prism, an independent server that validates every request
//! against the vendored spec and generates responses from it: our own mock servers only agree
//! with our own reading of the spec.
//!
//! Proves, for every operation of the spec: the client's requests pass Prism's request
//! validation; hundreds of responses Prism generates from the spec (seeded, so every run sees the
//! same ones) decode, and decode into what Prism sent; Prism's 400 and 404 bodies decode into the
//! typed API error. A hand-made invalid request proves Prism's validation is on.
//!
//! Needs Node.js (see `prism.rs`); `D360_PARTNER_SKIP_CONTRACT=1` skips it, loudly.

#[path = "contract/prism.rs"]
mod prism;

use d360_partner::types::{PartnerOut, PatchPartnerIn};
use d360_partner::{ApiErrorBody, Client, ClientInfo, Error, ResponseValue};
use prism::Prism;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::Path;
use std::time::Duration;

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/partners-v2.json");
const API_KEY: &str = "contract-test-partner-api-key";
const DYNAMIC_RESPONSES_PER_OPERATION: usize = 200;
/// Generated error bodies per operation and status, besides Prism's static one.
const DYNAMIC_ERRORS_PER_STATUS: usize = 10;
const ERROR_STATUSES: [StatusCode; 2] = [StatusCode::BAD_REQUEST, StatusCode::NOT_FOUND];
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The suite took about 32 s here (Prism answers in 35–50 ms); the bound is for a hung Prism.
const SUITE_TIMEOUT: Duration = Duration::from_secs(600);

/// Partner ids the requests cycle through: plain ones and ones the client must percent-encode.
const PARTNER_IDS: [&str; 5] = [
    "PaRtNeR01",
    "partner with spaces",
    "a/b?c#d",
    "ünïcödé",
    "0",
];

#[test]
fn the_client_and_prism_agree_on_the_spec() {
    if !prism::should_run() {
        return;
    }
    let prism = Prism::start(Path::new(SPEC));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tally = runtime.block_on(async {
        tokio::time::timeout(SUITE_TIMEOUT, check_everything(&prism))
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

async fn check_everything(prism: &Prism) -> Tally {
    let mut tally = Tally {
        operations: every_operation_is_covered(),
        ..Tally::default()
    };
    let by_hand = plain_http(HeaderMap::new());
    let client_phase_starts = prism.log().len();

    tally.requests_validated += configured_clients_send_valid_requests(prism).await;
    for operation in Operation::ALL {
        generated_responses_decode(prism, &by_hand, operation, &mut tally).await;
        error_responses_decode(prism, &by_hand, operation, &mut tally).await;
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

    invalid_requests_are_rejected(prism, &by_hand).await;
    tally
}

/// The operations this suite exercises; checked against the spec so a new one cannot go unchecked.
#[derive(Clone, Copy, Debug)]
enum Operation {
    GetPartner,
    PatchPartner,
}

type Sent = Result<ResponseValue<PartnerOut>, progenitor_client::Error<ApiErrorBody>>;

impl Operation {
    const ALL: [Operation; 2] = [Operation::GetPartner, Operation::PatchPartner];
    const PARTNER_PATH: &str = "/api/v2/partners/{partner_id}";

    /// Its method and path as the spec names them.
    fn in_spec(self) -> (&'static str, &'static str) {
        match self {
            Operation::GetPartner => ("get", Self::PARTNER_PATH),
            Operation::PatchPartner => ("patch", Self::PARTNER_PATH),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Operation::GetPartner => "get_partner",
            Operation::PatchPartner => "patch_partner",
        }
    }

    /// The `n`-th request of this operation, sent by the generated client.
    async fn send(self, client: &Client, n: usize) -> Sent {
        let id = PARTNER_IDS[n % PARTNER_IDS.len()];
        match self {
            Operation::GetPartner => client.get_partner().partner_id(id).send().await,
            Operation::PatchPartner => {
                let body = patch_body(n);
                client
                    .patch_partner()
                    .partner_id(id)
                    .body(body)
                    .send()
                    .await
            }
        }
    }

    /// The `n`-th request made by hand, to read the raw body Prism answers it with.
    fn by_hand(self, http: &reqwest::Client, base_url: &str, n: usize) -> reqwest::RequestBuilder {
        let mut url = reqwest::Url::parse(base_url).unwrap();
        url.path_segments_mut().unwrap().extend([
            "api",
            "v2",
            "partners",
            PARTNER_IDS[n % PARTNER_IDS.len()],
        ]);
        let request = match self {
            Operation::GetPartner => http.get(url),
            Operation::PatchPartner => http.patch(url).json(&patch_body(n)),
        };
        request.header("x-api-key", API_KEY)
    }
}

/// The low three bits of `n` choose which fields are set, so the requests cover every
/// combination; the fourth chooses the boolean.
fn patch_body(n: usize) -> PatchPartnerIn {
    PatchPartnerIn {
        webhook_url: (n & 1 != 0).then(|| format!("https://hooks.example/{n}")),
        partner_redirect_url: (n & 2 != 0).then(|| format!("https://partner.example/done?n={n}")),
        allow_client_to_add_phone_no: (n & 4 != 0).then_some(n & 8 != 0),
    }
}

/// Fails unless the operations of the spec are exactly [`Operation::ALL`]; returns their number.
fn every_operation_is_covered() -> usize {
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
    let mut in_spec = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("the spec has paths") {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.get(method).is_some() {
                in_spec.insert((method.to_string(), path.clone()));
            }
        }
    }
    let covered: BTreeSet<_> = Operation::ALL
        .iter()
        .map(|op| {
            let (method, path) = op.in_spec();
            (method.to_string(), path.to_string())
        })
        .collect();
    assert_eq!(
        in_spec, covered,
        "the spec's operations differ from those tests/contract.rs checks; add the new ones to `Operation`"
    );
    in_spec.len()
}

/// Clients configured as a user configures them (API key, bearer token), without Prism
/// preferences: their requests pass validation and Prism's example bodies decode.
async fn configured_clients_send_valid_requests(prism: &Prism) -> usize {
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
        for operation in Operation::ALL {
            let response = operation.send(&client, sent).await;
            let context = format!("{operation:?} with {:?}", client.inner());
            assert_no_request_violations(&response, &context);
            let partner = response.unwrap_or_else(|e| panic!("{context}: {e}"));
            assert_eq!(partner.status(), StatusCode::OK, "{context}");
            sent += 1;
        }
    }
    sent
}

/// Responses Prism generates from the spec, each from its own seed, decode into what Prism sent.
async fn generated_responses_decode(
    prism: &Prism,
    by_hand: &reqwest::Client,
    operation: Operation,
    tally: &mut Tally,
) {
    let template = base_client(prism);
    let mut distinct = HashSet::new();
    for n in 0..DYNAMIC_RESPONSES_PER_OPERATION {
        let prefer = format!("dynamic=true, seed={}-{n}", operation.name());
        let context = format!("{operation:?} #{n} (Prefer: {prefer})");
        let response = operation.send(&with_prefer(&template, &prefer), n).await;
        tally.requests_validated += 1;
        assert_no_request_violations(&response, &context);
        let raw = raw_body(operation.by_hand(by_hand, prism.base_url(), n), &prefer).await;
        let partner = response
            .unwrap_or_else(|e| panic!("{context}: {e}; Prism's body for this seed: {raw}"))
            .into_inner();
        let decoded = serde_json::to_value(&partner).unwrap();
        if let Err(difference) = decoded_faithfully(&decoded, &raw) {
            panic!("{context}: {difference}\nPrism sent: {raw}\ndecoded:    {decoded}");
        }
        distinct.insert(raw.to_string());
        tally.dynamic_responses += 1;
    }
    // Identical bodies would mean Prism ignored the preferences and this proved little.
    assert!(
        distinct.len() > DYNAMIC_RESPONSES_PER_OPERATION / 2,
        "{operation:?}: only {} distinct bodies in {DYNAMIC_RESPONSES_PER_OPERATION}",
        distinct.len()
    );
    tally.distinct_dynamic_bodies += distinct.len();
}

/// Prism's 400 and 404 bodies, its static example and generated ones, become [`Error::Api`]
/// carrying exactly the body Prism sent.
async fn error_responses_decode(
    prism: &Prism,
    by_hand: &reqwest::Client,
    operation: Operation,
    tally: &mut Tally,
) {
    let template = base_client(prism);
    for status in ERROR_STATUSES {
        let code = status.as_u16();
        let preferences = std::iter::once(format!("code={code}")).chain(
            (0..DYNAMIC_ERRORS_PER_STATUS).map(|n| {
                format!(
                    "code={code}, dynamic=true, seed={}-{code}-{n}",
                    operation.name()
                )
            }),
        );
        for (n, prefer) in preferences.enumerate() {
            let context = format!("{operation:?} (Prefer: {prefer})");
            let response = operation.send(&with_prefer(&template, &prefer), n).await;
            tally.requests_validated += 1;
            assert_no_request_violations(&response, &context);
            let raw = raw_body(operation.by_hand(by_hand, prism.base_url(), n), &prefer).await;
            let error = Error::from(response.expect_err(&context));
            match &error {
                Error::Api(api) => {
                    assert_eq!(api.status, status, "{context}");
                    assert_eq!(serde_json::to_value(&api.body).unwrap(), raw, "{context}");
                    let message = raw["meta"]["developer_message"].as_str().unwrap();
                    assert_eq!(error.developer_message(), Some(message), "{context}");
                }
                other => panic!("{context}: expected Error::Api, got {other:?}; Prism sent {raw}"),
            }
            tally.error_responses += 1;
        }
    }
}

/// Hand-made requests that break the spec are refused, and Prism reports the violation both in
/// its `sl-violations` header and in its log: the validation the checks above rely on is on.
async fn invalid_requests_are_rejected(prism: &Prism, by_hand: &reqwest::Client) {
    let before = prism.log().len();
    let wrong_type = by_hand
        .patch(format!("{}/api/v2/partners/PaRtNeR01", prism.base_url()))
        .header("x-api-key", API_KEY)
        .json(&json!({"webhook_url": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        request_violations(wrong_type.headers()),
        ["request.body.webhook_url: Request body property webhook_url must be string"]
    );
    let log = log_through_marker(prism, by_hand, "after-invalid-request").await;
    assert!(
        log[before..].contains("Violation: request.body.webhook_url"),
        "Prism did not log the violation:\n{}",
        &log[before..]
    );

    let no_credentials = by_hand
        .get(format!("{}/api/v2/partners/PaRtNeR01", prism.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(no_credentials.status(), StatusCode::UNAUTHORIZED);
}

/// Fails when Prism reports that the request broke the spec.
fn assert_no_request_violations(response: &Sent, context: &str) {
    use progenitor_client::Error as Generated;
    let headers = match response {
        Ok(value) => value.headers(),
        Err(Generated::ErrorResponse(value)) => value.headers(),
        Err(Generated::UnexpectedResponse(response)) => response.headers(),
        Err(_) => return, // no response: the caller's unwrap reports it
    };
    let violations = request_violations(headers);
    assert!(
        violations.is_empty(),
        "{context}: Prism rejected the client's request: {violations:?}"
    );
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
            _ if decoded == raw => Ok(()),
            _ => Err(format!("{at}: decoded {decoded}, Prism sent {raw}")),
        }
    }
    kept(decoded, raw, "")?;
    let raw = raw.as_object().ok_or("Prism's body is not an object")?;
    match raw
        .iter()
        .find(|(key, value)| !value.is_null() && decoded.get(key).is_none())
    {
        Some((key, value)) => Err(format!("/{key} was sent ({value}) but dropped")),
        None => Ok(()),
    }
}

/// A client for Prism as a user builds it; [`with_prefer`] derives the ones the checks use.
fn base_client(prism: &Prism) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(prism.base_url())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

/// The generated client with `template`'s configuration (so the same hooks add the credentials
/// and drop the generator's header), over an HTTP client that also sends `Prefer: <prefer>`:
/// Prism reads its per-request choices (status, dynamic body, seed) from that header only.
fn with_prefer(template: &Client, prefer: &str) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert("prefer", HeaderValue::from_str(prefer).unwrap());
    Client::new_with_client(
        template.baseurl(),
        plain_http(headers),
        template.inner().clone(),
    )
}

/// A plain HTTP client sending `headers` on every request, bounded by [`REQUEST_TIMEOUT`].
fn plain_http(headers: HeaderMap) -> reqwest::Client {
    // The crate's rustls build has no process-wide crypto provider; reqwest needs one to build
    // a client even for plain HTTP. Installing it twice is harmless.
    #[cfg(feature = "rustls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

/// The JSON body Prism answers `request` with under `Prefer: <prefer>`.
async fn raw_body(request: reqwest::RequestBuilder, prefer: &str) -> Value {
    let response = request.header("prefer", prefer).send().await.unwrap();
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "Prism's body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    })
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
