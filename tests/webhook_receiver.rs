//! The axum receiver example, run as a user runs it on 127.0.0.1, receiving what `MockHub`
//! delivers: good events reach the application and are answered 200; forged, oversized and
//! non-JSON deliveries are answered 401, 413 and 400, each logged, and never reach it.

use crate::common;

use d360_partner::mock::MockHub;
use d360_partner::webhooks::SIGNATURE_HEADER;
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The receiver started with the mock hub's platform secret on a free port, and its URL.
async fn start_receiver() -> (Child, String) {
    let binary = common::example_binary("webhook_receiver").await;
    let mut child = Command::new(binary)
        .env_clear()
        .env("D360_PARTNER_PLATFORM_SECRET", MockHub::PLATFORM_SECRET)
        .env(
            "D360_PARTNER_PREVIOUS_PLATFORM_SECRET",
            "the-secret-rotated-out",
        )
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the receiver starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    tokio::time::timeout(Duration::from_secs(30), stderr.read_line(&mut first))
        .await
        .expect("the receiver says where it listens within 30 s")
        .unwrap();
    let url = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first stderr line: {first:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    child.stderr = Some(stderr.into_inner());
    (child, format!("{url}/360dialog/webhooks"))
}

/// Stops the receiver with Ctrl-C's signal, by its PID, and returns its exit code, stdout and
/// the rest of its stderr.
async fn stop(mut child: Child) -> (Option<i32>, String, String) {
    let pid = child.id().expect("still running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the receiver stops within 10 s of SIGINT")
        .unwrap();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .await
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    (status.code(), stdout, stderr)
}

#[tokio::test]
async fn the_receiver_hands_good_events_to_the_application_and_refuses_the_rest() {
    let hub = MockHub::start().await;
    let (receiver, url) = tokio::time::timeout(Duration::from_secs(600), start_receiver())
        .await
        .expect("built and started within 10 minutes");
    let deliveries = async {
        let channel = json!({"id": "CH1", "client_id": "CL1", "status": "running"});
        assert_eq!(
            hub.deliver_event(&url, "channel_live", &channel).await?,
            200
        );
        let violation = json!({"reason": "spam"});
        assert_eq!(
            hub.deliver_event(&url, "account_violation", violation)
                .await?,
            200
        );
        let array = r#"[{"id":"a1","event":"channel_created","data":{"id":"CH2"}},{"id":"a2","event":"waba_template_approved","data":{"name":"hello"}}]"#;
        assert_eq!(hub.deliver_signed(&url, array).await?, 200);

        let body = r#"{"id":"x","event":"channel_live","data":{"id":"CH9"}}"#;
        let forged = "0".repeat(64);
        assert_eq!(hub.deliver_raw(&url, body, Some(&forged)).await?, 401);
        assert_eq!(hub.deliver_raw(&url, body, None).await?, 401);
        let other = d360_partner::PlatformSecret::new("not-the-platform-secret").unwrap();
        let other_secret = d360_partner::webhooks::sign(&other, body.as_bytes());
        assert_eq!(hub.deliver_raw(&url, body, Some(&other_secret)).await?, 401);
        // One byte over the limit: read whole, refused by the verifier.
        let padding = "x".repeat((1 << 20) + 1 - r#"{"event":"e","data":""}"#.len());
        let oversized = format!(r#"{{"event":"e","data":"{padding}"}}"#);
        assert_eq!(oversized.len(), (1 << 20) + 1);
        assert_eq!(hub.deliver_signed(&url, oversized).await?, 413);
        assert_eq!(hub.deliver_signed(&url, "not json at all").await?, 400);
        assert_eq!(hub.deliver_signed(&url, r#"{"data":{}}"#).await?, 400);
        Ok::<(), d360_partner::Error>(())
    };
    tokio::time::timeout(Duration::from_secs(60), deliveries)
        .await
        .expect("delivered within a minute")
        .unwrap();
    let (code, stdout, stderr) = stop(receiver).await;
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert_eq!(
        stdout,
        "mock-event-1 channel_live: channel CH1 is running\n\
         mock-event-2 account_violation: {\"reason\":\"spam\"}\n\
         a1 channel_created: channel CH2 is unknown\n\
         a2 waba_template_approved: {\"name\":\"hello\"}\n"
    );
    let refused: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        refused,
        [
            "refused a delivery: the x-360dialog-signature header does not sign this body with the platform secret (the body was changed, or signed with another secret)",
            "refused a delivery: the request has no x-360dialog-signature header",
            "refused a delivery: the x-360dialog-signature header does not sign this body with the platform secret (the body was changed, or signed with another secret)",
            &format!(
                "refused a delivery: the body has {} bytes, over the verifier's limit of 1048576",
                (1 << 20) + 1
            ),
            "refused a delivery: the signed body is not JSON",
            "refused a delivery: the signed body is not a webhook event: it has no `event` name",
        ]
    );
    assert!(!stderr.contains(MockHub::PLATFORM_SECRET));
    // The header name the hub uses is the one the receiver reads.
    assert_eq!(SIGNATURE_HEADER, "x-360dialog-signature");
}
