//! Sending one call: credentials in, attempts and retries under the policy, the 401 refresh of
//! the token flow, bounded body reads, every failure turned into an [`Error`], and one tracing
//! span per call. Every generated operation ends here.

use crate::auth::RequestAuth;
use crate::body::{ReadFailure, Received, api_error, read_limited};
use crate::client::{Client, Shared};
use crate::error::{Error, Result, TransportError};
use crate::request::{Prepared, Request};
use crate::retry::Failure;
use crate::token::{Token, TokenFailure};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Method, Response, StatusCode};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

/// A request on its way: `.await` it for the operation's decoded success body (or the
/// [`Error`]). What every request builder's `send()` returns and `.await` turns it into.
///
/// It owns what it needs (a handle to the client, one `Arc`, and the request), so it is
/// `Send + 'static`: spawn it on a runtime, keep it in a struct, return it from a function; the
/// client value it came from may be dropped first.
///
/// One type for every operation: the sending is the same code for all of them, and only the
/// decoding at the end differs, so the generated client compiles one sender, not one per
/// operation.
#[must_use = "a request is sent only when awaited"]
pub struct Pending<T> {
    sending: Pin<Box<dyn Future<Output = Result<Received>> + Send>>,
    decode: fn(Received) -> Result<T>,
}

impl<T> Pending<T> {
    /// The call of `request` on `client`, its success body decoded by `decode`.
    pub(crate) fn new(client: Client, request: Request, decode: fn(Received) -> Result<T>) -> Self {
        Pending {
            sending: Box::pin(client.execute(request, Answers::SuccessOnly)),
            decode,
        }
    }

    /// The call of `request` on `client` for whatever the hub answers last, an error status
    /// included (with its headers), decoded by `decode`: for calls that hand the answer back
    /// as it came.
    pub(crate) fn answered(
        client: Client,
        request: Request,
        decode: fn(Received) -> Result<T>,
    ) -> Self {
        Pending {
            sending: Box::pin(client.execute(request, Answers::Any)),
            decode,
        }
    }

    /// The call of `request` on `client` whose success body must also pass `check` (decode as
    /// the operation's type) before `decode` reads it: for calls that keep the body as JSON.
    pub(crate) fn checked(
        client: Client,
        request: Request,
        check: crate::body::Check,
        decode: fn(Received) -> Result<T>,
    ) -> Self {
        Pending {
            sending: Box::pin(async move {
                let received = client.execute(request, Answers::SuccessOnly).await?;
                check(received.status, &received.body)?;
                Ok(received)
            }),
            decode,
        }
    }
}

impl<T> Future for Pending<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Result<T>> {
        let decode = self.decode;
        self.sending
            .as_mut()
            .poll(context)
            .map(|received| received.and_then(decode))
    }
}

impl<T> std::fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

/// Which answers of the hub end a call as `Ok`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answers {
    /// Only a success: an error status is an [`Error`], a 1xx or 3xx an
    /// [`Error::UnexpectedStatus`].
    SuccessOnly,
    /// Any status the hub answers last (after retries and the 401 refresh), with its headers.
    Any,
}

impl Client {
    /// Encodes `request`, sends it until it succeeds, fails for good, or the retry policy says
    /// stop, and returns the success response read whole.
    ///
    /// It takes the client by value (one `Arc`), so the call's future owns everything it uses.
    pub(crate) async fn execute(self, request: Request, answers: Answers) -> Result<Received> {
        let first = request.prepare(&self.shared.base_url)?;
        // Operation, method, path and outcome only: no headers (credentials), no bodies.
        let span = tracing::debug_span!(
            "d360_partner.request",
            operation = request.name(),
            method = %request.method(),
            path = first.url.path(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        let started = Instant::now();
        let call = Call {
            shared: &self.shared,
            request: &request,
            started,
            answers,
        };
        let (result, attempts) = call.run(first).instrument(span.clone()).await;
        if !span.is_disabled() {
            span.record("attempts", attempts);
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            if let Some(status) = result
                .as_ref()
                .map_or_else(Error::status, |r| Some(r.status))
            {
                span.record("status", status.as_u16());
            }
            match &result {
                Ok(_) => span.in_scope(|| tracing::debug!("response")),
                Err(error) => {
                    if let Some(trace_id) = error.trace_id() {
                        span.record("trace_id", trace_id);
                    }
                    span.in_scope(|| tracing::debug!(%error, "request failed"));
                }
            }
        }
        result
    }
}

/// One call: the attempts it takes and what they share.
struct Call<'a> {
    shared: &'a Shared,
    request: &'a Request,
    started: Instant,
    answers: Answers,
}

/// How one attempt ended.
enum Attempt {
    /// With the call's outcome.
    Done(Result<Received>),
    /// With a reason to send the request again after `wait`.
    Again { wait: Duration, reason: String },
    /// With a 401 to a token that was then invalidated: send again at once with a new one.
    WithNewToken,
}

/// What the attempts of one call have used up so far.
struct Progress {
    retries: u32,
    refreshed_after_401: bool,
}

impl Call<'_> {
    /// Runs the attempts, the first with `first` (the request as `execute` checked it); a
    /// retry encodes the request again, so the happy path copies nothing for retries.
    async fn run(&self, first: Prepared) -> (Result<Received>, u32) {
        let mut next = Some(first);
        let mut attempts = 0;
        let mut progress = Progress {
            retries: 0,
            refreshed_after_401: false,
        };
        loop {
            attempts += 1;
            let prepared = match next.take() {
                Some(prepared) => prepared,
                None => match self.request.prepare(&self.shared.base_url) {
                    Ok(prepared) => prepared,
                    Err(error) => return (Err(error), attempts),
                },
            };
            let (wait, reason) = match self.attempt(prepared, &mut progress).await {
                Attempt::Done(Err(Error::Transport(mut error))) => {
                    error.set_attempts(attempts);
                    return (Err(Error::Transport(error)), attempts);
                }
                Attempt::Done(outcome) => return (outcome, attempts),
                Attempt::Again { wait, reason } => (wait, reason),
                Attempt::WithNewToken => continue,
            };
            progress.retries += 1;
            tracing::info!(
                operation = self.request.name(),
                wait_ms = wait.as_millis() as u64,
                reason,
                "retrying"
            );
            // Boxed, as the other rare paths below: the call's future stays small to move.
            Box::pin(tokio::time::sleep(wait)).await;
        }
    }

    /// The `reqwest::Request` of one attempt, made of `prepared`'s parts.
    fn http_request(&self, prepared: Prepared) -> reqwest::Request {
        let mut request = reqwest::Request::new(prepared.method, prepared.url);
        *request.headers_mut() = prepared.headers;
        if let Some(body) = prepared.body {
            *request.body_mut() = Some(body.into());
        }
        // The budget bounds the whole call, so an attempt gets no more than what is left of
        // it. Set only when tighter than the client's timeout: a per-request timeout costs
        // every request an extensions map.
        let left = self
            .shared
            .retry
            .budget
            .saturating_sub(self.started.elapsed());
        if left < self.shared.timeout {
            *request.timeout_mut() = Some(left);
        }
        request
    }

    async fn attempt(&self, prepared: Prepared, progress: &mut Progress) -> Attempt {
        let method = self.request.method();
        let mut request = self.http_request(prepared);
        let token = match self.authenticate(&mut request).await {
            Ok(token) => token,
            Err(failure) => {
                // This request never left, so retrying it is safe whatever its method.
                if failure.transient
                    && let Some(wait) = self.wait_before_retry(
                        method,
                        Failure::Connect,
                        failure.retry_after,
                        progress,
                    )
                {
                    return Attempt::Again {
                        wait,
                        reason: failure.error.message,
                    };
                }
                return Attempt::Done(Err(Error::Auth(Box::new(failure.error))));
            }
        };
        let response = match self.shared.http.execute(request).await {
            Ok(response) => response,
            Err(error) => return self.broken(error, Failure::of_transport, progress),
        };
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED
            && let (Some(token), RequestAuth::Token(source)) = (&token, &self.shared.auth)
        {
            // The hub may revoke a token before its stated expiry: never send it again, and
            // try once more with a new one. A second 401 is the answer.
            source.invalidate(token.generation);
            if !progress.refreshed_after_401 {
                progress.refreshed_after_401 = true;
                tracing::debug!("the hub refused the access token; fetching a new one");
                Box::pin(discard(response)).await;
                return Attempt::WithNewToken;
            }
        }
        let any_answer = self.answers == Answers::Any;
        if (status.is_informational() || status.is_redirection()) && !any_answer {
            // Never followed: a redirect would carry the credentials wherever it points.
            Box::pin(discard(response)).await;
            return Attempt::Done(Err(Error::UnexpectedStatus { status }));
        }
        if !status.is_success() {
            let asked = crate::retry::retry_after(response.headers(), SystemTime::now());
            if let Some(wait) =
                self.wait_before_retry(method, Failure::Status(status), asked, progress)
            {
                Box::pin(discard(response)).await;
                return Attempt::Again {
                    wait,
                    reason: format!("HTTP {status}"),
                };
            }
        }
        // Read only now, for errors: a success costs no header lookups.
        let retry_after = (!status.is_success())
            .then(|| crate::retry::retry_after(response.headers(), SystemTime::now()))
            .flatten();
        // Only for calls that hand the answer back: the success path copies no headers.
        let headers = match any_answer {
            true => response.headers().clone(),
            false => HeaderMap::new(),
        };
        let limit = self.shared.max_response_bytes;
        match read_limited(response, limit).await {
            Ok(body) if status.is_success() || any_answer => Attempt::Done(Ok(Received {
                status,
                headers,
                body,
            })),
            Ok(body) => {
                let error = api_error(status, retry_after, &body);
                Attempt::Done(Err(Error::Api(Box::new(error))))
            }
            Err(ReadFailure::TooLarge) => {
                Attempt::Done(Err(Error::ResponseTooLarge { status, limit }))
            }
            // The body broke off after the hub processed the request: only idempotent calls
            // may be repeated.
            Err(ReadFailure::Transport(error)) => {
                self.broken(error, |_| Failure::AfterSend, progress)
            }
        }
    }

    /// An attempt without a complete answer: retried if the policy allows, else the error.
    fn broken(
        &self,
        error: reqwest::Error,
        classify: fn(&reqwest::Error) -> Failure,
        progress: &Progress,
    ) -> Attempt {
        let failure = classify(&error);
        let error = TransportError::new(error, &self.shared.base_url);
        match self.wait_before_retry(self.request.method(), failure, None, progress) {
            Some(wait) => Attempt::Again {
                wait,
                reason: error.to_string(),
            },
            None => Attempt::Done(Err(Error::Transport(Box::new(error)))),
        }
    }

    /// Puts the credential on the request; returns the token used, in the token flow.
    async fn authenticate(
        &self,
        request: &mut reqwest::Request,
    ) -> std::result::Result<Option<Token>, TokenFailure> {
        match &self.shared.auth {
            RequestAuth::Fixed(name, value) => {
                request.headers_mut().insert(name.clone(), value.clone());
                Ok(None)
            }
            RequestAuth::Token(source) => {
                let token = Box::pin(source.token(&self.shared.http)).await?;
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, token.header.clone());
                Ok(Some(token))
            }
        }
    }

    fn wait_before_retry(
        &self,
        method: &Method,
        failure: Failure,
        asked: Option<Duration>,
        progress: &Progress,
    ) -> Option<Duration> {
        let elapsed = self.started.elapsed();
        self.shared
            .retry
            .next_wait(method, failure, asked, progress.retries, elapsed)
    }
}

/// Reads and drops a little of a response that will not be used, so its connection can go back
/// to the pool instead of being closed.
async fn discard(response: Response) {
    const ENOUGH: usize = 64 * 1024;
    let _ = tokio::time::timeout(Duration::from_millis(200), read_limited(response, ENOUGH)).await;
}
