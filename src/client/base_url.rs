//! Which base URLs a client takes: an `https://` URL (plain `http://` only to this machine,
//! unless the caller opts in), with a host, without user info, query or fragment, and without
//! the operations' own `/api/v2` prefix, which every call would then carry twice. A gateway's
//! own prefix (`https://gateway.example/360dialog`) is kept.

use crate::error::{BaseUrlError, BaseUrlProblem};
use std::net::IpAddr;

/// The path every operation of the Partner API starts with (and the token endpoint's).
pub(crate) const API_PREFIX: &str = "/api/v2";

/// `url` checked as a base URL; the result has no trailing `/` in its path unless it is the
/// root. Errors name the URL by scheme, host and port only: user info or a query could hold a
/// secret.
pub(crate) fn checked(url: &str, allow_insecure_http: bool) -> Result<reqwest::Url, BaseUrlError> {
    let text = url.trim();
    if !text.contains("://") {
        // `hub.360dialog.io`, `localhost:8080`: a host without its scheme. Shown as given when
        // it cannot hold user info.
        let shown =
            (!text.contains('@') && !text.contains(char::is_whitespace)).then(|| text.to_string());
        return Err(BaseUrlError {
            shown,
            problem: BaseUrlProblem::NoScheme,
        });
    }
    let mut parsed = reqwest::Url::parse(text).map_err(|e| BaseUrlError {
        shown: None,
        problem: BaseUrlProblem::NotAUrl(e.to_string()),
    })?;
    let refused = |problem| BaseUrlError {
        shown: Some(scheme_host_port(&parsed)),
        problem,
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Credentials belong in `api_key`/`bearer_token`/`credentials`, where they are kept secret.
        return Err(refused(BaseUrlProblem::UserInfo));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refused(BaseUrlProblem::Scheme(parsed.scheme().to_string())));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refused(BaseUrlProblem::NoHost));
    }
    // The network hazard is named before a shape problem: it is the one that leaks secrets.
    if parsed.scheme() == "http" && !allow_insecure_http && !is_loopback(&parsed) {
        return Err(refused(BaseUrlProblem::InsecureHttp));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(refused(BaseUrlProblem::QueryOrFragment));
    }
    let prefix = parsed.path().trim_end_matches('/').to_string();
    if prefix.ends_with(API_PREFIX) {
        return Err(refused(BaseUrlProblem::ApiPrefix { prefix: API_PREFIX }));
    }
    parsed.set_path(&prefix);
    Ok(parsed)
}

/// `scheme://host:port` of a URL: what error messages may name of it, since user info, a path
/// or a query could hold a secret.
pub(crate) fn scheme_host_port(url: &reqwest::Url) -> String {
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "{}://{}{port}",
        url.scheme(),
        url.host_str().unwrap_or_default()
    )
}

/// Whether the URL's host is this machine: `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(url: &str) -> BaseUrlProblem {
        checked(url, false).unwrap_err().problem
    }

    #[test]
    fn bad_base_urls_are_refused_with_the_problem_and_no_secret() {
        assert_eq!(problem("hub.360dialog.io"), BaseUrlProblem::NoScheme);
        assert_eq!(problem("localhost:8080"), BaseUrlProblem::NoScheme);
        assert_eq!(
            problem("ftp://hub.360dialog.io"),
            BaseUrlProblem::Scheme("ftp".into())
        );
        assert_eq!(
            problem("https://hub.360dialog.io/?x=1"),
            BaseUrlProblem::QueryOrFragment
        );
        assert_eq!(
            problem("https://user:pw@hub.360dialog.io"),
            BaseUrlProblem::UserInfo
        );
        assert_eq!(
            problem("http://hub.360dialog.io"),
            BaseUrlProblem::InsecureHttp
        );
        for doubled in [
            "https://hub.360dialog.io/api/v2",
            "https://hub.360dialog.io/api/v2/",
            "https://gateway.example/360/api/v2",
        ] {
            assert_eq!(
                problem(doubled),
                BaseUrlProblem::ApiPrefix { prefix: "/api/v2" },
                "{doubled}"
            );
        }
        let error = checked("https://user:pw@hub.360dialog.io:8443/p?key=s", false).unwrap_err();
        assert_eq!(
            error.shown.as_deref(),
            Some("https://hub.360dialog.io:8443")
        );
        assert!(!error.to_string().contains("pw"), "{error}");
        let error = checked("user:pw@hub.360dialog.io", false).unwrap_err();
        assert_eq!(
            (error.shown, error.problem),
            (None, BaseUrlProblem::NoScheme)
        );
    }

    #[test]
    fn plain_http_to_this_machine_a_gateway_prefix_and_the_root_are_kept() {
        for (url, kept) in [
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
            ("http://localhost:1", "http://localhost:1/"),
            ("http://[::1]:9", "http://[::1]:9/"),
            (
                "https://gateway.example/360dialog/",
                "https://gateway.example/360dialog",
            ),
            (
                "https://gateway.example/api/v2x",
                "https://gateway.example/api/v2x",
            ),
        ] {
            assert_eq!(checked(url, false).unwrap().as_str(), kept, "{url}");
        }
        assert!(checked("http://hub.internal", true).is_ok());
    }
}
