//! The app a webhook goes to (a receiver of `d360 webhook send`, the app `d360 webhook listen
//! --forward-to` hands deliveries to): an HTTP server on 127.0.0.1, on a free port, answering
//! every request with one status and handing over what it got.

#![allow(dead_code)] // the fixture workspace's copy of this module does not use it

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the app got in one request.
#[derive(Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    pub signature: Option<String>,
    pub body: Vec<u8>,
}

/// The app being built: a server on 127.0.0.1 answering every request with one status,
/// handing over what it got.
pub struct App {
    pub url: String,
    received: mpsc::UnboundedReceiver<Received>,
}

impl App {
    pub async fn start(status: u16) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/app/webhook", listener.local_addr().unwrap());
        let (send, received) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let send = send.clone();
                let service = hyper::service::service_fn(
                    move |request: hyper::Request<hyper::body::Incoming>| {
                        let send = send.clone();
                        async move {
                            let header = |name: &str| {
                                request
                                    .headers()
                                    .get(name)
                                    .map(|value| value.to_str().unwrap().to_string())
                            };
                            let content_type = header("content-type");
                            let signature = header("x-360dialog-signature");
                            let method = request.method().to_string();
                            let path = request.uri().path().to_string();
                            let body = request.into_body().collect().await?.to_bytes();
                            let _ = send.send(Received {
                                method,
                                path,
                                content_type,
                                signature,
                                body: body.to_vec(),
                            });
                            let mut answer = hyper::Response::new(Full::new(Bytes::new()));
                            *answer.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                            Ok::<_, hyper::Error>(answer)
                        }
                    },
                );
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        App { url, received }
    }

    /// The next request it got (within 20 s).
    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(20), self.received.recv())
            .await
            .expect("a request within 20 s")
            .expect("the app is running")
    }

    /// Whether it got no request beyond those taken with [`next`](Self::next).
    pub fn got_nothing_more(&mut self) -> bool {
        self.received.try_recv().is_err()
    }
}
