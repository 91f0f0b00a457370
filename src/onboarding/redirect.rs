//! The integrated-onboarding redirect: when a client finishes onboarding, the hub sends the
//! browser to the partner's `partner_redirect_url` with `client=<id>&channels=[<id>,<id>]`, and
//! `revoked=[<id>]` when the client removed permissions from numbers.
//!
//! The redirect is a URL anyone can type into a browser: it proves nothing. Bind it to your
//! user's session (a value you stored before sending the link), and check through the API that
//! each channel belongs to the client before acting on it.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

/// What the hub's onboarding redirect says: the client that finished onboarding, its channels,
/// and the channels whose permissions it removed.
///
/// ```
/// use d360_partner::onboarding::Redirect;
/// # fn main() -> Result<(), d360_partner::onboarding::RedirectError> {
/// let redirect = Redirect::parse(
///     "https://partner.example/onboarded?client=CL1&channels=%5B%27CH1%27%2C%27CH2%27%5D",
/// )?;
/// assert_eq!(redirect.client_id(), "CL1");
/// assert_eq!(redirect.channel_ids(), ["CH1", "CH2"]);
/// assert!(redirect.revoked_channel_ids().is_empty());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    client_id: String,
    channel_ids: Vec<String>,
    revoked_channel_ids: Vec<String>,
    state: Option<String>,
}

impl Redirect {
    /// Reads a redirect from the whole URL the browser arrived at (absolute or just path and
    /// query) or from its bare query string (with or without the leading `?`). A fragment is
    /// never read (it is the browser's, not the hub's). Text is a bare query when what comes
    /// before its first `?` holds `=` or `&` (so values may hold `?`); else the query is what
    /// follows that `?`.
    ///
    /// Lists are read however they are spelled: percent-encoded or not, items bare or quoted
    /// with `'` or `"`, spaces around items, `[]` for none; a list without brackets is read as
    /// its comma-separated items. Order is kept, repeated ids are dropped. Refused, naming the
    /// parameter: `client` missing or empty, `channels` missing, a parameter given twice, an
    /// unbalanced bracket or quote, an empty item, a control character.
    pub fn parse(url_or_query: &str) -> Result<Redirect, RedirectError> {
        let query = query_of(url_or_query);
        let mut client = None;
        let mut channels = None;
        let mut revoked = None;
        let mut state = None;
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let (parameter, slot) = match &*name {
                "client" => ("client", &mut client),
                "channels" => ("channels", &mut channels),
                "revoked" => ("revoked", &mut revoked),
                "state" => ("state", &mut state),
                _ => continue,
            };
            if slot.is_some() {
                return Err(RedirectError::new(parameter, "is given twice"));
            }
            if let Some(at) = value.find(char::is_control) {
                let code = value[at..].chars().next().map_or(0, u32::from);
                return Err(RedirectError::new(
                    parameter,
                    format!("holds the control character U+{code:04X}"),
                ));
            }
            *slot = Some(value.into_owned());
        }
        let client_id = match client {
            None => return Err(RedirectError::new("client", "is missing")),
            Some(id) if id.trim().is_empty() => {
                return Err(RedirectError::new("client", "is empty"));
            }
            Some(id) => id.trim().to_string(),
        };
        let channels = channels.ok_or_else(|| RedirectError::new("channels", "is missing"))?;
        Ok(Redirect {
            client_id,
            channel_ids: id_list(&channels).map_err(|why| RedirectError::new("channels", why))?,
            revoked_channel_ids: match revoked {
                Some(list) => id_list(&list).map_err(|why| RedirectError::new("revoked", why))?,
                None => Vec::new(),
            },
            state,
        })
    }

    /// The client that finished onboarding (`client`).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The channels it granted the partner (`channels`), in the order given.
    pub fn channel_ids(&self) -> &[String] {
        &self.channel_ids
    }

    /// The channels whose permissions it removed (`revoked`); empty when none.
    pub fn revoked_channel_ids(&self) -> &[String] {
        &self.revoked_channel_ids
    }

    /// The `state` of the redirect, when it has one. Our sources do not say that the hub sends
    /// one back (see [`Link::state`](super::Link::state)); never trust it as proof of who the
    /// browser is.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }
}

impl FromStr for Redirect {
    type Err = RedirectError;

    fn from_str(text: &str) -> Result<Redirect, RedirectError> {
        Redirect::parse(text)
    }
}

/// The query of a URL, a path with a query, or a bare query; never a fragment, nor a query
/// hidden in one.
fn query_of(text: &str) -> &str {
    let text = text.trim();
    let text = text.split_once('#').map_or(text, |(before, _)| before);
    let (before, query) = text.split_once('?').unwrap_or((text, ""));
    match before.contains(['=', '&']) {
        // Parameters before any `?`: the whole text is the query, its values may hold `?`.
        true => text,
        false => query,
    }
}

/// The ids of a list: `[a,b]`, `['a', "b"]`, `[]`, or `a,b`; repeated ids dropped.
fn id_list(text: &str) -> Result<Vec<String>, String> {
    let text = text.trim();
    let inner = match (text.strip_prefix('['), text.ends_with(']')) {
        (Some(rest), true) => &rest[..rest.len() - 1],
        (None, false) => text,
        _ => return Err(format!("has an unbalanced bracket: `{}`", shown(text))),
    };
    if inner.contains(['[', ']']) {
        return Err(format!("has an unbalanced bracket: `{}`", shown(text)));
    }
    let mut ids: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    if inner.trim().is_empty() {
        return Ok(ids);
    }
    for (n, item) in inner.split(',').enumerate() {
        let item = item.trim();
        let id = match item.chars().next() {
            Some(quote @ ('\'' | '"')) => item
                .strip_prefix(quote)
                .and_then(|rest| rest.strip_suffix(quote))
                .filter(|id| !id.contains(quote))
                .ok_or_else(|| {
                    format!("item {} has an unbalanced quote: `{}`", n + 1, shown(item))
                })?
                .trim(),
            _ if item.contains(['\'', '"']) => {
                return Err(format!(
                    "item {} has an unbalanced quote: `{}`",
                    n + 1,
                    shown(item)
                ));
            }
            _ => item,
        };
        if id.is_empty() {
            return Err(format!("item {} is empty: `{}`", n + 1, shown(text)));
        }
        if seen.insert(id) {
            ids.push(id.to_string());
        }
    }
    Ok(ids)
}

/// A value as an error shows it: at most 80 characters.
fn shown(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Why a URL is no onboarding redirect: which parameter, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectError {
    parameter: &'static str,
    problem: String,
}

impl RedirectError {
    fn new(parameter: &'static str, problem: impl Into<String>) -> RedirectError {
        RedirectError {
            parameter,
            problem: problem.into(),
        }
    }

    /// The parameter at fault: `client`, `channels`, `revoked` or `state`.
    pub fn parameter(&self) -> &str {
        self.parameter
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not an onboarding redirect: `{}` {}",
            self.parameter, self.problem
        )
    }
}

impl std::error::Error for RedirectError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (String, Vec<String>, Vec<String>) {
        let redirect = Redirect::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        (
            redirect.client_id().into(),
            redirect.channel_ids().to_vec(),
            redirect.revoked_channel_ids().to_vec(),
        )
    }

    fn refused(text: &str) -> String {
        match Redirect::parse(text) {
            Ok(redirect) => panic!("{text}: accepted as {redirect:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn every_spelling_of_a_list_reads_the_same() {
        let both = (
            "CL1".to_string(),
            vec!["CH1".to_string(), "CH2".to_string()],
            vec![],
        );
        for text in [
            "client=CL1&channels=[CH1,CH2]",
            "?client=CL1&channels=[CH1,CH2]",
            "https://partner.example/done?client=CL1&channels=[CH1,CH2]#top",
            "/done?state=x&client=CL1&channels=[CH1,CH2]",
            "client=CL1&channels=%5BCH1%2CCH2%5D",
            "client=CL1&channels=%5B%27CH1%27%2C%20%27CH2%27%5D",
            "client=CL1&channels=['CH1', 'CH2']",
            "client=CL1&channels=[\"CH1\",\"CH2\"]",
            "client=CL1&channels=[ CH1 , 'CH2' ]",
            "client=CL1&channels=[CH1,CH2,CH1]",
            "client=CL1&channels=CH1,CH2",
            "client=CL1&channels=[CH1,CH2]&revoked=[]",
            "client=%20CL1%20&channels=[CH1,CH2]",
        ] {
            assert_eq!(parsed(text), both, "{text}");
        }
        assert_eq!(
            parsed("client=CL1&channels=[]&revoked=['CH3']"),
            ("CL1".into(), vec![], vec!["CH3".into()])
        );
        assert_eq!(parsed("client=CL1&channels=").1, Vec::<String>::new());
        assert_eq!(parsed("client=CL1&channels=[CH2,CH1]").1, ["CH2", "CH1"]);
    }

    #[test]
    fn a_fragment_is_never_read_and_values_may_hold_a_question_mark() {
        assert_eq!(
            refused("https://partner.example/done#x?client=EVIL&channels=[X]"),
            "not an onboarding redirect: `client` is missing"
        );
        assert_eq!(
            parsed("https://partner.example/done?client=CL1&channels=[CH1]#client=EVIL").0,
            "CL1"
        );
        let bare = Redirect::parse("client=CL?1&channels=[CH1]&state=a?b").unwrap();
        assert_eq!((bare.client_id(), bare.state()), ("CL?1", Some("a?b")));
        assert_eq!(
            Redirect::parse("?client=C&channels=[]").unwrap().state(),
            None
        );
    }

    #[test]
    fn what_is_refused_names_the_parameter() {
        for (text, message) in [
            ("channels=[CH1]", "`client` is missing"),
            ("client=&channels=[CH1]", "`client` is empty"),
            ("client=%20&channels=[CH1]", "`client` is empty"),
            ("https://partner.example/done", "`client` is missing"),
            ("client=CL1", "`channels` is missing"),
            (
                "client=CL1&client=CL2&channels=[]",
                "`client` is given twice",
            ),
            (
                "client=CL1&channels=[CH1",
                "`channels` has an unbalanced bracket: `[CH1`",
            ),
            (
                "client=CL1&channels=CH1]",
                "`channels` has an unbalanced bracket: `CH1]`",
            ),
            (
                "client=CL1&channels=[[CH1]]",
                "`channels` has an unbalanced bracket",
            ),
            (
                "client=CL1&channels=[CH1,,CH2]",
                "`channels` item 2 is empty",
            ),
            ("client=CL1&channels=[CH1,]", "`channels` item 2 is empty"),
            ("client=CL1&channels=['']", "`channels` item 1 is empty"),
            (
                "client=CL1&channels=['CH1]",
                "`channels` item 1 has an unbalanced quote",
            ),
            (
                "client=CL1&channels=[CH'1]",
                "`channels` item 1 has an unbalanced quote",
            ),
            (
                "client=CL1&channels=['CH1\"]",
                "`channels` item 1 has an unbalanced quote",
            ),
            (
                "client=CL1&channels=[]&revoked=[CH1",
                "`revoked` has an unbalanced bracket",
            ),
            (
                "client=CL%0A1&channels=[]",
                "`client` holds the control character U+000A",
            ),
            (
                "client=CL1&channels=[CH%001]",
                "`channels` holds the control character U+0000",
            ),
            (
                "client=CL1&channels=[]&revoked=[%09]",
                "`revoked` holds the control character U+0009",
            ),
        ] {
            let error = refused(text);
            assert!(
                error.starts_with(&format!("not an onboarding redirect: {message}")),
                "{text}: {error}"
            );
        }
        assert_eq!(
            Redirect::parse("client=CL1&channels=[")
                .unwrap_err()
                .parameter(),
            "channels"
        );
    }
}
