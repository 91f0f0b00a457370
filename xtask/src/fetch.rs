//! Downloading an upstream page, bounded in time.
//!
//! `ureq` rather than shelling out to `curl`: it needs no program on the machine, builds on the
//! `rustls`/`ring` stack the client already compiles, reports failures as typed errors we can word
//! ourselves, and one global timeout bounds resolving, connecting and reading alike, so a missing
//! network fails fast with a clear message instead of hanging.

use std::time::Duration;

/// How long one page may take, from DNS lookup to the last byte, unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a page source is a URL (fetched) rather than a file (read).
pub fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// The page at `url` as text; any failure (no network, timeout, non-2xx status, a body that is
/// not UTF-8) is an error naming the URL.
pub fn fetch(url: &str, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .build()
        .into();
    let failed = |e: ureq::Error| match e {
        ureq::Error::Timeout(_) => format!(
            "cannot fetch {url}: no complete answer within {}s (is there a network?)",
            timeout.as_secs_f32()
        ),
        ureq::Error::StatusCode(status) => format!("cannot fetch {url}: HTTP status {status}"),
        other => format!("cannot fetch {url}: {other}"),
    };
    agent
        .get(url)
        .call()
        .map_err(failed)?
        .body_mut()
        .read_to_string()
        .map_err(failed)
}
