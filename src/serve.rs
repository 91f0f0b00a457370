//! The HTTP/1 server core the mock hub and the webhook listener share: what a server we ship
//! needs to take what the internet sends. Connections are capped (beyond the cap they wait in
//! the kernel's backlog, unread), and so are the body bytes held at once across all requests; a
//! request's headers and its body must each arrive in time; a body over the limit is refused
//! from its declared length, before it is read; and a stop answers what is in flight, within a
//! grace period, before it ends.

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Body as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What the server's handlers answer.
pub(crate) type Response = hyper::Response<Full<Bytes>>;

/// The bounds a server holds to, whatever its clients send.
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    /// Connections served at once; more wait, unaccepted.
    pub(crate) max_connections: usize,
    /// The largest body of one request.
    pub(crate) max_body_bytes: usize,
    /// The body bytes held at once, across all requests.
    pub(crate) max_buffered_bytes: usize,
    /// How long a client may take to send a request's headers.
    pub(crate) header_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub(crate) body_timeout: Duration,
    /// Whether a connection serves more than one request.
    pub(crate) keep_alive: bool,
}

/// How long a body refused for its size is still read and dropped, so the refusal reaches the
/// client (closing a connection with unread bytes resets it, and the reset can overtake the
/// answer), and how much of it at most.
const DRAIN_TIME: Duration = Duration::from_secs(5);
const DRAIN_BYTES: u64 = 16 * 1024 * 1024;
/// How long a request waits for room in the body budget before it is refused as busy.
const BUDGET_WAIT: Duration = Duration::from_secs(1);

/// A request as a handler gets it: its head, and its body to read within the server's limits.
pub(crate) struct Incoming {
    pub(crate) head: hyper::http::request::Parts,
    body: hyper::body::Incoming,
    shared: Arc<ServerShared>,
}

/// A body read whole, holding its share of the server's body budget until dropped.
pub(crate) struct Body {
    pub(crate) bytes: Bytes,
    _held: Option<OwnedSemaphorePermit>,
}

/// Why a body was not read.
#[derive(Debug)]
pub(crate) enum BodyRefused {
    /// Larger than the limit: its declared length (nothing of it was read), or `None` when it
    /// declared none and grew past it.
    TooLarge { declared: Option<u64>, limit: usize },
    /// The server holds as many body bytes as it may; the client may send it again shortly.
    Busy,
    /// It did not arrive within the body timeout.
    Slow(Duration),
    /// The connection broke, or the body was malformed.
    Broken(hyper::Error),
}

struct ServerShared {
    limits: Limits,
    /// The body budget, in KiB.
    budget: Arc<Semaphore>,
}

impl Incoming {
    /// The whole body, within the limits: refused before reading when its declared length is
    /// over the limit, or when the server cannot hold it now.
    pub(crate) async fn body(&mut self) -> Result<Body, BodyRefused> {
        let limit = self.shared.limits.max_body_bytes;
        let declared = self.body.size_hint().exact();
        if let Some(size) = declared
            && size > limit as u64
        {
            return Err(BodyRefused::TooLarge {
                declared: Some(size),
                limit,
            });
        }
        if declared == Some(0) {
            return Ok(Body {
                bytes: Bytes::new(),
                _held: None,
            });
        }
        // Room for what it declares, or for the largest body when it declares nothing.
        let room = declared.map_or(limit, |size| size as usize);
        let kib = u32::try_from(room.div_ceil(1024)).unwrap_or(u32::MAX);
        let budget = self.shared.budget.clone();
        let held = match tokio::time::timeout(BUDGET_WAIT, budget.acquire_many_owned(kib)).await {
            Ok(Ok(held)) => held,
            _ => return Err(BodyRefused::Busy),
        };
        let timeout = self.shared.limits.body_timeout;
        let read = tokio::time::timeout(timeout, read_within(&mut self.body, room, limit)).await;
        match read {
            Ok(Ok(bytes)) => Ok(Body {
                bytes,
                _held: Some(held),
            }),
            Ok(Err(refused)) => Err(refused),
            Err(_) => Err(BodyRefused::Slow(timeout)),
        }
    }

    /// Reads what is left of the body and drops it, in the background, for a bounded time:
    /// for a refusal sent before the body was read.
    pub(crate) fn drain(self) {
        let mut body = self.body;
        tokio::spawn(async move {
            let discard = async {
                let mut left = DRAIN_BYTES;
                while let Some(Ok(frame)) = body.frame().await {
                    let size = frame.data_ref().map_or(0, |data| data.len() as u64);
                    if size > left {
                        break;
                    }
                    left -= size;
                }
            };
            let _ = tokio::time::timeout(DRAIN_TIME, discard).await;
        });
    }
}

/// The body's bytes, at most `limit` of them (with room for `capacity` made up front).
async fn read_within(
    body: &mut hyper::body::Incoming,
    capacity: usize,
    limit: usize,
) -> Result<Bytes, BodyRefused> {
    let mut bytes = BytesMut::with_capacity(capacity.min(limit));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyRefused::Broken)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(BodyRefused::TooLarge {
                    declared: None,
                    limit,
                });
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes.freeze())
}

/// A bound server, not yet serving.
pub(crate) struct Server {
    listener: TcpListener,
    shared: Arc<ServerShared>,
}

impl Server {
    /// A server on `listener`, holding to `limits`.
    pub(crate) fn new(listener: TcpListener, limits: Limits) -> Server {
        let kib = (limits.max_buffered_bytes / 1024).clamp(1, Semaphore::MAX_PERMITS);
        Server {
            listener,
            shared: Arc::new(ServerShared {
                limits,
                budget: Arc::new(Semaphore::new(kib)),
            }),
        }
    }

    /// Answers each request with `handler` until `stop` completes, then stops accepting and
    /// waits up to `grace` for the requests in flight (idle connections are closed at once);
    /// what is still running then is aborted, so nothing outlives `serve`.
    pub(crate) async fn serve<H, F>(
        self,
        handler: H,
        stop: impl Future<Output = ()>,
        grace: Duration,
    ) where
        H: Fn(Incoming) -> F + Send + Sync + 'static,
        F: Future<Output = Response> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let connections = Arc::new(Semaphore::new(self.shared.limits.max_connections.max(1)));
        let graceful = GracefulShutdown::new();
        let mut tasks = tokio::task::JoinSet::new();
        tokio::pin!(stop);
        loop {
            // Finished connections leave the set as they go.
            while tasks.try_join_next().is_some() {}
            let slot = tokio::select! {
                slot = connections.clone().acquire_owned() => slot,
                () = &mut stop => break,
            };
            let Ok(slot) = slot else { break };
            let stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors, say: the next accept may succeed.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut stop => break,
            };
            let _ = stream.set_nodelay(true);
            let (handler, shared) = (handler.clone(), self.shared.clone());
            let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                let (head, body) = request.into_parts();
                let incoming = Incoming {
                    head,
                    body,
                    shared: shared.clone(),
                };
                let answer = handler(incoming);
                async move { Ok::<_, Infallible>(answer.await) }
            });
            let limits = &self.shared.limits;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .keep_alive(limits.keep_alive)
                // What a connection buffers of a request it is reading, at most.
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service);
            let connection = graceful.watch(connection);
            tasks.spawn(async move {
                let _ = connection.await;
                drop(slot);
            });
        }
        drop(self.listener);
        let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
        tasks.abort_all();
    }
}

/// A response with `status` and a text body (none when empty).
pub(crate) fn text(status: hyper::StatusCode, body: &str) -> Response {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    if !body.is_empty() {
        response.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    response
}
