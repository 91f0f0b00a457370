//! What every generated operation runs around its request: progenitor's `api-version` header
//! out, credentials in, retries, body checks, and one tracing span per call.

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
use std::time::{Duration, Instant};
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
        let span = tracing::info_span!(
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
                span.record("status", outcome.response.status().as_u16());
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

/// The final response (body read and checked) and the hub's trace id, if it sent one.
struct Outcome {
    response: Response,
    trace_id: Option<String>,
}

impl Outcome {
    fn relayed(failure: Relayed, status: StatusCode) -> Outcome {
        Outcome {
            response: failure.into_response(status),
            trace_id: None,
        }
    }
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
        let token = match self.authenticate(&mut request).await {
            Ok(token) => token,
            Err(TokenFailure::Refused(refusal)) => {
                let status = refusal.status.unwrap_or(StatusCode::UNAUTHORIZED);
                return Attempt::Done(Outcome::relayed(Relayed::Auth(Box::new(refusal)), status));
            }
            // Whatever happened to the token request, this request never left: retrying it is
            // as safe as after a failed connection, whatever its method.
            Err(TokenFailure::Transport(error)) => return Attempt::Broken(error, Failure::Connect),
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
            && !progress.refreshed_after_401
            && progress.can_repeat
        {
            // The hub may revoke a token before its stated expiry: fetch a new one and try
            // once more. A second 401 is the answer.
            source.invalidate(token.generation);
            progress.refreshed_after_401 = true;
            tracing::debug!("the hub refused the access token; fetching a new one");
            return Attempt::WithNewToken;
        }
        if !status.is_success()
            && let Some(wait) = self.wait_before_retry(
                &method,
                Failure::Status(status),
                Some(response.headers()),
                progress,
            )
        {
            return Attempt::Again {
                wait,
                reason: format!("HTTP {status}"),
            };
        }
        let limit = self.state.max_response_bytes;
        match read_limited(response, limit).await {
            Ok((parts, body)) => {
                let examined = examine(self.operation_id, parts, body);
                Attempt::Done(Outcome {
                    response: examined.response,
                    trace_id: examined.trace_id,
                })
            }
            Err(ReadFailure::TooLarge) => {
                let failure = Relayed::TooLarge {
                    status: status.as_u16(),
                    limit,
                };
                Attempt::Done(Outcome::relayed(failure, status))
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
        headers: Option<&reqwest::header::HeaderMap>,
        progress: &Progress,
    ) -> Option<Duration> {
        if !progress.can_repeat {
            return None;
        }
        let elapsed = self.started.elapsed();
        self.state
            .retry
            .next_wait(method, failure, headers, progress.retries, elapsed)
    }
}
