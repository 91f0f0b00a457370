//! When a failed request is sent again, and how long to wait first.
//!
//! The hub rate-limits (429, with `Retry-After`) and has transient 5xx and network failures like
//! any service. What is transient (worth another try) is one question, whether this request may
//! be sent again another: a 429 means the hub refused the request without processing it (RFC
//! 6585), so every method is retried on it, like a connection that never opened; on the other
//! transient failures idempotent requests are retried, a PATCH or POST not, since a repeated
//! update may apply twice.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use std::time::{Duration, SystemTime};

/// Default number of retries after the first attempt.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 3;
/// Default limit on the time one call may spend, waits and attempts included, before it stops
/// retrying.
pub(crate) const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(60);
/// Default longest `Retry-After` the client waits for; a longer one ends the call with the 429
/// or 503 error, whose [`retry_after`](crate::error::ApiError::retry_after) says how long to wait.
pub(crate) const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// First backoff delay; each retry doubles it, up to [`MAX_BACKOFF`], with full jitter.
const INITIAL_BACKOFF: Duration = Duration::from_millis(200);
/// Longest backoff delay between two attempts (when the server gives no `Retry-After`).
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// How a client retries. Set through the [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Debug)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) budget: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) initial_backoff: Duration,
    pub(crate) retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            budget: DEFAULT_RETRY_BUDGET,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            initial_backoff: INITIAL_BACKOFF,
            retry_non_idempotent: false,
        }
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Failure {
    /// The connection could not be established: the request never reached the server.
    Connect,
    /// The request was sent (or may have been) but no complete response came back.
    AfterSend,
    /// The server answered with this status.
    Status(StatusCode),
}

impl Failure {
    pub(crate) fn of_transport(error: &reqwest::Error) -> Failure {
        if error.is_connect() {
            Failure::Connect
        } else {
            Failure::AfterSend
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt, or `None` when the call should end with this failure.
    ///
    /// `repeatable` says whether sending the request twice does no harm (an idempotent method,
    /// or a login); `asked` is the server's `Retry-After`; `retries_done` counts retries already
    /// made; `elapsed` is the time the call has taken.
    pub(crate) fn next_wait(
        &self,
        repeatable: bool,
        failure: Failure,
        asked: Option<Duration>,
        retries_done: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if retries_done >= self.max_retries || !self.may_retry(repeatable, failure) {
            return None;
        }
        let wait = match asked {
            Some(asked) if asked > self.max_retry_after => return None,
            Some(asked) => asked,
            None => self.backoff(retries_done),
        };
        (elapsed.saturating_add(wait) <= self.budget).then_some(wait)
    }

    fn may_retry(&self, repeatable: bool, failure: Failure) -> bool {
        let transient = match failure {
            // The hub never saw the request, or refused it unprocessed: safe for any method.
            Failure::Connect | Failure::Status(StatusCode::TOO_MANY_REQUESTS) => return true,
            Failure::AfterSend => true,
            Failure::Status(status) => crate::error::is_retryable_status(status),
        };
        transient && (self.retry_non_idempotent || repeatable)
    }

    /// Exponential backoff with full jitter: uniformly random in `[0, min(cap, base·2^n)]`, so
    /// clients that failed together do not come back together.
    fn backoff(&self, retries_done: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(retries_done).unwrap_or(u32::MAX))
            .min(MAX_BACKOFF);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// GET, HEAD, OPTIONS, PUT and DELETE may be repeated without changing the outcome (RFC 9110).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// The wait a `Retry-After` header asks for, in delay-seconds or HTTP-date form.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    // A date in the past means "now".
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 22 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers("Sun, 22 Nov 2026 10:00:12 GMT"), now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            retry_after(&headers("Sun, 22 Nov 2026 09:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    /// The retry table: which failures are retried for which methods, by default.
    #[test]
    fn the_retry_table_by_failure_and_method() {
        let policy = RetryPolicy::default();
        let status = |code| Failure::Status(StatusCode::from_u16(code).unwrap());
        // (failure, GET/PUT/DELETE retried, PATCH/POST retried)
        let table = [
            (Failure::Connect, true, true),
            (status(429), true, true),
            (Failure::AfterSend, true, false),
            (status(408), true, false),
            (status(502), true, false),
            (status(503), true, false),
            (status(504), true, false),
            (status(400), false, false),
            (status(401), false, false),
            (status(404), false, false),
            (status(409), false, false),
            (status(500), false, false),
        ];
        for (failure, idempotent, other) in table {
            for (methods, expected) in [
                ([Method::GET, Method::PUT, Method::DELETE], idempotent),
                ([Method::PATCH, Method::POST, Method::POST], other),
            ] {
                for method in methods {
                    let retried = policy
                        .next_wait(is_idempotent(&method), failure, None, 0, Duration::ZERO)
                        .is_some();
                    assert_eq!(retried, expected, "{method} {failure:?}");
                }
            }
        }

        let opted_in = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        let failure = Failure::Status(StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            opted_in
                .next_wait(
                    is_idempotent(&Method::PATCH),
                    failure,
                    None,
                    0,
                    Duration::ZERO
                )
                .is_some()
        );
    }

    #[test]
    fn retries_stop_at_the_limit_the_budget_and_an_overlong_retry_after() {
        let policy = RetryPolicy::default();
        let failure = Failure::Status(StatusCode::TOO_MANY_REQUESTS);
        let wait = |asked: u64, retries_done, elapsed: u64| {
            let asked = Some(Duration::from_secs(asked));
            let elapsed = Duration::from_secs(elapsed);
            policy.next_wait(true, failure, asked, retries_done, elapsed)
        };
        assert_eq!(wait(2, 2, 0), Some(Duration::from_secs(2)));
        assert_eq!(wait(2, 3, 0), None, "the fourth retry is one too many");
        assert_eq!(wait(31, 0, 0), None, "longer than max_retry_after");
        assert_eq!(wait(2, 0, 59), None, "would overrun the 60 s budget");
        let off = RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        };
        assert_eq!(
            off.next_wait(true, Failure::Connect, None, 0, Duration::ZERO),
            None
        );
    }

    #[test]
    fn backoff_doubles_from_200ms_up_to_10s_with_jitter_below_the_ceiling() {
        let policy = RetryPolicy::default();
        for (retries_done, ceiling_ms) in [
            (0, 200),
            (1, 400),
            (3, 1600),
            (5, 6400),
            (6, 10_000),
            (40, 10_000),
        ] {
            for _ in 0..100 {
                let wait = policy.backoff(retries_done);
                assert!(
                    wait <= Duration::from_millis(ceiling_ms),
                    "{retries_done}: {wait:?}"
                );
            }
        }
    }
}
