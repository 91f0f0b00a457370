//! Sending a request: the attempts of one call (the credential on each, retries by method and
//! failure within the budget, the token flow's 401 refresh), each response read within the size
//! limit, every failure turned into an [`Error`], and one tracing span per call. Every generated
//! operation, raw request and list page ends here, and so does the token flow's login, sent as
//! a call of its own inside the call that needs the token.

use crate::call::auth::RequestAuth;
use crate::call::body::{ReadFailure, Received, read_limited};
use crate::call::login::{Token, TokenSource};
use crate::call::request::{Prepared, Request};
use crate::call::retry::Failure;
use crate::call::shared::Shared;
use crate::error::{
    ApiError, AuthError, CredentialsError, Error, ErrorKind, Result, TransportError,
};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Response, StatusCode};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
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
    /// The call of `request`, its success body decoded by `decode` (what the generated
    /// builders' `send()` returns).
    #[doc(hidden)]
    pub fn new(shared: Arc<Shared>, request: Request, decode: fn(Received) -> Result<T>) -> Self {
        Pending {
            sending: Box::pin(execute(shared, request, Answers::SuccessOnly)),
            decode,
        }
    }

    /// The call of `request` for whatever the hub answers last, an error status included (with
    /// its headers), decoded by `decode`: for calls that hand the answer back as it came.
    pub(crate) fn answered(
        shared: Arc<Shared>,
        request: Request,
        decode: fn(Received) -> Result<T>,
    ) -> Self {
        Pending {
            sending: Box::pin(execute(shared, request, Answers::Any)),
            decode,
        }
    }

    /// The call of `request` whose success body must also pass `check` (decode as the
    /// operation's type) before `decode` reads it: for calls that keep the body as JSON.
    #[cfg(feature = "metadata")]
    pub(crate) fn checked(
        shared: Arc<Shared>,
        request: Request,
        check: crate::table::CheckResponse,
        decode: fn(Received) -> Result<T>,
    ) -> Self {
        Pending {
            sending: Box::pin(async move {
                let received = execute(shared, request, Answers::SuccessOnly).await?;
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
    /// [`ErrorKind::UnexpectedStatus`].
    SuccessOnly,
    /// Any status the hub answers last (after retries and the 401 refresh), with its headers.
    Any,
}

/// Encodes `request`, sends it until it succeeds, fails for good, or the retry policy says
/// stop, and returns the response read whole.
///
/// It takes the client's shared part by value (one `Arc`), so the call's future owns
/// everything it uses.
pub(crate) async fn execute(
    shared: Arc<Shared>,
    request: Request,
    answers: Answers,
) -> Result<Received> {
    let first = request.prepare(&shared.base_url)?;
    if let RequestAuth::Missing { from_environment } = shared.auth {
        return Err(ErrorKind::Credentials(CredentialsError::Missing { from_environment }).into());
    }
    let call = Call {
        shared: &shared,
        request: &request,
        started: Instant::now(),
        answers,
        authenticate: true,
    };
    call.traced(first).await.0
}

/// One call: the attempts it takes and what they share.
struct Call<'a> {
    shared: &'a Shared,
    request: &'a Request,
    /// When the call started: its budget runs from here, a login's included.
    started: Instant,
    answers: Answers,
    /// Whether the client's credential goes on the request (not on the login's own).
    authenticate: bool,
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
    /// Runs the attempts inside the call's tracing span (operation, method, path and outcome:
    /// no headers, no bodies); the outcome and the number of attempts.
    async fn traced(&self, first: Prepared) -> (Result<Received>, u32) {
        let span = tracing::debug_span!(
            "d360_partner.request",
            operation = self.request.span_name(),
            method = %self.request.method(),
            path = first.url.path(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        );
        let (result, attempts) = self.run(first).instrument(span.clone()).await;
        if !span.is_disabled() {
            span.record("attempts", attempts);
            span.record("latency_ms", self.started.elapsed().as_millis() as u64);
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
        (result, attempts)
    }

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
                Attempt::Done(Err(error)) => {
                    return (Err(counted(error, attempts)), attempts);
                }
                Attempt::Done(outcome) => return (outcome, attempts),
                Attempt::Again { wait, reason } => (wait, reason),
                Attempt::WithNewToken => continue,
            };
            progress.retries += 1;
            tracing::info!(
                operation = self.request.span_name(),
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
        let mut request = self.http_request(prepared);
        let token = match self.authenticate(&mut request).await {
            Ok(token) => token,
            // The login was sent as a call of its own, retried as far as the budget allows.
            Err(error) => return Attempt::Done(Err(error)),
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
            return Attempt::Done(Err(ErrorKind::UnexpectedStatus { status }.into()));
        }
        if !status.is_success() {
            let asked = crate::call::retry::retry_after(response.headers(), SystemTime::now());
            if let Some(wait) = self.wait_before_retry(Failure::Status(status), asked, progress) {
                Box::pin(discard(response)).await;
                return Attempt::Again {
                    wait,
                    reason: format!("HTTP {status}"),
                };
            }
        }
        // Read only now, for errors: a success costs no header lookups.
        let retry_after = (!status.is_success())
            .then(|| crate::call::retry::retry_after(response.headers(), SystemTime::now()))
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
                let error = ApiError::new(status, retry_after, &body);
                Attempt::Done(Err(ErrorKind::Api(error).into()))
            }
            Err(ReadFailure::TooLarge) => {
                Attempt::Done(Err(ErrorKind::ResponseTooLarge { status, limit }.into()))
            }
            // The body broke off after the hub processed the request: only repeatable calls
            // may be sent again.
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
        match self.wait_before_retry(failure, None, progress) {
            Some(wait) => Attempt::Again {
                wait,
                reason: error.to_string(),
            },
            None => Attempt::Done(Err(ErrorKind::Transport(error).into())),
        }
    }

    /// Puts the credential on the request; returns the token used, in the token flow.
    async fn authenticate(&self, request: &mut reqwest::Request) -> Result<Option<Token>> {
        if !self.authenticate {
            return Ok(None);
        }
        match &self.shared.auth {
            RequestAuth::Fixed(name, value) => {
                request.headers_mut().insert(name.clone(), value.clone());
                Ok(None)
            }
            RequestAuth::Token(source) => {
                let token = Box::pin(source.token(|| self.login(source))).await?;
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, token.header.clone());
                Ok(Some(token))
            }
            RequestAuth::Missing { from_environment } => {
                Err(ErrorKind::Credentials(CredentialsError::Missing {
                    from_environment: *from_environment,
                })
                .into())
            }
        }
    }

    /// Logs in: the token flow's request, sent as a call of its own within this call's budget
    /// (its own span, retries and bounded read), and its answer read as a token.
    async fn login(&self, source: &TokenSource) -> std::result::Result<Token, AuthError> {
        let request = source.login();
        let first = request
            .prepare(&self.shared.base_url)
            .expect("the login request encodes on any base URL");
        let login = Call {
            shared: self.shared,
            request: &request,
            started: self.started,
            answers: Answers::Any,
            authenticate: false,
        };
        let (result, attempts) = Box::pin(login.traced(first)).await;
        match result.map_err(Error::into_kind) {
            Ok(received) => source.accept(received.status, &received.body, attempts),
            Err(ErrorKind::Transport(transport)) => Err(AuthError::unanswered(transport)),
            Err(ErrorKind::ResponseTooLarge { status, limit }) => Err(AuthError::answered(
                status,
                format!("the token answer is larger than the limit of {limit} bytes"),
                None,
                attempts,
            )),
            Err(other) => unreachable!("a login taking any answer fails only to get one: {other}"),
        }
    }

    fn wait_before_retry(
        &self,
        failure: Failure,
        asked: Option<Duration>,
        progress: &Progress,
    ) -> Option<Duration> {
        let elapsed = self.started.elapsed();
        self.shared.retry.next_wait(
            self.request.is_repeatable(),
            failure,
            asked,
            progress.retries,
            elapsed,
        )
    }
}

/// `error`, with the call's `attempts` recorded where a failure counts them.
fn counted(mut error: Error, attempts: u32) -> Error {
    if let ErrorKind::Transport(transport) = error.kind_mut() {
        transport.set_attempts(attempts);
    }
    error
}

/// Reads and drops a little of a response that will not be used, so its connection can go back
/// to the pool instead of being closed.
async fn discard(response: Response) {
    const ENOUGH: usize = 64 * 1024;
    let _ = tokio::time::timeout(Duration::from_millis(200), read_limited(response, ENOUGH)).await;
}
