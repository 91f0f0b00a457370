//! The onboarding pages (`/dashboard/app/{partner_id}`, `/onboarding/{partner_id}`), as the hub's
//! act for a client who completes them at once: the IO signature checked when the partner has
//! verification on, one client and one channel made, the browser sent back with them, and the
//! events about them posted to the partner's webhook URL.

use super::super::{MockError, RecordedRequest};
use super::SandboxState;
use crate::serve::Response;
use hyper::StatusCode;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

/// How far an `io_timestamp` may be from now, either way.
const IO_TIMESTAMP_SKEW: u64 = 5 * 60;
/// The onboardings a sandbox holds (each a client and a channel): beyond, its pages answer
/// 503, so a long-running `d360 mock` open to a network cannot be grown without bound.
const MAX_ONBOARDINGS: usize = 10_000;

/// The answer to a visit of the onboarding page of `partner_id`.
pub(super) fn page(
    sandbox: &mut SandboxState,
    partner_id: &str,
    request: &RecordedRequest,
) -> Response {
    if partner_id != super::super::credentials::PARTNER_ID {
        return MockError::new(404, format!("Partner {partner_id} not found")).response();
    }
    let partner = sandbox
        .partner
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if sandbox.clients.len() >= MAX_ONBOARDINGS {
        return MockError::new(
            503,
            format!("The sandbox holds {MAX_ONBOARDINGS} onboardings, its most: start a new one"),
        )
        .response();
    }
    let verification = partner
        .pointer("/settings/io_secure/io_signature_verification_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if verification && let Err(why) = check_io_signature(sandbox, partner_id, request) {
        return MockError::new(403, why).response();
    }
    let target = request
        .query_parameter("redirect_url")
        .filter(|url| !url.is_empty())
        .or_else(|| partner["partner_redirect_url"].as_str().map(str::to_string));
    let Some(target) = target else {
        return MockError::new(
            400,
            format!(
                "No redirect_url in the link, and the partner has no partner_redirect_url: set it with PATCH /api/v2/partners/{partner_id}"
            ),
        )
        .response();
    };
    let (client, channel) = onboard(sandbox, partner_id, request);
    let client_id = client["id"].as_str().unwrap_or_default().to_string();
    let channel_id = channel["id"].as_str().unwrap_or_default().to_string();
    sandbox.deliveries.onboarded(
        sandbox.partner.clone(),
        client,
        channel,
        sandbox.channel_delay,
    );
    let location = redirect_location(&target, &client_id, &[&channel_id], &[]);
    let mut response = crate::serve::text(StatusCode::FOUND, "");
    match hyper::header::HeaderValue::from_str(&location) {
        Ok(value) => {
            response
                .headers_mut()
                .insert(hyper::header::LOCATION, value);
            response
        }
        Err(_) => MockError::new(400, "The redirect URL cannot be a Location header").response(),
    }
}

/// The IO signature of the link is present, fresh, right and unused; else why not.
fn check_io_signature(
    sandbox: &mut SandboxState,
    partner_id: &str,
    request: &RecordedRequest,
) -> Result<(), String> {
    let (Some(signature), Some(timestamp)) = (
        request.query_parameter("io_signature"),
        request.query_parameter("io_timestamp"),
    ) else {
        return Err("io_signature and io_timestamp are required: the partner has IO signature verification on".into());
    };
    let seconds: u64 = timestamp
        .parse()
        .map_err(|_| format!("io_timestamp `{timestamp}` is not a whole number of seconds"))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    if now.abs_diff(seconds) > IO_TIMESTAMP_SKEW {
        return Err(format!(
            "io_timestamp {seconds} is {} s from now: a signed link is good for {} minutes",
            now.abs_diff(seconds),
            IO_TIMESTAMP_SKEW / 60
        ));
    }
    let secret = super::super::credentials::platform_secret();
    // Compared as the hub would: in constant time, over the bytes the hex spells.
    let message = format!("{partner_id}|{seconds}");
    let lowercase = signature
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let matches = lowercase
        && hex::decode(&signature).is_ok_and(|given| {
            ring::hmac::verify(&secret.io_key(), message.as_bytes(), &given).is_ok()
        });
    if !matches {
        return Err(format!(
            "io_signature does not sign `{partner_id}|{seconds}` with the platform secret (HMAC-SHA512, lowercase hex)"
        ));
    }
    let used = &mut sandbox.used_signatures;
    used.retain(|_, at| now.abs_diff(*at) <= IO_TIMESTAMP_SKEW);
    if used.insert(signature, seconds).is_some() {
        return Err("io_signature was used before: make a new signed link for each visitor".into());
    }
    Ok(())
}

/// Makes the client and its channel; both as the hub's objects.
fn onboard(
    sandbox: &mut SandboxState,
    partner_id: &str,
    request: &RecordedRequest,
) -> (Value, Value) {
    let client_id = sandbox.next_id("CL");
    let number = request
        .query_parameter("number")
        .unwrap_or_else(|| format!("+49 30 {:07}", sandbox.last_id));
    let client = json!({
        "id": client_id,
        "partner_id": partner_id,
        "name": request.query_parameter("name").unwrap_or_else(|| format!("Sandbox Client {client_id}")),
        "contact_info": {"email": request.query_parameter("email")},
        "status": "active",
        "created_at": super::now(),
    });
    let channel = sandbox.add_channel(&client_id, &number);
    sandbox.clients.push(client.clone());
    (client, channel)
}

/// `redirect_url` with `client=<id>&channels=[<id>,<id>]`, and `revoked=[<id>]` when `revoked`
/// is not empty, as the hub spells them (brackets and commas as they are, ids
/// percent-encoded), after `&` when the URL has a query already and before its fragment.
pub(in crate::mock) fn redirect_location(
    redirect_url: &str,
    client: &str,
    channels: &[&str],
    revoked: &[&str],
) -> String {
    let encode = |id: &str| {
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let list = |ids: &[&str]| {
        let ids: Vec<String> = ids.iter().map(|id| encode(id)).collect();
        format!("[{}]", ids.join(","))
    };
    let (url, fragment) = match redirect_url.split_once('#') {
        Some((url, fragment)) => (url, Some(fragment)),
        None => (redirect_url, None),
    };
    let separator = match url.contains('?') {
        true if url.ends_with(['?', '&']) => "",
        true => "&",
        false => "?",
    };
    let mut target = format!(
        "{url}{separator}client={}&channels={}",
        encode(client),
        list(channels)
    );
    if !revoked.is_empty() {
        target.push_str(&format!("&revoked={}", list(revoked)));
    }
    if let Some(fragment) = fragment {
        target.push('#');
        target.push_str(fragment);
    }
    target
}
