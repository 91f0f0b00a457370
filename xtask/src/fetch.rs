//! Downloading upstream pages, bounded in time.
//!
//! `ureq` rather than shelling out to `curl`: it needs no program on the machine, builds on the
//! `rustls`/`ring` stack the client already compiles, reports failures as typed errors we can word
//! ourselves, and one global timeout bounds resolving, connecting and reading alike, so a missing
//! network fails fast with a clear message instead of hanging.

use std::fmt;
use std::time::Duration;

/// How long one page may take, from DNS lookup to the last byte, unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a page source is a URL (fetched) rather than a file (read).
pub fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// Why a URL could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub url: String,
    /// What went wrong, e.g. `HTTP status 404` or `connection refused`.
    pub reason: String,
    /// The HTTP status, when the server answered with an error status.
    pub status: Option<u16>,
}

impl FetchError {
    /// Whether the server says the page does not exist (404 or 410), rather than failing.
    pub fn is_gone(&self) -> bool {
        matches!(self.status, Some(404 | 410))
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot fetch {}: {}", self.url, self.reason)
    }
}

/// The page at `url` as text; any failure (no network, timeout, non-2xx status, a body that is
/// not UTF-8) is an error naming the URL.
pub fn fetch(url: &str, timeout: Duration) -> Result<String, FetchError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .build()
        .into();
    let failed = |e: ureq::Error| {
        let (reason, status) = match e {
            ureq::Error::Timeout(_) => (
                format!(
                    "no complete answer within {}s (is there a network?)",
                    timeout.as_secs_f32()
                ),
                None,
            ),
            ureq::Error::StatusCode(status) => (format!("HTTP status {status}"), Some(status)),
            // Worded here: the operating system's text differs between platforms.
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                ("connection refused".into(), None)
            }
            other => (other.to_string(), None),
        };
        FetchError {
            url: url.to_string(),
            reason,
            status,
        }
    };
    agent
        .get(url)
        .call()
        .map_err(failed)?
        .body_mut()
        .read_to_string()
        .map_err(failed)
}

/// Fetches every URL at once, one thread each, so that the whole set takes about one
/// `timeout` however many pages hang; results in the order of `urls`.
pub fn fetch_all(urls: &[String], timeout: Duration) -> Vec<Result<String, FetchError>> {
    std::thread::scope(|scope| {
        let fetching: Vec<_> = urls
            .iter()
            .map(|url| scope.spawn(move || fetch(url, timeout)))
            .collect();
        fetching
            .into_iter()
            .map(|thread| thread.join().expect("a fetch does not panic"))
            .collect()
    })
}
