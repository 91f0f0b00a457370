//! Which headers a caller may add to a request ([`RawRequest::header`], a call made from data,
//! the command line's `-H`): none the client sends itself (the credential, the user agent),
//! none the HTTP layer writes (`Host`, the framing and connection headers), and none that could
//! end the header early (CR, LF, NUL).
//!
//! [`RawRequest::header`]: crate::RawRequest::header

use crate::error::{HeaderError, HeaderProblem, ReservedHeader};
use reqwest::header::{HeaderName, HeaderValue};

/// Headers a caller may not set, by lower-case name, with why.
const RESERVED: &[(&str, ReservedHeader)] = &[
    ("x-api-key", ReservedHeader::Credential),
    ("authorization", ReservedHeader::Credential),
    ("proxy-authorization", ReservedHeader::ProxyCredential),
    ("host", ReservedHeader::Host),
    ("content-length", ReservedHeader::Framing),
    ("transfer-encoding", ReservedHeader::Framing),
    ("connection", ReservedHeader::Connection),
    ("keep-alive", ReservedHeader::Connection),
    ("proxy-connection", ReservedHeader::Connection),
    ("te", ReservedHeader::Connection),
    ("trailer", ReservedHeader::Connection),
    ("upgrade", ReservedHeader::Connection),
    ("user-agent", ReservedHeader::UserAgent),
];

/// The header `name: value` as it would be sent, or why it may not be (naming the header, never
/// showing its value).
pub(crate) fn checked(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), HeaderError> {
    let refused = |problem| HeaderError {
        name: name.to_string(),
        problem,
    };
    let line_break = |text: &str| text.chars().find(|c| matches!(c, '\r' | '\n' | '\0'));
    if let Some(c) = line_break(name) {
        return Err(refused(HeaderProblem::NameControlCharacter(c)));
    }
    let parsed =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| refused(HeaderProblem::InvalidName))?;
    if let Some((_, why)) = RESERVED.iter().find(|(n, _)| *n == parsed.as_str()) {
        return Err(refused(HeaderProblem::Reserved(*why)));
    }
    if let Some(c) = line_break(value) {
        return Err(refused(HeaderProblem::ValueControlCharacter(c)));
    }
    let value = HeaderValue::from_bytes(value.as_bytes())
        .map_err(|_| refused(HeaderProblem::InvalidValue))?;
    Ok((parsed, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_may_add_headers_but_not_the_clients_own() {
        assert!(checked("Accept-Language", "de").is_ok());
        assert!(checked("X-Request-Id", "r-1").is_ok());
        for (name, why) in [
            ("X-API-Key", ReservedHeader::Credential),
            ("authorization", ReservedHeader::Credential),
            ("Proxy-Authorization", ReservedHeader::ProxyCredential),
            ("Host", ReservedHeader::Host),
            ("Content-Length", ReservedHeader::Framing),
            ("Connection", ReservedHeader::Connection),
            ("User-Agent", ReservedHeader::UserAgent),
        ] {
            let error = checked(name, "x").unwrap_err();
            assert_eq!(error.problem, HeaderProblem::Reserved(why), "{name}");
            assert_eq!(error.name, name);
        }
        assert_eq!(
            checked("X-A", "a\r\nX-API-Key: stolen")
                .unwrap_err()
                .problem,
            HeaderProblem::ValueControlCharacter('\r')
        );
        assert_eq!(
            checked("X\nA", "v").unwrap_err().problem,
            HeaderProblem::NameControlCharacter('\n')
        );
        assert_eq!(
            checked("X A", "v").unwrap_err().problem,
            HeaderProblem::InvalidName
        );
        let secret = checked("Authorization", "Bearer secret-value").unwrap_err();
        assert!(!secret.to_string().contains("secret-value"), "{secret}");
    }
}
