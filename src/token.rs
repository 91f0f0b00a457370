//! The username/password token flow: `POST {base}/api/v2/token` with a partner user's email and
//! password, answered with `{"access_token", "token_type", "expires_in"}`.
//!
//! A token is fetched once and shared by every request (and every clone of the client); it is
//! replaced shortly before it expires, and when the hub answers 401 to it. Concurrent requests
//! that find no usable token wait for one fetch instead of each logging in (single flight).

use crate::auth::bearer_header;
use crate::error::{ApiErrorBody, AuthError, body_prefix};
use base64::Engine;
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::fmt;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
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
/// How much of an error answer is read to find the server's message.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Obtains, caches and refreshes the bearer token for one username and password.
pub(crate) struct TokenSource {
    url: String,
    username: String,
    password: SecretString,
    current: RwLock<Option<Token>>,
    /// Held while fetching, so that concurrent requests make one fetch.
    fetching: tokio::sync::Mutex<()>,
    fetched: AtomicU64,
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

/// Why no token could be obtained.
pub(crate) enum TokenFailure {
    /// The token request did not get an answer.
    Transport(reqwest::Error),
    /// The hub refused the credentials, or its answer held no usable token.
    Refused(AuthError),
}

impl TokenSource {
    pub(crate) fn new(base_url: &str, username: String, password: SecretString) -> Self {
        TokenSource {
            url: format!("{base_url}{TOKEN_PATH}"),
            username,
            password,
            current: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(()),
            fetched: AtomicU64::new(0),
        }
    }

    /// A token that is not due for refresh, fetching one if needed.
    pub(crate) async fn token(&self, http: &reqwest::Client) -> Result<Token, TokenFailure> {
        if let Some(token) = self.usable() {
            return Ok(token);
        }
        let _fetching = self.fetching.lock().await;
        // Whoever held the lock before us may have fetched one already.
        if let Some(token) = self.usable() {
            return Ok(token);
        }
        let token = self.fetch(http).await?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        Ok(token)
    }

    /// Forgets the token of `generation` after the hub refused it, unless it was replaced already.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|t| t.generation == generation) {
            *current = None;
        }
    }

    fn usable(&self) -> Option<Token> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current
            .as_ref()
            .filter(|token| Instant::now() < token.refresh_at)
            .cloned()
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<Token, TokenFailure> {
        tracing::debug!(url = %self.url, "requesting an access token");
        let credentials = serde_json::json!({
            "username": self.username,
            "password": self.password.expose_secret(),
        });
        let response = http
            .post(&self.url)
            .json(&credentials)
            .send()
            .await
            .map_err(TokenFailure::Transport)?;
        let status = response.status();
        let body = read_prefix(response, ERROR_BODY_LIMIT).await?;
        if !status.is_success() {
            return Err(TokenFailure::Refused(self.refusal(status, &body)));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
            TokenFailure::Refused(AuthError {
                status: Some(status),
                message: format!(
                    "the token answer is not {{\"access_token\", \"token_type\", \"expires_in\"}}: {e}"
                ),
                trace_id: None,
            })
        })?;
        let access_token = SecretString::from(answer.access_token);
        let header = bearer_header(access_token.expose_secret()).ok_or_else(|| {
            TokenFailure::Refused(AuthError {
                status: Some(status),
                message: "the access token contains characters not allowed in an HTTP header"
                    .into(),
                trace_id: None,
            })
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
            generation: self.fetched.fetch_add(1, Ordering::Relaxed) + 1,
            refresh_at: Instant::now() + refresh_in,
        })
    }

    /// The server's reason for refusing, from either error shape the hub uses, never echoing
    /// the password.
    fn refusal(&self, status: StatusCode, body: &[u8]) -> AuthError {
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
            .or_else(|| (!body.is_empty()).then(|| body_prefix(body)))
            .unwrap_or_else(|| "the token request was refused".to_string());
        let password = self.password.expose_secret();
        AuthError {
            status: Some(status),
            message: message.replace(password, "[REDACTED]"),
            trace_id: meta.and_then(|m| m.trace_id.clone()),
        }
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
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

async fn read_prefix(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, TokenFailure> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(TokenFailure::Transport)? {
        body.extend_from_slice(&chunk[..chunk.len().min(limit - body.len())]);
        if body.len() == limit {
            break;
        }
    }
    Ok(body)
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
        Some(seconds) => Duration::try_from_secs_f64(seconds).ok(),
        None => {
            jwt_expiry(access_token).map(|expiry| expiry.duration_since(now).unwrap_or_default())
        }
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
    fn lifetime_prefers_expires_in_then_the_jwt_exp_then_ten_minutes() {
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
        let expired = jwt(json!({"exp": 1_700_000_000}));
        assert_eq!(lifetime(None, &expired, now), Duration::ZERO);
        // Absurd answers neither panic nor overflow the refresh time.
        for absurd in [json!(1e300), json!(-5), json!("NaN"), json!(u64::MAX)] {
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
    fn a_refusal_names_the_servers_message_in_either_shape_and_never_the_password() {
        let source = TokenSource::new(
            "http://127.0.0.1:1",
            "partner@example.com".into(),
            SecretString::from("hunter2-secret"),
        );
        let meta = source.refusal(
            StatusCode::UNAUTHORIZED,
            br#"{"meta":{"developer_message":"Invalid credentials","success":false,"360dialog_trace_id":"t-1"}}"#,
        );
        assert_eq!(meta.message, "Invalid credentials");
        assert_eq!(meta.trace_id.as_deref(), Some("t-1"));
        let oauth = source.refusal(
            StatusCode::BAD_REQUEST,
            br#"{"error":"invalid_grant","error_description":"Wrong email or password."}"#,
        );
        assert_eq!(oauth.message, "Wrong email or password.");
        let echoing = source.refusal(
            StatusCode::UNAUTHORIZED,
            br#"{"error":"password hunter2-secret is wrong"}"#,
        );
        assert_eq!(echoing.message, "password [REDACTED] is wrong");
        let empty = source.refusal(StatusCode::FORBIDDEN, b"");
        assert_eq!(empty.message, "the token request was refused");
    }
}
