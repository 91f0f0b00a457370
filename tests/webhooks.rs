//! Webhook verification as a receiver relies on it: signatures made by another implementation
//! (openssl) verify in every accepted spelling; each refusal has its own text and status; a
//! rotation accepts both secrets; what is refused never shows a secret.

use d360_partner::webhooks::{SIGNATURE_HEADER, Sender, Verifier, VerifyError};
use d360_partner::{ErrorKind, HeaderMap, PlatformSecret, SecretError};

const SECRET: &str = "whsec-platform-1";
const OLD_SECRET: &str = "old-platform-0";
const BODY: &str = r#"{"id":"9f3c","event":"channel_live","data":{"id":"CH7","client_id":"CL3","status":"running","setup_info":{"phone_number":"+49 30 1234"}}}"#;
/// `printf '%s' "$BODY" | openssl dgst -sha256 -hmac whsec-platform-1`
const OPENSSL_HEX: &str = "b1b25d927c7f277b9731608534ebc6ce4ac01ffa5894bd864f67be6ded4b2d40";
/// The same with `-binary | base64`.
const OPENSSL_BASE64: &str = "sbJdknx/J3uXMWCFNOvGzkrAH/pYlL2GT2e+be1LLUA=";
/// `BODY` under `old-platform-0`.
const OPENSSL_HEX_OLD: &str = "a5601c9752524fdefadf1ddb4ca61d900766560a885fe72d41f6b5982030d5c8";

fn headers(values: &[&str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for value in values {
        headers.append(SIGNATURE_HEADER, value.parse().unwrap());
    }
    headers
}

fn verifier() -> Verifier {
    Verifier::new(SECRET).unwrap()
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Channel {
    id: String,
    client_id: String,
    status: String,
}

#[test]
fn a_signature_made_by_openssl_verifies_in_every_accepted_spelling() {
    let url_safe = OPENSSL_BASE64.replace('+', "-").replace('/', "_");
    for spelling in [
        OPENSSL_HEX.to_string(),
        OPENSSL_HEX.to_uppercase(),
        format!("sha256={OPENSSL_HEX}"),
        OPENSSL_BASE64.to_string(),
        OPENSSL_BASE64.trim_end_matches('=').to_string(),
        url_safe.clone(),
        url_safe.trim_end_matches('=').to_string(),
    ] {
        let event = verifier()
            .verify(&headers(&[&spelling]), BODY.as_bytes())
            .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(event.name(), "channel_live");
        assert_eq!(event.id(), Some("9f3c"));
        assert_eq!(event.raw(), BODY.as_bytes());
        assert_eq!(
            event.data_as::<Channel>().unwrap(),
            Channel {
                id: "CH7".into(),
                client_id: "CL3".into(),
                status: "running".into()
            }
        );
    }
    // Our own signer agrees with openssl, and so does the text-only entry point.
    assert_eq!(
        Sender::new(SECRET).unwrap().sign(BODY.as_bytes()),
        OPENSSL_HEX
    );
    let event = verifier()
        .verify_signature(OPENSSL_HEX, BODY.as_bytes())
        .unwrap();
    assert_eq!(event.data()["setup_info"]["phone_number"], "+49 30 1234");
}

/// What each refusal says and answers.
fn refusal(verifier: &Verifier, headers: &HeaderMap, body: &[u8]) -> (u16, String) {
    let error = verifier.verify(headers, body).unwrap_err();
    (error.status().as_u16(), error.to_string())
}

#[test]
fn every_refusal_names_its_cause_and_the_status_to_answer() {
    let v = verifier();
    let body = BODY.as_bytes();
    let mut changed = body.to_vec();
    changed[40] ^= 1;
    let cases: Vec<(HeaderMap, &[u8], u16, &str)> = vec![
        (
            HeaderMap::new(),
            body,
            401,
            "the request has no x-360dialog-signature header",
        ),
        (
            headers(&[OPENSSL_HEX, OPENSSL_HEX]),
            body,
            401,
            "the request has 2 x-360dialog-signature headers; the hub sends one",
        ),
        (
            headers(&[&OPENSSL_HEX[1..]]),
            body,
            401,
            "the x-360dialog-signature header is no signature: it has 63 characters, where an HMAC-SHA256 is 64 hex digits or 43 or 44 base64 characters",
        ),
        (
            headers(&[&OPENSSL_HEX.replace('b', "g")]),
            body,
            401,
            "the x-360dialog-signature header is no signature: its characters are not the hex or base64 of 32 bytes",
        ),
        (
            headers(&[""]),
            body,
            401,
            "the x-360dialog-signature header is no signature: it is empty",
        ),
        (
            headers(&[OPENSSL_HEX]),
            &changed,
            401,
            "the x-360dialog-signature header does not sign this body with the platform secret (the body was changed, or signed with another secret)",
        ),
        (
            headers(&[OPENSSL_HEX_OLD]),
            body,
            401,
            "the x-360dialog-signature header does not sign this body with the platform secret (the body was changed, or signed with another secret)",
        ),
    ];
    for (headers, body, status, text) in cases {
        assert_eq!(refusal(&v, &headers, body), (status, text.to_string()));
    }
    // Every byte of the body is signed: flip each in turn.
    for at in 0..body.len() {
        let mut changed = body.to_vec();
        changed[at] ^= 0x20;
        let error = v.verify(&headers(&[OPENSSL_HEX]), &changed).unwrap_err();
        assert!(
            matches!(error, VerifyError::SignatureMismatch { .. }),
            "byte {at}"
        );
    }
}

#[test]
fn a_body_over_the_limit_is_refused_with_413_before_its_signature_is_read() {
    let v = verifier().max_body_bytes(BODY.len() - 1);
    assert_eq!(v.body_limit(), BODY.len() - 1);
    // Even with a valid signature; and with none at all the size speaks first.
    for headers in [headers(&[OPENSSL_HEX]), HeaderMap::new()] {
        assert_eq!(
            refusal(&v, &headers, BODY.as_bytes()),
            (
                413,
                format!(
                    "the body has {} bytes, over the verifier's limit of {}",
                    BODY.len(),
                    BODY.len() - 1
                )
            )
        );
    }
    let exact = verifier().max_body_bytes(BODY.len());
    assert!(
        exact
            .verify(&headers(&[OPENSSL_HEX]), BODY.as_bytes())
            .is_ok()
    );
    assert_eq!(
        Verifier::DEFAULT_MAX_BODY_BYTES,
        verifier().body_limit(),
        "1 MiB unless told otherwise"
    );
    assert_eq!(Verifier::DEFAULT_MAX_BODY_BYTES, 1024 * 1024);
}

#[test]
fn a_signed_body_that_is_no_event_is_a_400_saying_what_it_is() {
    let sender = Sender::new(SECRET).unwrap();
    let v = verifier();
    for (body, text) in [
        (&b"<html>oops</html>"[..], "the signed body is not JSON"),
        (
            b"[{\"event\":\"a\"}]",
            "the signed body is not a webhook event: it is an array, not an object",
        ),
        (
            b"{\"data\":{}}",
            "the signed body is not a webhook event: it has no `event` name",
        ),
    ] {
        let signature = sender.sign(body);
        assert_eq!(
            refusal(&v, &headers(&[&signature]), body),
            (400, text.to_string())
        );
    }
    let error = v.verify(&headers(&[&sender.sign(b"{")]), b"{").unwrap_err();
    // The parser's error is the source, so `{:#}` shows where it failed.
    assert_eq!(
        format!("{:#}", anyhow::Error::new(error)),
        "the signed body is not JSON: EOF while parsing an object at line 1 column 1"
    );
}

#[test]
fn during_a_rotation_both_secrets_verify_and_a_third_does_not() {
    let rotating = verifier().previous(OLD_SECRET).unwrap();
    for signature in [OPENSSL_HEX, OPENSSL_HEX_OLD] {
        assert!(
            rotating
                .verify(&headers(&[signature]), BODY.as_bytes())
                .is_ok()
        );
    }
    let other = Sender::new("some-other-secret")
        .unwrap()
        .sign(BODY.as_bytes());
    assert!(matches!(
        rotating.verify(&headers(&[&other]), BODY.as_bytes()),
        Err(VerifyError::SignatureMismatch { .. })
    ));
    // Without the previous secret, the old signature is refused.
    assert!(
        verifier()
            .verify(&headers(&[OPENSSL_HEX_OLD]), BODY.as_bytes())
            .is_err()
    );
}

#[test]
fn an_array_delivery_verifies_once_and_gives_each_event_its_bytes() {
    let body = r#"[{"id":"a","event":"channel_created","data":{}},{"id":"b","event":"waba_template_approved","data":{"name":"hello"}}]"#;
    // `printf '%s' "$body" | openssl dgst -sha256 -hmac whsec-platform-1`
    let signature = "be1aff8ae18578e403e2dd99bd3698934f2d0f2bce93e7598cff8f9c482e49ee";
    let events = verifier()
        .verify_all(&headers(&[signature]), body.as_bytes())
        .unwrap();
    let seen: Vec<(&str, Option<&str>, &[u8])> =
        events.iter().map(|e| (e.name(), e.id(), e.raw())).collect();
    assert_eq!(
        seen,
        [
            (
                "channel_created",
                Some("a"),
                &br#"{"id":"a","event":"channel_created","data":{}}"#[..]
            ),
            (
                "waba_template_approved",
                Some("b"),
                br#"{"id":"b","event":"waba_template_approved","data":{"name":"hello"}}"#
            ),
        ]
    );
    // One event is a list of one; the signature covers the array, not its items.
    assert_eq!(
        verifier()
            .verify_all(&headers(&[OPENSSL_HEX]), BODY.as_bytes())
            .unwrap()
            .len(),
        1
    );
    let error = verifier()
        .verify_all(&headers(&[signature]), events[0].raw())
        .unwrap_err();
    assert!(matches!(error, VerifyError::SignatureMismatch { .. }));
}

#[test]
fn no_secret_shows_in_debug_display_or_errors() {
    // One error for an empty secret, wherever it is given.
    let empty = SecretError::Empty { variable: None };
    assert_eq!(Verifier::new("").unwrap_err(), empty);
    assert_eq!(verifier().previous(" \t").unwrap_err(), empty);
    assert_eq!(Sender::new("").unwrap_err(), empty);
    assert_eq!(PlatformSecret::new("").unwrap_err(), empty);
    assert_eq!(empty.to_string(), "the platform secret is empty");
    let v = verifier().previous(OLD_SECRET).unwrap();
    let sender = Sender::new(SECRET).unwrap();
    let mut shown = vec![format!("{v:?}"), format!("{sender:?}")];
    for body in [&b"x"[..], BODY.as_bytes(), b"{}"] {
        for headers in [
            HeaderMap::new(),
            headers(&["00"]),
            headers(&[OPENSSL_HEX_OLD]),
        ] {
            if let Err(error) = v.verify(&headers, body) {
                let plain = format!("{error} {error:?}");
                shown.push(format!("{plain} {:#}", anyhow::Error::new(error)));
            }
        }
    }
    assert_eq!(shown[0], "Verifier { secrets: 2, max_body_bytes: 1048576 }");
    for text in shown {
        for secret in [SECRET, OLD_SECRET] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

#[test]
fn refusals_travel_through_anyhow_and_tell_a_forgery_from_a_bad_body() {
    fn receive(headers: &HeaderMap, body: &[u8]) -> anyhow::Result<String> {
        let event = Verifier::new(SECRET)?.verify(headers, body)?;
        Ok(event.name().to_string())
    }
    assert_eq!(
        receive(&headers(&[OPENSSL_HEX]), BODY.as_bytes()).unwrap(),
        "channel_live"
    );
    let error = receive(&HeaderMap::new(), BODY.as_bytes()).unwrap_err();
    let refused = error.downcast_ref::<VerifyError>().unwrap();
    assert!(refused.is_signature());
    assert_eq!(refused.status(), 401);
    let signed = Sender::new(SECRET).unwrap().sign(b"null");
    let bad_body = Verifier::new(SECRET)
        .unwrap()
        .verify(&headers(&[&signed]), b"null")
        .unwrap_err();
    assert!(!bad_body.is_signature());
    assert_eq!(bad_body.status(), 400);
}

#[test]
fn every_kind_of_body_verifies_and_a_shared_one_is_not_copied() {
    let v = verifier();
    let signed = headers(&[OPENSSL_HEX]);
    let shared = bytes::Bytes::from_static(BODY.as_bytes());
    let event = v.verify(&signed, &shared).unwrap();
    assert_eq!(
        event.raw().as_ptr(),
        shared.as_ptr(),
        "&Bytes is shared, not copied"
    );
    let (vec, string) = (BODY.as_bytes().to_vec(), BODY.to_string());
    let names: Vec<String> = [
        v.verify(&signed, shared.clone()),
        v.verify(&signed, BODY.as_bytes().to_vec()),
        v.verify(&signed, &vec),
        v.verify(&signed, BODY),
        v.verify(&signed, &string),
        v.verify(&signed, BODY.to_string()),
    ]
    .into_iter()
    .map(|event| event.unwrap().name().to_string())
    .collect();
    assert_eq!(names, ["channel_live"; 6]);
    assert_eq!(
        (vec.len(), string.len()),
        (BODY.len(), BODY.len()),
        "borrowed, not taken"
    );
}

#[tokio::test]
async fn a_sender_refuses_what_is_no_http_url_before_sending() {
    let sender = Sender::new(SECRET).unwrap();
    for url in ["not a url", "ftp://receiver.example/hook", "/relative"] {
        let error = sender.send(url, BODY).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid request: webhook delivery: the URL is no http:// or https:// URL"
        );
        assert!(!error.request_sent());
    }
}

#[tokio::test]
async fn a_sender_that_cannot_connect_names_the_receivers_origin_not_the_hub() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sender = Sender::new(SECRET).unwrap();
    let url = format!("http://127.0.0.1:{port}/hooks/secret-path?token=t");
    let error = sender.send(&url, BODY).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("could not connect to http://127.0.0.1:{port}")
    );
    let ErrorKind::Transport(transport) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(
        (transport.origin(), transport.attempts()),
        (format!("http://127.0.0.1:{port}").as_str(), 1)
    );
}

#[tokio::test]
async fn a_signature_that_cannot_be_a_header_is_refused_before_sending() {
    let sender = Sender::new(SECRET).unwrap();
    let error = sender
        .send_with_signature(
            "http://127.0.0.1:9/hook",
            BODY,
            Some("abc\r\nx-injected: 1"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: webhook delivery: the value of the header `x-360dialog-signature` holds a character a header cannot hold"
    );
    assert!(!error.request_sent());
}
