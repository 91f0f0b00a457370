//! What a request would send, without sending it: method, URL, headers (credentials as
//! `[redacted]`) and body, for a `--dry-run` and for logs a caller writes itself.

use crate::call::auth::RequestAuth;
use crate::call::request::Request;
use crate::call::shared::Shared;
use crate::error::Result;
use crate::secret::REDACTED;
use reqwest::header::{AUTHORIZATION, USER_AGENT};
use std::fmt;

/// A request as it would be sent, from a `dry_run()`. Its credential header shows as
/// `[redacted]` (with the username/password flow, the token it would fetch first); a client
/// built with [`dry_run_only`](crate::ClientBuilder::dry_run_only) and no credential shows none.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DryRun {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The whole URL, query string included.
    pub url: String,
    /// The headers, names in lower case, sorted by name.
    pub headers: Vec<(String, String)>,
    /// The body, when there is one (JSON text).
    pub body: Option<String>,
}

/// The request `request` would send on the client `shared` belongs to, encoded and checked as
/// for sending.
pub fn dry_run(shared: &Shared, request: &Request) -> Result<DryRun> {
    let prepared = request.prepare(&shared.base_url)?;
    let mut headers: Vec<(String, String)> = prepared
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.to_string(), value)
        })
        .collect();
    let user_agent = String::from_utf8_lossy(shared.user_agent.as_bytes()).into_owned();
    headers.push((USER_AGENT.to_string(), user_agent));
    let credential = match &shared.auth {
        RequestAuth::Fixed(name, _) if *name == AUTHORIZATION => {
            Some((name.to_string(), format!("Bearer {REDACTED}")))
        }
        RequestAuth::Fixed(name, _) => Some((name.to_string(), REDACTED.to_string())),
        RequestAuth::Token(_) => Some((AUTHORIZATION.to_string(), format!("Bearer {REDACTED}"))),
        RequestAuth::Missing { .. } => None,
    };
    headers.extend(credential);
    headers.sort();
    Ok(DryRun {
        method: prepared.method.to_string(),
        url: prepared.url.to_string(),
        headers,
        body: prepared
            .body
            .map(|body| String::from_utf8_lossy(&body).into_owned()),
    })
}

/// As HTTP/1.1 writes it: the request line, the headers, and the body after a blank line.
impl fmt::Display for DryRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            write!(f, "\n{body}")?;
        }
        Ok(())
    }
}
