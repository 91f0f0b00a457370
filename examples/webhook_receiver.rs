//! A receiver for the webhooks 360dialog sends a partner, on axum. Every delivery is verified
//! (signature over the raw body, size, shape) before the application sees it; a refused one is
//! answered with the status `VerifyError::status()` gives (401, 413 or 400) and logged.
//!
//! ```sh
//! D360_PARTNER_PLATFORM_SECRET=... cargo run --example webhook_receiver   # 127.0.0.1:3000
//! D360_PARTNER_PLATFORM_SECRET=... PORT=8080 cargo run --example webhook_receiver
//! ```
//!
//! During a rotation of the platform secret, also set `D360_PARTNER_PREVIOUS_PLATFORM_SECRET`:
//! deliveries signed with either are accepted. Any path takes a POST; point the partner's
//! `webhook_url` at it (through a tunnel or a reverse proxy, over https). Prints
//! `listening on http://127.0.0.1:PORT` on stderr, one line per event on stdout, and one line
//! per refused delivery on stderr. Stops on Ctrl-C.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use d360_partner::webhooks::{Event, Verifier};
use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // D360_PARTNER_PLATFORM_SECRET, and D360_PARTNER_PREVIOUS_PLATFORM_SECRET during a rotation.
    let verifier = Verifier::from_env()?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse()?,
        Err(_) => 3000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    let app = Router::new()
        .fallback(post(receive))
        .with_state(Arc::new(verifier));
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// One delivery: read at most one byte over the verifier's limit (so a huge body costs nothing),
/// verify it, hand each event to the application, and answer.
async fn receive(
    State(verifier): State<Arc<Verifier>>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    let limit = verifier.body_limit();
    let body = match axum::body::to_bytes(body, limit + 1).await {
        Ok(body) => body,
        // Over `limit + 1` bytes (axum stops reading there), or a body that broke off.
        Err(error) => {
            eprintln!("refused a delivery: its body is over {limit} bytes or broke off: {error}");
            return (StatusCode::PAYLOAD_TOO_LARGE, format!("over {limit} bytes"));
        }
    };
    // One body may hold one event or an array of them; the signature covers the whole body.
    match verifier.verify_all(&headers, &body) {
        Ok(events) => {
            for event in &events {
                on_event(event);
            }
            (StatusCode::OK, String::new())
        }
        Err(refused) => {
            eprintln!("refused a delivery: {refused}");
            (refused.status(), refused.to_string())
        }
    }
}

/// The application: what it does with each verified event. The hub waits for the answer, so
/// slow work belongs on a queue; this one prints what it would act on.
fn on_event(event: &Event) {
    #[derive(serde::Deserialize)]
    struct Channel {
        id: String,
        #[serde(default)]
        status: Option<String>,
    }
    let id = event.id().unwrap_or("-");
    match event.name() {
        name if name.starts_with("channel_") => match event.data_as::<Channel>() {
            Ok(channel) => println!(
                "{id} {name}: channel {} is {}",
                channel.id,
                channel.status.as_deref().unwrap_or("unknown")
            ),
            Err(error) => println!("{id} {name}: unexpected data: {error}"),
        },
        name => println!("{id} {name}: {}", event.data()),
    }
}
