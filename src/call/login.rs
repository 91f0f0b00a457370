//! The username/password token flow: `POST {base}/api/v2/token` with a partner user's email and
//! password, answered with `{"access_token", "token_type", "expires_in"}`. The login is sent
//! through the same attempts as every call (`send.rs`): bounded reads, error bodies, origins,
//! tracing, retries and the call's budget. This file decides what to send, how to read the
//! answer, and when a token is due.
//!
//! A token is fetched once and shared by every request (and every clone of the client); it is
//! replaced shortly before it expires, and when the hub answers 401 to it. Concurrent requests
//! that find no usable token wait for one fetch instead of each logging in (single flight).

use crate::call::request::Request;
use crate::error::{ApiErrorBody, AuthError, Error, ErrorKind, bounded};
use crate::secret::REDACTED;
use base64::Engine;
use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::fmt;
use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The token endpoint, relative to the base URL. Not in the vendored spec: its security scheme
/// only names it.
pub(crate) const TOKEN_PATH: &str = "/api/v2/token";
/// Lifetime assumed when the answer states none (no `expires_in`, no JWT `exp`). Short on
/// purpose: refreshing early costs one request, using an expired token costs a 401 round trip.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// The longest lifetime believed, whatever the answer says: a year.
const MAX_LIFETIME: Duration = Duration::from_secs(366 * 24 * 3600);
/// The longest a token is refreshed ahead of its expiry.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// How long a refused login (wrong credentials, not a transient failure) is the answer for
/// every call without asking again: under load, a wrong password then costs one login request
/// per second instead of one per call.
const REFUSAL_REMEMBERED: Duration = Duration::from_secs(1);

/// Obtains, caches and refreshes the bearer token for one username and password.
pub(crate) struct TokenSource {
    username: String,
    password: SecretString,
    cache: Mutex<Cache>,
    /// Held while fetching, so that concurrent requests make one fetch.
    fetching: tokio::sync::Mutex<()>,
}

/// The last fetch's outcome.
#[derive(Default)]
struct Cache {
    token: Option<Token>,
    /// The last fetch's refusal (not a transient failure), and when it happened.
    refusal: Option<(RefusedLogin, Instant)>,
    /// Fetches finished so far: a caller that saw this change while it waited shares the outcome.
    fetches: u64,
    /// The last fetch's failure (transient ones included), for the callers that waited for it.
    last_failure: Option<RefusedLogin>,
}

/// A refused login, kept to answer the calls that waited for it (an [`AuthError`] is not
/// `Clone`: it may hold the transport failure).
#[derive(Clone)]
struct RefusedLogin {
    status: Option<StatusCode>,
    message: String,
    trace_id: Option<String>,
    attempts: u32,
    /// Whether another try may succeed (no answer, or 408, 429, 502, 503, 504).
    transient: bool,
}

/// A token ready to use until `refresh_at`.
#[derive(Clone)]
pub(crate) struct Token {
    /// `Bearer <token>`, marked sensitive.
    pub(crate) header: HeaderValue,
    /// Which fetch produced it (1, 2, ...), so a 401 invalidates only the token it was sent with.
    pub(crate) generation: u64,
    refresh_at: Instant,
}

impl Cache {
    fn usable(&self) -> Option<Token> {
        self.token
            .as_ref()
            .filter(|token| Instant::now() < token.refresh_at)
            .cloned()
    }

    /// A refusal recent enough to be the answer without asking again.
    fn recent_refusal(&self) -> Option<RefusedLogin> {
        self.refusal
            .as_ref()
            .filter(|(refusal, at)| !refusal.transient && at.elapsed() < REFUSAL_REMEMBERED)
            .map(|(refusal, _)| refusal.clone())
    }
}

impl RefusedLogin {
    fn of(error: &AuthError) -> RefusedLogin {
        RefusedLogin {
            status: error.status,
            message: error.message.clone(),
            trace_id: error.trace_id.clone(),
            attempts: error.attempts(),
            transient: error.status.is_none_or(crate::error::is_retryable_status),
        }
    }

    /// The error a caller that shared this login gets. A transport failure's cause stays with
    /// the caller that made the fetch.
    fn error(&self) -> Error {
        let error = match self.status {
            Some(status) => AuthError::answered(
                status,
                self.message.clone(),
                self.trace_id.clone(),
                self.attempts,
            ),
            None => AuthError::shared_unanswered(self.message.clone(), self.attempts),
        };
        ErrorKind::Auth(error).into()
    }
}

impl TokenSource {
    pub(crate) fn new(username: String, password: SecretString) -> Self {
        TokenSource {
            username,
            password,
            cache: Mutex::new(Cache::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// A token that is not due for refresh, fetched with `fetch` if needed. Callers that arrive
    /// while a fetch is under way share its outcome, token or refusal, instead of fetching
    /// again. `fetch` sends [`login`](Self::login) and reads the answer with
    /// [`accept`](Self::accept).
    pub(crate) async fn token<F, Fut>(&self, fetch: F) -> Result<Token, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Token, AuthError>>,
    {
        let fetches_seen = {
            let cache = self.cache();
            if let Some(token) = cache.usable() {
                return Ok(token);
            }
            if let Some(refusal) = cache.recent_refusal() {
                return Err(refusal.error());
            }
            cache.fetches
        };
        let _fetching = self.fetching.lock().await;
        {
            let cache = self.cache();
            if let Some(token) = cache.usable() {
                return Ok(token);
            }
            if let Some(refusal) = cache.recent_refusal() {
                return Err(refusal.error());
            }
            // A fetch ended while this caller waited: its failure is this caller's answer too
            // (its token, if still good, was returned above).
            if cache.fetches != fetches_seen
                && let Some(refusal) = &cache.last_failure
            {
                return Err(refusal.error());
            }
        }
        let outcome = fetch().await;
        let mut cache = self.cache();
        cache.fetches += 1;
        match outcome {
            Ok(mut token) => {
                token.generation = cache.fetches;
                cache.token = Some(token.clone());
                cache.refusal = None;
                cache.last_failure = None;
                Ok(token)
            }
            Err(error) => {
                let refusal = RefusedLogin::of(&error);
                cache.refusal = Some((refusal.clone(), Instant::now()));
                cache.last_failure = Some(refusal);
                Err(ErrorKind::Auth(error).into())
            }
        }
    }

    /// Forgets the token of `generation` after the hub refused it, unless it was replaced already.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut cache = self.cache();
        if cache
            .token
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            cache.token = None;
        }
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The login request: `POST /api/v2/token` with the username and password as JSON. It may
    /// be sent again after any transient failure: a login only issues another token.
    pub(crate) fn login(&self) -> Request {
        let credentials = serde_json::json!({
            "username": self.username,
            "password": self.password.expose_secret(),
        });
        let mut request = Request::raw(Method::POST, TOKEN_PATH).into_login();
        request.json_body(&credentials);
        request
    }

    /// The token of the token endpoint's answer (`status`, `body`) to the login, after
    /// `attempts` attempts; a refusal or an unusable answer as the [`AuthError`].
    pub(crate) fn accept(
        &self,
        status: StatusCode,
        body: &[u8],
        attempts: u32,
    ) -> Result<Token, AuthError> {
        let refused = |message: String| AuthError::answered(status, message, None, attempts);
        if !status.is_success() {
            return Err(self.refusal(status, body, attempts));
        }
        let answer: TokenAnswer = serde_json::from_slice(body).map_err(|e| {
            refused(format!(
                "the token answer is not {{\"access_token\", \"token_type\", \"expires_in\"}}: {e}"
            ))
        })?;
        let access_token = SecretString::from(answer.access_token);
        let header = bearer_header(access_token.expose_secret()).ok_or_else(|| {
            refused("the access token contains characters not allowed in an HTTP header".into())
        })?;
        let lifetime = lifetime(
            answer.expires_in.as_ref(),
            access_token.expose_secret(),
            SystemTime::now(),
        );
        let refresh_in = lifetime.saturating_sub(refresh_margin(lifetime));
        tracing::debug!(
            lifetime_s = lifetime.as_secs(),
            refresh_in_s = refresh_in.as_secs(),
            "obtained an access token"
        );
        Ok(Token {
            header,
            // Set by `token` when it stores the token.
            generation: 0,
            refresh_at: Instant::now() + refresh_in,
        })
    }

    /// The server's reason for refusing, from either error shape the hub uses, never echoing
    /// the password.
    fn refusal(&self, status: StatusCode, body: &[u8], attempts: u32) -> AuthError {
        let decoded: Option<ApiErrorBody> = serde_json::from_slice(body).ok();
        let meta = decoded.as_ref().and_then(|b| b.meta.as_ref());
        let oauth_text = |key: &str| {
            decoded
                .as_ref()
                .and_then(|b| b.extra.get(key))
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let message = meta
            .map(|m| m.developer_message.clone())
            .filter(|text| !text.is_empty())
            .or_else(|| oauth_text("error_description"))
            .or_else(|| oauth_text("error"))
            .or_else(|| oauth_text("message"))
            .or_else(|| (!body.is_empty()).then(|| String::from_utf8_lossy(body).into_owned()))
            .unwrap_or_else(|| "the token request was refused".to_string());
        AuthError::answered(
            status,
            self.redact(&message),
            meta.and_then(|m| m.trace_id.clone()),
            attempts,
        )
    }

    /// `text` without the password (as typed, or escaped inside a JSON body), then cut to the
    /// error-text limit, in that order so that no cut leaves part of the password behind.
    fn redact(&self, text: &str) -> String {
        let password = self.password.expose_secret();
        let escaped = serde_json::to_string(password).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        let mut text = text.replace(password, REDACTED);
        if !escaped.is_empty() {
            text = text.replace(escaped, REDACTED);
        }
        bounded(&text)
    }
}

/// `Bearer <token>` as a header value marked sensitive, or `None` if it cannot be a header.
pub(crate) fn bearer_header(token: &str) -> Option<HeaderValue> {
    sensitive_header(&format!("Bearer {token}"))
}

/// A header value marked sensitive (kept out of HTTP-level logs), or `None` if it cannot be one.
pub(crate) fn sensitive_header(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("username", &self.username)
            .field("password", &REDACTED)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer. No `Debug`: it holds the token.
#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<Value>,
}

/// How long a token lives: `expires_in` when the answer has it, else the JWT's `exp` claim,
/// else [`ASSUMED_LIFETIME`].
fn lifetime(expires_in: Option<&Value>, access_token: &str, now: SystemTime) -> Duration {
    let stated = expires_in.and_then(|value| match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let lifetime = match stated {
        // At least a second, so that a zero answer cannot make every call log in.
        Some(seconds) => Duration::try_from_secs_f64(seconds.max(1.0)).ok(),
        // An `exp` already past by our clock is clock skew, not a dead token (a 401 would say so).
        None => jwt_expiry(access_token).and_then(|expiry| expiry.duration_since(now).ok()),
    };
    // Capped, so that no answer, however odd, makes the refresh time overflow.
    lifetime.unwrap_or(ASSUMED_LIFETIME).min(MAX_LIFETIME)
}

/// The `exp` claim of a JWT (`header.payload.signature`, base64url), without verifying it: the
/// client only needs to know when to refresh.
fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let claims: Value = serde_json::from_slice(&engine.decode(payload).ok()?).ok()?;
    let exp = Duration::try_from_secs_f64(claims.get("exp")?.as_f64()?).ok()?;
    UNIX_EPOCH.checked_add(exp)
}

/// How long before expiry a token is replaced: a tenth of its life, at most a minute, so a
/// request never leaves with a token about to expire in flight.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_REFRESH_MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(claims: Value) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.signature",
            engine.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            engine.encode(claims.to_string())
        )
    }

    #[test]
    fn lifetime_prefers_expires_in_then_a_future_jwt_exp_then_ten_minutes() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let token = jwt(json!({"sub": "partner", "exp": 1_800_000_300}));
        assert_eq!(
            lifetime(Some(&json!(86400)), &token, now),
            Duration::from_secs(86400)
        );
        assert_eq!(
            lifetime(Some(&json!("120")), &token, now),
            Duration::from_secs(120)
        );
        assert_eq!(lifetime(None, &token, now), Duration::from_secs(300));
        assert_eq!(
            lifetime(Some(&json!(null)), &token, now),
            Duration::from_secs(300)
        );
        assert_eq!(lifetime(None, "opaque-token", now), ASSUMED_LIFETIME);
        let skewed = jwt(json!({"exp": 1_700_000_000}));
        assert_eq!(lifetime(None, &skewed, now), ASSUMED_LIFETIME);
        assert_eq!(
            lifetime(Some(&json!(0)), &token, now),
            Duration::from_secs(1)
        );
        // Absurd answers neither panic nor overflow the refresh time.
        for absurd in [
            json!(1e300),
            json!(-5),
            json!("NaN"),
            json!("inf"),
            json!(u64::MAX),
        ] {
            let lifetime = lifetime(Some(&absurd), "t", now);
            assert!(lifetime <= MAX_LIFETIME, "{absurd}: {lifetime:?}");
        }
        let far = jwt(json!({"exp": 1e300}));
        assert_eq!(lifetime(None, &far, now), ASSUMED_LIFETIME);
        let next_century = jwt(json!({"exp": 5_000_000_000u64}));
        assert_eq!(lifetime(None, &next_century, now), MAX_LIFETIME);
    }

    #[test]
    fn tokens_are_refreshed_a_tenth_of_their_life_early_at_most_a_minute() {
        assert_eq!(
            refresh_margin(Duration::from_secs(86400)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(2)),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn a_refusal_names_the_servers_message_in_any_shape_and_never_the_password() {
        let source = TokenSource::new(
            "partner@example.com".into(),
            SecretString::from("hunter2-secret"),
        );
        let meta = source.refusal(
            StatusCode::UNAUTHORIZED,
            br#"{"meta":{"developer_message":"Invalid credentials","success":false,"360dialog_trace_id":"t-1"}}"#,
            1,
        );
        assert_eq!(meta.message, "Invalid credentials");
        assert_eq!(meta.trace_id.as_deref(), Some("t-1"));
        let oauth = source.refusal(
            StatusCode::BAD_REQUEST,
            br#"{"error":"invalid_grant","error_description":"Wrong email or password."}"#,
            1,
        );
        assert_eq!(oauth.message, "Wrong email or password.");
        let echoing = source.refusal(
            StatusCode::UNAUTHORIZED,
            br#"{"error":"password hunter2-secret is wrong"}"#,
            1,
        );
        assert_eq!(echoing.message, "password [redacted] is wrong");
        let quoting = TokenSource::new("u".into(), SecretString::from("pa\"ss"));
        let raw = quoting.refusal(
            StatusCode::BAD_REQUEST,
            br#"{"received": {"password": "pa\"ss"}}"#,
            1,
        );
        assert_eq!(raw.message, r#"{"received": {"password": "[redacted]"}}"#);
        let empty = source.refusal(StatusCode::FORBIDDEN, b"", 2);
        assert_eq!(empty.attempts(), 2);
        assert_eq!(empty.message, "the token request was refused");
    }
}
