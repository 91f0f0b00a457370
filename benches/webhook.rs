//! Webhook verification: `Verifier::verify` of a 4 KiB event (header read, signature decoded,
//! HMAC-SHA256 compared in constant time, the body read as an event) against the same work
//! written by hand: the header read and hex-decoded, `ring::hmac::verify` (the primitive the
//! verifier uses), then `serde_json::from_slice` into a `serde_json::Value`. Both get the body
//! as the `Bytes` a server (axum, hyper) hands over.
//!
//! Rounds interleave the contenders (the order flips every round, so drift on a shared machine
//! hits both alike); each round times a batch of verifications per contender. Output:
//! `name=value` lines, parsed by `cargo xtask bench`; the ratio (verifier over hand-written) is
//! the median of the per-round ratios. `--quick` runs shorter rounds.
//!
//! Run: `cargo bench --bench webhook [-- --quick]`. Never part of `cargo test`.

#[path = "request/median.rs"]
mod median;

use d360_partner::HeaderMap;
use d360_partner::webhooks::{SIGNATURE_HEADER, Sender, Verifier};
use median::median;
use std::hint::black_box;
use std::time::Instant;

const SECRET: &str = "bench-platform-secret";
const ROUNDS: usize = 31;

/// A `channel_live` event of about 4 KiB, shaped as the hub sends the channel object.
fn body() -> bytes::Bytes {
    let mut data = serde_json::json!({
        "id": "CHANNEL0001",
        "client_id": "CLIENT0001",
        "status": "running",
        "setup_info": {"phone_number": "+49 30 1234567", "phone_name": "Acme Support"},
        "waba_account": {"id": "WABA0001", "external_id": "1029384756", "name": "Acme", "status": "approved"},
        "created_at": "2026-11-30T10:00:00Z",
        "modified_at": "2026-12-01T09:30:00Z",
    });
    // Settings until the body reaches 4 KiB.
    let mut n = 0;
    while serde_json::to_vec(&data).unwrap().len() < 4000 {
        data["settings"][format!("setting_{n:03}")] =
            serde_json::json!({"enabled": n % 2 == 0, "value": format!("value number {n}")});
        n += 1;
    }
    let event = serde_json::json!({"id": "event-0001", "event": "channel_live", "data": data});
    serde_json::to_vec(&event).unwrap().into()
}

/// What a receiver writes without this crate.
fn by_hand(key: &ring::hmac::Key, headers: &HeaderMap, body: &[u8]) -> Option<serde_json::Value> {
    let signature = headers.get(SIGNATURE_HEADER)?.to_str().ok()?;
    let mut digest = [0u8; 32];
    hex::decode_to_slice(signature, &mut digest).ok()?;
    ring::hmac::verify(key, body, &digest).ok()?;
    serde_json::from_slice(body).ok()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let batch = if quick { 2_000 } else { 5_000 };
    let body = body();
    let mut headers = HeaderMap::new();
    let signature = Sender::new(SECRET).unwrap().sign(&body);
    headers.insert(SIGNATURE_HEADER, signature.parse().unwrap());
    let verifier = Verifier::new(SECRET).unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
    assert!(verifier.verify(&headers, &body).is_ok() && by_hand(&key, &headers, &body).is_some());

    let time = |run: &dyn Fn()| {
        let started = Instant::now();
        for _ in 0..batch {
            run();
        }
        started.elapsed().as_nanos() as f64 / batch as f64
    };
    let crate_run = || {
        black_box(
            verifier
                .verify(black_box(&headers), black_box(&body))
                .unwrap(),
        );
    };
    let hand_run = || {
        black_box(by_hand(&key, black_box(&headers), black_box(&body)).unwrap());
    };
    // Warm both paths (allocator, caches).
    time(&crate_run);
    time(&hand_run);
    let (mut crate_ns, mut hand_ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (c, h) = if round % 2 == 0 {
            let c = time(&crate_run);
            (c, time(&hand_run))
        } else {
            let h = time(&hand_run);
            (time(&crate_run), h)
        };
        crate_ns.push(c);
        hand_ns.push(h);
        ratios.push(c / h);
    }
    println!("webhook_body_bytes={}", body.len());
    println!("webhook_verify_ns={:.0}", median(&crate_ns));
    println!("webhook_by_hand_ns={:.0}", median(&hand_ns));
    println!("webhook_verify_ratio={:.3}", median(&ratios));
}
