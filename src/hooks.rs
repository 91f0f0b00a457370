//! What every generated operation runs around its request: progenitor's `api-version` header
//! out, credentials in, retries, bounded body reads, error-body checks, and one tracing span per
//! call.

use crate::Client;
use crate::auth::RequestAuth;
use crate::body::{ReadFailure, examine, read_limited};
use crate::client::ClientState;
use crate::relay::Relayed;
use crate::retry::Failure;
use crate::token::{Token, TokenFailure};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName};
use reqwest::{Request, Response, StatusCode};
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

/// progenitor sends `api-version: <info.version>` on every request; the 360dialog hub has no
/// such header, so it is removed.
const GENERATOR_API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(&self, request: &mut Request, _: &OperationInfo) -> Result<(), Error<E>> {
        request.headers_mut().remove(GENERATOR_API_VERSION_HEADER);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        // Operation, method, path and outcome only: no headers (credentials), no bodies.
        let span = tracing::debug_span!(
            "d360_partner.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        let started = Instant::now();
        let call = Call {
            http: self.client(),
            state: self.inner(),
            operation_id: info.operation_id,
            started,
        };
        let (result, attempts) = call.run(request).instrument(span.clone()).await;
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(outcome) => {
                if let Some(status) = outcome.status {
                    span.record("status", status.as_u16());
                }
                if let Some(trace_id) = &outcome.trace_id {
                    span.record("trace_id", trace_id.as_str());
                }
                span.in_scope(|| tracing::debug!("response"));
            }
            Err(error) => span.in_scope(|| tracing::debug!(%error, "request failed")),
        }
        result.map(|outcome| outcome.response)
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<Response>,
        _: &OperationInfo,
    ) -> Result<(), Error<E>> {
        match Relayed::attached(result) {
            Some(failure) => Err(Error::Custom(failure.encode())),
            None => Ok(()),
        }
    }
}

/// One call of an operation: the attempts it takes and what they share.
struct Call<'a> {
    http: &'a reqwest::Client,
    state: &'a ClientState,
    operation_id: &'static str,
    started: Instant,
}

/// The final response (body read and checked), its status, and the hub's trace id.
struct Outcome {
    response: Response,
    /// `None` when no server answered (the token endpoint could not be reached).
    status: Option<StatusCode>,
    trace_id: Option<String>,
}

impl Outcome {
    /// An outcome carrying `failure` to the caller in place of a response.
    fn relayed(failure: Relayed) -> Outcome {
        let status = failure.status();
        let trace_id = failure.trace_id().map(str::to_string);
        Outcome {
            response: failure.into_response(),
            status,
            trace_id,
        }
    }
}

/// Reads and drops a little of a response that will not be used, so its connection can go back
/// to the pool instead of being closed.
async fn discard(response: Response) {
    const ENOUGH: usize = 64 * 1024;
    let _ = tokio::time::timeout(Duration::from_millis(200), read_limited(response, ENOUGH)).await;
}

/// How one attempt ended.
enum Attempt {
    /// With the final outcome.
    Done(Outcome),
    /// With a reason to send the request again after `wait`: a retry.
    Again { wait: Duration, reason: String },
    /// With a 401 to a token that was then invalidated: send again at once with a new one.
    WithNewToken,
    /// Without an answer: the connection, the token request or the body transfer failed.
    Broken(reqwest::Error, Failure),
}

/// What the attempts of one call have used up so far.
struct Progress {
    retries: u32,
    refreshed_after_401: bool,
    /// Whether another attempt is possible (the request's body could be cloned).
    can_repeat: bool,
}

impl Call<'_> {
    /// Sends `request` until it succeeds, fails for good, or the retry policy says stop.
    /// Returns the outcome and the number of attempts.
    async fn run(&self, request: Request) -> (reqwest::Result<Outcome>, u32) {
        let method = request.method().clone();
        let mut original = Some(request);
        let mut attempts = 0;
        let mut progress = Progress {
            retries: 0,
            refreshed_after_401: false,
            can_repeat: true,
        };
        loop {
            attempts += 1;
            // Keep the original for another attempt; a request whose body cannot be cloned (a
            // stream) gets exactly one.
            let Some(request) = original
                .as_ref()
                .and_then(Request::try_clone)
                .or_else(|| original.take())
            else {
                unreachable!("an attempt is only made while a request is left");
            };
            progress.can_repeat = original.is_some();
            let (wait, reason) = match self.attempt(request, &mut progress).await {
                Attempt::Done(outcome) => return (Ok(outcome), attempts),
                Attempt::Again { wait, reason } => (wait, reason),
                Attempt::WithNewToken => continue,
                Attempt::Broken(error, failure) => {
                    match self.wait_before_retry(&method, failure, None, &progress) {
                        Some(wait) => (wait, error.to_string()),
                        None => return (Err(error), attempts),
                    }
                }
            };
            progress.retries += 1;
            tracing::info!(
                operation = self.operation_id,
                wait_ms = wait.as_millis() as u64,
                reason,
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, mut request: Request, progress: &mut Progress) -> Attempt {
        let method = request.method().clone();
        // The budget bounds the whole call, so an attempt gets no more than what is left of it.
        let left = self
            .state
            .retry
            .budget
            .saturating_sub(self.started.elapsed());
        // Set only when tighter than the client's timeout: a per-request timeout costs every
        // request an extensions map, cloned with it on each attempt.
        if left < self.state.timeout {
            *request.timeout_mut() = Some(left);
        }
        let token = match self.authenticate(&mut request).await {
            Ok(token) => token,
            Err(failure) => {
                // This request never left, so retrying it is safe whatever its method.
                let wait = failure.transient.then(|| {
                    self.wait_before_retry(&method, Failure::Connect, failure.retry_after, progress)
                });
                if let Some(Some(wait)) = wait {
                    let reason = failure.error.message;
                    return Attempt::Again { wait, reason };
                }
                return Attempt::Done(Outcome::relayed(Relayed::Auth(Box::new(failure.error))));
            }
        };
        let response = match self.http.execute(request).await {
            Ok(response) => response,
            Err(error) => {
                let failure = Failure::of_transport(&error);
                return Attempt::Broken(error, failure);
            }
        };
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED
            && let (Some(token), RequestAuth::Token(source)) = (&token, &self.state.auth)
        {
            // The hub may revoke a token before its stated expiry: never send it again, and
            // try once more with a new one. A second 401 is the answer.
            source.invalidate(token.generation);
            if !progress.refreshed_after_401 && progress.can_repeat {
                progress.refreshed_after_401 = true;
                tracing::debug!("the hub refused the access token; fetching a new one");
                discard(response).await;
                return Attempt::WithNewToken;
            }
        }
        if !status.is_success() {
            let asked = crate::retry::retry_after(response.headers(), SystemTime::now());
            let failure = Failure::Status(status);
            if let Some(wait) = self.wait_before_retry(&method, failure, asked, progress) {
                discard(response).await;
                let reason = format!("HTTP {status}");
                return Attempt::Again { wait, reason };
            }
        }
        let limit = self.state.max_response_bytes;
        // A success body of announced, acceptable length goes to the generated code as it is:
        // buffering and rebuilding it here would cost every call and check nothing.
        if status.is_success()
            && response
                .content_length()
                .is_some_and(|length| length <= limit as u64)
        {
            return Attempt::Done(Outcome {
                response,
                status: Some(status),
                trace_id: None,
            });
        }
        match read_limited(response, limit).await {
            Ok((parts, body)) => {
                let examined = examine(parts, body);
                Attempt::Done(Outcome {
                    response: examined.response,
                    status: Some(status),
                    trace_id: examined.trace_id,
                })
            }
            Err(ReadFailure::TooLarge) => {
                let failure = Relayed::TooLarge {
                    status: status.as_u16(),
                    limit,
                };
                Attempt::Done(Outcome::relayed(failure))
            }
            // The body broke off after the hub processed the request: only idempotent calls
            // may be repeated.
            Err(ReadFailure::Transport(error)) => Attempt::Broken(error, Failure::AfterSend),
        }
    }

    /// Puts the credential on the request; returns the token used, in the token flow.
    async fn authenticate(&self, request: &mut Request) -> Result<Option<Token>, TokenFailure> {
        match &self.state.auth {
            RequestAuth::Fixed(name, value) => {
                request.headers_mut().insert(name.clone(), value.clone());
                Ok(None)
            }
            RequestAuth::Token(source) => {
                let token = source.token(self.http).await?;
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, token.header.clone());
                Ok(Some(token))
            }
        }
    }

    fn wait_before_retry(
        &self,
        method: &reqwest::Method,
        failure: Failure,
        asked: Option<Duration>,
        progress: &Progress,
    ) -> Option<Duration> {
        if !progress.can_repeat {
            return None;
        }
        let elapsed = self.started.elapsed();
        self.state
            .retry
            .next_wait(method, failure, asked, progress.retries, elapsed)
    }
}
