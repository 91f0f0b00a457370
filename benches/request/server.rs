//! The loopback server both contenders talk to: hyper 1.x on 127.0.0.1, answering every request
//! with one fixed `PartnerOut` body, on its own thread and single-threaded runtime so its work
//! never shares a scheduler with the code being measured.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use std::convert::Infallible;
use std::net::SocketAddr;

pub use crate::partner::{API_KEY, PARTNER_BODY, PARTNER_ID};

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
