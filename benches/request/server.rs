//! The loopback server both contenders talk to: hyper 1.x on 127.0.0.1, answering every request
//! with one fixed `PartnerOut` body, on its own thread and single-threaded runtime so its work
//! never shares a scheduler with the code being measured.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use std::convert::Infallible;
use std::net::SocketAddr;

/// A `PartnerOut` as the hub sends it, every documented field set (as in `tests/common`).
pub const PARTNER_BODY: &str = r#"{"id":"PaRtNeR01","brand_name":"Acme","payment_required":false,"payment_plan":{"plan":"basic"},"logo_url":null,"onboarding_deeplink_add_params":false,"webhook_url":"https://acme.example/hook","partner_redirect_url":"https://acme.example/done","country":"DE","blocked_new_submission":false,"allow_client_to_add_phone_no":true,"settings":{"partner_change_request":{"auto_approve":true},"account_sharing":{"solution_id":"s1","business_manager_id":"b1","solution_status":"ACTIVE"},"default_data_localization_region":"EU","use_marketing_messages_api":false,"bearer_token_auth_disabled":true,"io_secure":{"io_signature_verification_enabled":true},"is_direct_360dialog_partner":false},"billing_system":"stripe","publishable_key":null}"#;

/// The partner id the body carries; both contenders check they decoded it.
pub const PARTNER_ID: &str = "PaRtNeR01";

/// The API key the server requires, so a contender that forgot it fails loudly.
pub const API_KEY: &str = "bench-partner-api-key";

/// Starts the server on a free loopback port and returns its address. It runs until the process
/// exits.
pub fn start() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let address = listener.local_addr().expect("the bound address");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the server runtime");
        runtime.block_on(serve(listener));
    });
    address
}

async fn serve(listener: std::net::TcpListener) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(answer);
            // A connection ends when the client drops it; that is not an error worth reporting.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let authorized = request
        .headers()
        .get("x-api-key")
        .is_some_and(|key| key == API_KEY);
    let (status, body) = if authorized {
        (StatusCode::OK, PARTNER_BODY)
    } else {
        (
            StatusCode::UNAUTHORIZED,
            r#"{"meta":{"developer_message":"no key","http_code":401,"success":false}}"#,
        )
    };
    let response = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("a valid response");
    Ok(response)
}
