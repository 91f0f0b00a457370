//! A server that takes webhook deliveries and holds under attack (feature `listener`): what
//! `d360 webhook listen` runs, for a receiver without a web framework of its own.

use super::{Event, Verifier, VerifyError};
use crate::serve::{self, BodyRefused, Incoming, Limits, Response, Server};
use bytes::Bytes;
use hyper::{Method, StatusCode};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An HTTP/1 server taking the hub's webhook deliveries: each `POST` is verified as a receiver
/// must ([`Verifier`]), and the verified [`Delivery`] handed to your handler, whose status it
/// answers (answer 2xx only once the events are safe: the hub sends again what is not
/// acknowledged).
///
/// It takes what the internet sends: concurrent connections are capped
/// ([`max_connections`](Self::max_connections)); so are the body bytes held at once across all
/// requests ([`max_buffered_bytes`](Self::max_buffered_bytes); a request beyond them is answered
/// 503 with `Retry-After: 1`); a request whose signature header is missing or cannot be a
/// signature is answered 401 before its body is read, one over the verifier's body limit 413
/// from its declared length; headers must arrive within 10 s and a body within 30 s; each
/// connection serves one request.
///
/// ```no_run
/// use d360_partner::reqwest::StatusCode;
/// use d360_partner::webhooks::{Listener, Verifier};
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8360").await?;
/// Listener::new(Verifier::from_env()?)
///     .serve(
///         listener,
///         |delivery| async move {
///             for event in delivery.events() {
///                 println!("{} {}", event.name(), event.data());
///             }
///             StatusCode::OK
///         },
///         async {
///             let _ = tokio::signal::ctrl_c().await;
///         },
///     )
///     .await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Listener {
    verifier: Arc<Verifier>,
    limits: Limits,
    grace: Duration,
    log: Option<HandledLog>,
}

/// What [`Listener::on_request`] is given: called for every request answered.
type HandledLog = Arc<dyn Fn(&Handled) + Send + Sync>;

/// A verified delivery: its events, and the request as it came (to forward it).
#[derive(Clone, Debug)]
pub struct Delivery {
    events: Vec<Event>,
    body: Bytes,
    signature: String,
    path: String,
}

impl Delivery {
    /// Its events: one, or each of a delivery of an array.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The `x-360dialog-signature` header's value, as received.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The path it was posted to, as the request line had it (percent-encoded, without the
    /// query).
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// What became of one request, for a log: [`Listener::on_request`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Handled {
    /// The request's method.
    pub method: String,
    /// Its path, as the request line had it: text the sender chose (escape it before printing).
    pub path: String,
    /// The status answered.
    pub status: StatusCode,
    /// Why it was refused, when it was.
    pub refusal: Option<Refusal>,
    /// From the request's head to the answer.
    pub elapsed: Duration,
}

/// Why a request was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refusal {
    /// It is not a `POST` (405).
    Method,
    /// Its signature, size or body (401, 413, 400).
    Verify(VerifyError),
    /// Its body is over the verifier's limit, by its declared length or as it came (413).
    TooLarge {
        /// Its declared length, when it declared one.
        declared: Option<u64>,
        /// The limit.
        limit: usize,
    },
    /// The listener holds as many body bytes as it may (503, `Retry-After: 1`).
    Busy,
    /// Its body did not arrive in time (408).
    Slow(Duration),
    /// Its body could not be read: the connection broke, or the framing was wrong (400).
    Unreadable(String),
}

impl Listener {
    /// The connections served at once unless told otherwise.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
    /// The body bytes held at once, across all requests, unless told otherwise: 64 MiB.
    pub const DEFAULT_MAX_BUFFERED_BYTES: usize = 64 * 1024 * 1024;
    /// How long a stop waits for the deliveries in flight unless told otherwise.
    pub const DEFAULT_GRACE: Duration = Duration::from_secs(5);

    /// A listener verifying deliveries with `verifier` (whose body limit is the listener's).
    pub fn new(verifier: Verifier) -> Listener {
        Listener {
            limits: Limits {
                max_connections: Self::DEFAULT_MAX_CONNECTIONS,
                max_body_bytes: verifier.body_limit(),
                max_buffered_bytes: Self::DEFAULT_MAX_BUFFERED_BYTES,
                header_timeout: Duration::from_secs(10),
                body_timeout: Duration::from_secs(30),
                // One request per connection: a connection left open holds a slot for nothing.
                keep_alive: false,
            },
            verifier: Arc::new(verifier),
            grace: Self::DEFAULT_GRACE,
            log: None,
        }
    }

    /// The connections served at once (at least 1); more wait, unaccepted, in the system's
    /// backlog.
    pub fn max_connections(mut self, connections: usize) -> Listener {
        self.limits.max_connections = connections.max(1);
        self
    }

    /// The body bytes held at once across all requests; a request whose body does not fit in
    /// what is left (within a second) is answered 503 with `Retry-After: 1`. At least the
    /// verifier's body limit: less would answer a body at the limit 503 forever, and the hub
    /// would send it again forever.
    pub fn max_buffered_bytes(mut self, bytes: usize) -> Listener {
        self.limits.max_buffered_bytes = bytes.max(self.limits.max_body_bytes);
        self
    }

    /// How long a stop waits for the deliveries in flight.
    pub fn grace(mut self, grace: Duration) -> Listener {
        self.grace = grace;
        self
    }

    /// Calls `log` with each request answered: for one log line per request.
    pub fn on_request(mut self, log: impl Fn(&Handled) + Send + Sync + 'static) -> Listener {
        self.log = Some(Arc::new(log));
        self
    }

    /// Serves deliveries on `listener` until `stop` completes, answering each verified one
    /// with the status `handler` gives it; then stops accepting and waits for the deliveries in
    /// flight, for the [`grace`](Self::grace) period at most.
    pub async fn serve<H, F>(
        self,
        listener: tokio::net::TcpListener,
        handler: H,
        stop: impl Future<Output = ()>,
    ) where
        H: Fn(Delivery) -> F + Send + Sync + 'static,
        F: Future<Output = StatusCode> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let (verifier, log) = (self.verifier, self.log);
        let server = Server::new(listener, self.limits);
        let answer = move |incoming: Incoming| {
            let (verifier, handler, log) = (verifier.clone(), handler.clone(), log.clone());
            async move {
                let started = Instant::now();
                let method = incoming.head.method.to_string();
                let path = incoming.head.uri.path().to_string();
                let (response, refusal) = receive(&verifier, &*handler, incoming).await;
                if let Some(log) = log {
                    log(&Handled {
                        method,
                        path,
                        status: response.status(),
                        refusal,
                        elapsed: started.elapsed(),
                    });
                }
                response
            }
        };
        server.serve(answer, stop, self.grace).await;
    }
}

/// One request: refused (and why), or verified and handed to `handler`.
async fn receive<H, F>(
    verifier: &Verifier,
    handler: &H,
    mut incoming: Incoming,
) -> (Response, Option<Refusal>)
where
    H: Fn(Delivery) -> F,
    F: Future<Output = StatusCode>,
{
    if incoming.head.method != Method::POST {
        let mut response = serve::text(
            StatusCode::METHOD_NOT_ALLOWED,
            "webhook deliveries are POSTs\n",
        );
        response.headers_mut().insert(
            hyper::header::ALLOW,
            hyper::header::HeaderValue::from_static("POST"),
        );
        return (response, Some(Refusal::Method));
    }
    // What can be refused before the body is read, is.
    if let Err(error) = verifier.check_header(&incoming.head.headers) {
        incoming.drain();
        return refused(Refusal::Verify(error));
    }
    let body = match incoming.body().await {
        Ok(body) => body,
        Err(refused_body) => {
            let refusal = match refused_body {
                BodyRefused::TooLarge { declared, limit } => {
                    incoming.drain();
                    Refusal::TooLarge { declared, limit }
                }
                BodyRefused::Busy => Refusal::Busy,
                BodyRefused::Slow(limit) => Refusal::Slow(limit),
                BodyRefused::Broken(error) => Refusal::Unreadable(error.to_string()),
            };
            return refused(refusal);
        }
    };
    let events = match verifier.verify_all(&incoming.head.headers, &body.bytes) {
        Ok(events) => events,
        Err(error) => return refused(Refusal::Verify(error)),
    };
    let signature = incoming
        .head
        .headers
        .get(super::SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let delivery = Delivery {
        events,
        body: body.bytes.clone(),
        signature,
        path: incoming.head.uri.path().to_string(),
    };
    // The body's share of the budget is held until the handler is done with the delivery.
    let status = handler(delivery).await;
    drop(body);
    (serve::text(status, ""), None)
}

/// The answer to a refused request: its status and cause, and `Connection: close`.
fn refused(refusal: Refusal) -> (Response, Option<Refusal>) {
    let (status, text) = match &refusal {
        Refusal::Method => (StatusCode::METHOD_NOT_ALLOWED, "not a POST".to_string()),
        Refusal::Verify(error) => (error.status(), error.to_string()),
        Refusal::TooLarge { limit, .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over the limit of {limit} bytes"),
        ),
        Refusal::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            "busy: send it again shortly".to_string(),
        ),
        Refusal::Slow(limit) => (
            StatusCode::REQUEST_TIMEOUT,
            format!("the body did not arrive within {} s", limit.as_secs()),
        ),
        Refusal::Unreadable(why) => (
            StatusCode::BAD_REQUEST,
            format!("the body could not be read: {why}"),
        ),
    };
    let mut response = serve::text(status, &format!("{text}\n"));
    if matches!(refusal, Refusal::Busy) {
        response.headers_mut().insert(
            hyper::header::RETRY_AFTER,
            hyper::header::HeaderValue::from_static("1"),
        );
    }
    (response, Some(refusal))
}
