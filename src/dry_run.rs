//! What a request would send, without sending it: method, URL, headers (credentials as
//! `[redacted]`) and body, for a `--dry-run` and for logs a caller writes itself.

use crate::auth::RequestAuth;
use crate::client::Client;
use crate::error::{REDACTED, Result};
use crate::request::Request;
use reqwest::header::{AUTHORIZATION, USER_AGENT};
use std::fmt;

/// A request as it would be sent, from a `dry_run()`. Its credential header shows as
/// `[redacted]` (with the username/password flow, the token it would fetch first).
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

impl Client {
    /// The request `request` would send on this client, encoded and checked as for sending.
    pub(crate) fn dry_run(&self, request: &Request) -> Result<DryRun> {
        let prepared = request.prepare(&self.shared.base_url)?;
        let mut headers: Vec<(String, String)> = prepared
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.to_string(), value)
            })
            .collect();
        let user_agent = String::from_utf8_lossy(self.shared.user_agent.as_bytes()).into_owned();
        headers.push((USER_AGENT.to_string(), user_agent));
        let credential = match &self.shared.auth {
            RequestAuth::Fixed(name, _) if *name == AUTHORIZATION => {
                (name.to_string(), format!("Bearer {REDACTED}"))
            }
            RequestAuth::Fixed(name, _) => (name.to_string(), REDACTED.to_string()),
            RequestAuth::Token(_) => (AUTHORIZATION.to_string(), format!("Bearer {REDACTED}")),
        };
        headers.push(credential);
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
