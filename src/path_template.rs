//! Path templates, `/api/v2/partners/{partner_id}/channels/{channel_id}`: parsed once, by one
//! parser, for everything that reads one. The generated operations' templates (checked by the
//! build script with this same file, so the spec's paths obey the rules raw requests do), a raw
//! request's path ([`Client::request`](crate::Client::request)), the command line's `api`, and
//! the mock hub's router all hold a [`PathTemplate`].
//!
//! A template is a path on the client's base URL: it starts with `/`, holds no query, fragment,
//! `.` or `..` segment, and its literal text holds only characters a path holds as written
//! (RFC 3986 `pchar`, without `%`): values, which may hold anything, go in `{placeholders}` and
//! are percent-encoded into their segment when the template is filled.
//!
//! Nothing here names anything else of the crate: the build script compiles this file alone.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// A parsed path template. Its `Display` is the text it was parsed from.
///
/// ```
/// use d360_partner::PathTemplate;
/// let template = PathTemplate::parse("/api/v2/partners/{partner_id}/channels/{channel_id}")?;
/// assert_eq!(template.placeholders().collect::<Vec<_>>(), ["partner_id", "channel_id"]);
/// assert_eq!(
///     template.matches("/api/v2/partners/PA/channels/CH%201"),
///     Some(vec![("partner_id".into(), "PA".into()), ("channel_id".into(), "CH 1".into())])
/// );
/// assert!(PathTemplate::parse("/api/v2/partners/PA?x=1").is_err());
/// # Ok::<(), d360_partner::error::PathTemplateError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PathTemplate {
    text: String,
    /// The segments after each `/`, each a run of literal text and placeholders (ranges of
    /// `text`).
    segments: Vec<Vec<Piece>>,
}

/// A piece of a segment: literal text or a placeholder's name, as a range of the template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(Range<usize>),
    Placeholder(Range<usize>),
}

impl PathTemplate {
    /// Parses `text`, refusing what would not address a path on the base URL (see the module
    /// docs): the first problem found, in reading order.
    pub fn parse(text: &str) -> Result<PathTemplate, PathTemplateError> {
        if let Some(character) = text.chars().find(|c| c.is_control()) {
            return Err(PathTemplateError::ControlCharacter { character });
        }
        if text.starts_with("//") {
            return Err(PathTemplateError::SchemeRelative);
        }
        if !text.starts_with('/') {
            return Err(match has_scheme(text) {
                true => PathTemplateError::AbsoluteUrl,
                false => PathTemplateError::NotAbsolute,
            });
        }
        if let Some(character) = text.chars().find(|c| matches!(c, '?' | '#')) {
            return Err(PathTemplateError::QueryOrFragment { character });
        }
        let mut segments = Vec::new();
        let mut start = 1;
        for segment in text[1..].split('/') {
            if let dots @ ("." | "..") = segment {
                return Err(PathTemplateError::DotSegment {
                    segment: if dots == "." { "." } else { ".." },
                });
            }
            segments.push(pieces(segment, start)?);
            start += segment.len() + 1;
        }
        Ok(PathTemplate {
            text: text.to_string(),
            segments,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The placeholders' names, in the order they appear (a name used twice, twice).
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments
            .iter()
            .flatten()
            .filter_map(|piece| match piece {
                Piece::Placeholder(name) => Some(&self.text[name.clone()]),
                Piece::Literal(_) => None,
            })
    }

    /// Whether the template has the placeholder `{name}`.
    pub fn has_placeholder(&self, name: &str) -> bool {
        self.placeholders().any(|placeholder| placeholder == name)
    }

    /// The path's values for the placeholders when `path` (as a request line has it:
    /// percent-encoded, without a query) is one this template describes: a placeholder takes
    /// a whole segment or part of one, never nothing; values are percent-decoded. A `/`
    /// around the path does not count.
    pub fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        // A trailing `/` does not count, as on the path's side.
        let mut expected = self.segments.as_slice();
        if let [rest @ .., last] = expected
            && !rest.is_empty()
            && last.is_empty()
        {
            expected = rest;
        }
        if actual.len() != expected.len() {
            return None;
        }
        let mut values = Vec::new();
        for (pieces, segment) in expected.iter().zip(actual) {
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            self.match_segment(pieces, &decoded, &mut values)?;
        }
        Some(values)
    }

    /// Matches one segment's pieces against its decoded text: literal text exactly, each
    /// placeholder the shortest non-empty run up to the next literal (the last takes the rest).
    fn match_segment(
        &self,
        pieces: &[Piece],
        mut text: &str,
        values: &mut Vec<(String, String)>,
    ) -> Option<()> {
        let mut pieces = pieces.iter().peekable();
        while let Some(piece) = pieces.next() {
            match piece {
                Piece::Literal(range) => text = text.strip_prefix(&self.text[range.clone()])?,
                Piece::Placeholder(name) => {
                    let end = match pieces.peek() {
                        Some(Piece::Literal(next)) => {
                            let next = &self.text[next.clone()];
                            // Skip the first character: a value is never empty.
                            let first = text.chars().next()?.len_utf8();
                            first + text[first..].find(next)?
                        }
                        _ => text.len(),
                    };
                    if end == 0 {
                        return None;
                    }
                    values.push((self.text[name.clone()].to_string(), text[..end].to_string()));
                    text = &text[end..];
                }
            }
        }
        text.is_empty().then_some(())
    }

    /// Writes the path with each `{name}` replaced by `value(name)`, one `segment` call per
    /// segment, as text to percent-encode into it. A value that is unset, empty or holds a
    /// control character, and a segment that comes out `.` or `..`, are refused: the request
    /// would go to another path (and URL libraries drop `.` and `..` segments, and tabs and line
    /// breaks from a segment).
    pub fn fill<'v>(
        &self,
        value: impl Fn(&str) -> Option<Cow<'v, str>>,
        mut segment: impl FnMut(&str),
    ) -> Result<(), PathValueError> {
        for pieces in &self.segments {
            let mut filled: Cow<'_, str> = Cow::Borrowed("");
            for piece in pieces {
                let text = match piece {
                    Piece::Literal(range) => Cow::Borrowed(&self.text[range.clone()]),
                    Piece::Placeholder(range) => {
                        let name = &self.text[range.clone()];
                        let problem = |problem| PathValueError {
                            name: name.to_string(),
                            problem,
                        };
                        let text = value(name).ok_or_else(|| problem(PathValueProblem::Unset))?;
                        if let Some(c) = text.chars().find(|c| c.is_control()) {
                            return Err(problem(PathValueProblem::ControlCharacter(c)));
                        }
                        if text.is_empty() {
                            return Err(problem(PathValueProblem::Empty));
                        }
                        text
                    }
                };
                // A value filling the whole segment goes in as it is, without a copy.
                filled = match filled.is_empty() {
                    true => text,
                    false => Cow::Owned(format!("{filled}{text}")),
                };
            }
            if let dots @ ("." | "..") = &*filled {
                let mut names = self.placeholders_of(pieces);
                let alone = matches!(pieces.as_slice(), [Piece::Placeholder(_)]);
                return Err(PathValueError {
                    name: names.next().unwrap_or_default().to_string(),
                    problem: PathValueProblem::DotSegment {
                        value: if dots == "." { "." } else { ".." },
                        segment: (!alone).then(|| self.segment_text(pieces).to_string()),
                    },
                });
            }
            segment(&filled);
        }
        Ok(())
    }

    /// A segment as written in the template.
    fn segment_text(&self, pieces: &[Piece]) -> &str {
        let range = |piece: &Piece| match piece {
            Piece::Literal(range) => range.clone(),
            // With its braces.
            Piece::Placeholder(range) => range.start - 1..range.end + 1,
        };
        match (pieces.first(), pieces.last()) {
            (Some(first), Some(last)) => &self.text[range(first).start..range(last).end],
            _ => "",
        }
    }

    fn placeholders_of<'a>(&'a self, pieces: &'a [Piece]) -> impl Iterator<Item = &'a str> {
        pieces.iter().filter_map(|piece| match piece {
            Piece::Placeholder(range) => Some(&self.text[range.clone()]),
            Piece::Literal(_) => None,
        })
    }
}

/// The pieces of one segment, whose text starts at `start` in the template.
fn pieces(segment: &str, start: usize) -> Result<Vec<Piece>, PathTemplateError> {
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < segment.len() {
        let rest = &segment[at..];
        let literal_end = rest.find(['{', '}']).unwrap_or(rest.len());
        if let Some(character) = rest[..literal_end].chars().find(|&c| !is_path_character(c)) {
            return Err(PathTemplateError::Character { character });
        }
        if literal_end > 0 {
            pieces.push(Piece::Literal(start + at..start + at + literal_end));
        }
        at += literal_end;
        let rest = &segment[at..];
        if rest.starts_with('}') {
            return Err(PathTemplateError::UnopenedBrace);
        }
        if let Some(after) = rest.strip_prefix('{') {
            let close = after
                .find('}')
                .filter(|&close| !after[..close].contains('{'))
                .ok_or(PathTemplateError::UnclosedBrace)?;
            if close == 0 {
                return Err(PathTemplateError::EmptyPlaceholder);
            }
            pieces.push(Piece::Placeholder(start + at + 1..start + at + 1 + close));
            at += close + 2;
        }
    }
    Ok(pieces)
}

/// Characters literal text of a path may hold as written (RFC 3986 `pchar` without `%`).
fn is_path_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

/// Whether `text` starts with a URL scheme (`https:`, `mailto:`).
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let mut characters = scheme.chars();
    characters.next().is_some_and(|c| c.is_ascii_alphabetic())
        && characters.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathTemplate({:?})", self.text)
    }
}

impl std::str::FromStr for PathTemplate {
    type Err = PathTemplateError;

    fn from_str(text: &str) -> Result<PathTemplate, PathTemplateError> {
        PathTemplate::parse(text)
    }
}

/// Why a text is no path template.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathTemplateError {
    /// It holds a control character (CR, LF, NUL, a tab, ...).
    ControlCharacter {
        /// The character.
        character: char,
    },
    /// It starts with `//`: a host, not a path.
    SchemeRelative,
    /// It is an absolute URL (`https://...`), not a path.
    AbsoluteUrl,
    /// It does not start with `/`.
    NotAbsolute,
    /// It holds `?` or `#`: a query or fragment, which a template has none of.
    QueryOrFragment {
        /// `?` or `#`.
        character: char,
    },
    /// It has a `.` or `..` segment.
    DotSegment {
        /// `.` or `..`.
        segment: &'static str,
    },
    /// Its literal text holds a character a path cannot hold as written (`%`, a space, ...).
    Character {
        /// The character.
        character: char,
    },
    /// A `{` has no `}` after it (before the next `{` or `/`).
    UnclosedBrace,
    /// A `}` has no `{` before it.
    UnopenedBrace,
    /// It has `{}`.
    EmptyPlaceholder,
}

impl fmt::Display for PathTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const OFF_BASE: &str = "only paths on the client's base URL can be requested, so credentials never leave its host";
        match self {
            PathTemplateError::ControlCharacter { character } => {
                write!(f, "the path contains the control character {character:?}")
            }
            PathTemplateError::SchemeRelative => {
                write!(f, "the path is scheme-relative (`//host/..`): {OFF_BASE}")
            }
            PathTemplateError::AbsoluteUrl => write!(f, "the path is an absolute URL: {OFF_BASE}"),
            PathTemplateError::NotAbsolute => f.write_str("the path must start with `/`"),
            PathTemplateError::QueryOrFragment { character } => write!(
                f,
                "the path holds `{character}`; give query parameters with `.query(name, value)`"
            ),
            PathTemplateError::DotSegment { segment } => write!(
                f,
                "the path has a `{segment}` segment, which would address another path"
            ),
            PathTemplateError::Character { character } => write!(
                f,
                "the path holds {character:?}, which a path cannot hold as written; put values in a `{{placeholder}}` and set it with `.path_param(..)`, which encodes it"
            ),
            PathTemplateError::UnclosedBrace => f.write_str("the path has a `{` without its `}`"),
            PathTemplateError::UnopenedBrace => f.write_str("the path has a `}` without its `{`"),
            PathTemplateError::EmptyPlaceholder => {
                f.write_str("the path has an empty placeholder `{}`")
            }
        }
    }
}

impl std::error::Error for PathTemplateError {}

/// Why a template could not be filled: which placeholder, and what is wrong with its value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathValueError {
    /// The placeholder's name (for a segment of several, the first).
    pub name: String,
    /// What is wrong with its value.
    pub problem: PathValueProblem,
}

/// What is wrong with a placeholder's value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathValueProblem {
    /// No value was given.
    Unset,
    /// The value is empty.
    Empty,
    /// The value holds a control character.
    ControlCharacter(char),
    /// The segment would be `.` or `..`.
    DotSegment {
        /// `.` or `..`.
        value: &'static str,
        /// The segment as written, when it holds more than the placeholder.
        segment: Option<String>,
    },
}

impl fmt::Display for PathValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const ELSEWHERE: &str = "which would send the request to another path";
        let name = &self.name;
        match &self.problem {
            PathValueProblem::Unset => write!(f, "the path parameter `{name}` is not set"),
            PathValueProblem::Empty => {
                write!(f, "the path parameter `{name}` is empty, {ELSEWHERE}")
            }
            PathValueProblem::ControlCharacter(c) => write!(
                f,
                "the path parameter `{name}` contains the control character {c:?}"
            ),
            PathValueProblem::DotSegment {
                value,
                segment: None,
            } => write!(f, "the path parameter `{name}` is `{value}`, {ELSEWHERE}"),
            PathValueProblem::DotSegment {
                value,
                segment: Some(segment),
            } => write!(
                f,
                "the path segment `{segment}` would be `{value}`, {ELSEWHERE}"
            ),
        }
    }
}

impl std::error::Error for PathValueError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(template: &str, values: &[(&str, &str)]) -> Result<Vec<String>, PathValueError> {
        let template = PathTemplate::parse(template).unwrap();
        let mut segments = Vec::new();
        template.fill(
            |name| {
                values
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| Cow::Borrowed(*v))
            },
            |segment| segments.push(segment.to_string()),
        )?;
        Ok(segments)
    }

    #[test]
    fn a_template_lists_its_placeholders_in_order() {
        let template = PathTemplate::parse("/api/v2/{a}/x/{b}.json/{c}{d}").unwrap();
        assert_eq!(
            template.placeholders().collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert!(template.has_placeholder("b") && !template.has_placeholder("x"));
        assert_eq!(template.to_string(), "/api/v2/{a}/x/{b}.json/{c}{d}");
    }

    #[test]
    fn what_is_no_path_on_the_base_url_is_refused_with_the_first_problem() {
        use PathTemplateError::*;
        for (text, error) in [
            ("/a\nb", ControlCharacter { character: '\n' }),
            ("//evil.example/x", SchemeRelative),
            ("https://evil.example/x", AbsoluteUrl),
            ("mailto:x", AbsoluteUrl),
            ("api/v2", NotAbsolute),
            ("", NotAbsolute),
            ("/a?b=1", QueryOrFragment { character: '?' }),
            ("/a#b", QueryOrFragment { character: '#' }),
            ("/a/../b", DotSegment { segment: ".." }),
            ("/./b", DotSegment { segment: "." }),
            ("/a b", Character { character: ' ' }),
            ("/a%2Fb", Character { character: '%' }),
            ("/a/{b", UnclosedBrace),
            ("/a/{b/c}", UnclosedBrace),
            ("/a/{b{c}}", UnclosedBrace),
            ("/a/b}", UnopenedBrace),
            ("/a/{}", EmptyPlaceholder),
        ] {
            assert_eq!(PathTemplate::parse(text), Err(error), "{text:?}");
        }
        for text in [
            "/",
            "/api/v2/",
            "/a//b",
            "/a/{b}.c/d-{e}_{f}",
            "/:@!$&'()*+,;=~",
        ] {
            assert!(PathTemplate::parse(text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn filling_writes_each_segment_and_refuses_values_that_change_the_path() {
        assert_eq!(
            filled(
                "/api/v2/partners/{id}/x/{t}.json",
                &[("id", "p/1 ü"), ("t", "t?")]
            )
            .unwrap(),
            ["api", "v2", "partners", "p/1 ü", "x", "t?.json"]
        );
        assert_eq!(filled("/", &[]).unwrap(), [""]);
        let refused =
            |template, values: &[(&str, &str)]| filled(template, values).unwrap_err().to_string();
        assert_eq!(
            refused("/p/{id}", &[]),
            "the path parameter `id` is not set"
        );
        assert_eq!(
            refused("/p/{id}", &[("id", "")]),
            "the path parameter `id` is empty, which would send the request to another path"
        );
        assert_eq!(
            refused("/p/{id}", &[("id", "..")]),
            "the path parameter `id` is `..`, which would send the request to another path"
        );
        assert_eq!(
            refused("/p/{a}{b}", &[("a", "."), ("b", ".")]),
            "the path segment `{a}{b}` would be `..`, which would send the request to another path"
        );
        assert_eq!(
            refused("/p/{id}", &[("id", "a\tb")]),
            "the path parameter `id` contains the control character '\\t'"
        );
    }

    #[test]
    fn matching_takes_whole_segments_or_parts_and_decodes_them() {
        let template = PathTemplate::parse("/api/v2/partners/{partner_id}").unwrap();
        assert_eq!(
            template.matches("/api/v2/partners/a%20b%2Fc"),
            Some(vec![("partner_id".into(), "a b/c".into())])
        );
        assert_eq!(
            template.matches("/api/v2/partners/"),
            None,
            "an empty segment is no value"
        );
        assert_eq!(template.matches("/api/v2/partners/p/x"), None);
        assert_eq!(template.matches("/api/v2/partner/p"), None);
        let mixed = PathTemplate::parse("/files/{name}.{ext}").unwrap();
        assert_eq!(
            mixed.matches("/files/a.b.json"),
            Some(vec![
                ("name".into(), "a".into()),
                ("ext".into(), "b.json".into())
            ])
        );
        assert_eq!(mixed.matches("/files/.json"), None);
        assert_eq!(PathTemplate::parse("/").unwrap().matches("/"), Some(vec![]));
    }
}
