//! Documentation text: the spec's descriptions become the generated code's doc comments.

use super::PassResult;
use serde_json::Value;

/// Makes every `description` and `summary` safe to read as rustdoc Markdown.
///
/// Why: the spec's texts are written for 360dialog's documentation site, and rustdoc reads some
/// of their plain characters as syntax it then warns about (and `cargo doc` with `-D warnings`
/// fails on): `[Deprecated]` as an intra-doc link, `https://...` as a bare URL, `<value>` as an
/// unclosed HTML tag. Brackets outside Markdown links are escaped, bare URLs wrapped in `<...>`,
/// other `<` written `&lt;`; code spans and Markdown links are left as they are, so the texts
/// render as the spec shows them.
pub fn rustdoc_safe_descriptions(document: &mut Value) -> PassResult {
    fn walk(node: &mut Value) {
        match node {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    match (key.as_str(), child) {
                        ("example" | "examples", _) => {}
                        ("description" | "summary", Value::String(text)) => {
                            *text = rustdoc_safe(text);
                        }
                        (_, child) => walk(child),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(document);
    Ok(())
}

/// `text` with rustdoc's triggers escaped (see [`rustdoc_safe_descriptions`]).
pub fn rustdoc_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let taken = if c == '`' {
            let end = code_span_length(rest);
            out.push_str(&rest[..end]);
            end
        } else if let Some(length) = markdown_link_length(rest) {
            out.push_str(&rest[..length]);
            length
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            let length = url_length(rest);
            if matches!(previous, Some('<' | '(' | '"' | '\'')) {
                out.push_str(&rest[..length]);
            } else {
                out.push('<');
                out.push_str(&rest[..length]);
                out.push('>');
            }
            length
        } else if rest.starts_with("<http://") || rest.starts_with("<https://") {
            let length = rest.find('>').map_or(rest.len(), |at| at + 1);
            out.push_str(&rest[..length]);
            length
        } else {
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                other => out.push(other),
            }
            c.len_utf8()
        };
        previous = rest[..taken].chars().last();
        rest = &rest[taken..];
    }
    out
}

/// A description made rustdoc-safe by [`rustdoc_safe`], as the spec wrote it: for the
/// operation table, whose texts tools show in a terminal (`--help`), not through rustdoc.
pub fn plain_text(safe: &str) -> String {
    let mut out = String::with_capacity(safe.len());
    let mut rest = safe;
    while let Some(c) = rest.chars().next() {
        let taken = if c == '`' {
            let end = code_span_length(rest);
            out.push_str(&rest[..end]);
            end
        } else if let Some(url) = rest
            .strip_prefix("<http")
            .and_then(|tail| tail.find('>').map(|end| &rest[1..end + 5]))
        {
            out.push_str(url);
            url.len() + 2
        } else if let Some(escaped) = ["\\[", "\\]", "&lt;"]
            .into_iter()
            .find(|escaped| rest.starts_with(escaped))
        {
            out.push_str(match escaped {
                "&lt;" => "<",
                other => &other[1..],
            });
            escaped.len()
        } else {
            out.push(c);
            c.len_utf8()
        };
        rest = &rest[taken..];
    }
    out
}

/// The length of the code span at the start of `text` (which starts with a backtick): up to
/// the closing run of as many backticks. An unclosed run is literal backticks: what follows is
/// still text.
fn code_span_length(text: &str) -> usize {
    let ticks = text.len() - text.trim_start_matches('`').len();
    let fence = &text[..ticks];
    text[ticks..]
        .find(fence)
        .map_or(ticks, |at| ticks + at + ticks)
}

/// The length of a Markdown link `[text](target)` at the start of `text`, if there is one.
fn markdown_link_length(text: &str) -> Option<usize> {
    let label_end = text.strip_prefix('[')?.find(']')? + 1;
    if text[1..label_end].contains('[') {
        return None;
    }
    let target = text[label_end + 1..].strip_prefix('(')?;
    let target_end = target.find(')')?;
    (!target[..target_end].contains(char::is_whitespace)).then_some(label_end + 2 + target_end + 1)
}

/// The length of the URL at the start of `text`: up to whitespace or a character that cannot be
/// in one, without trailing punctuation.
fn url_length(text: &str) -> usize {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(text.len());
    text[..end]
        .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', ']'])
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn brackets_urls_and_tags_are_escaped_code_and_links_are_not() {
        assert_eq!(
            rustdoc_safe("[Deprecated] Stripe public key"),
            "\\[Deprecated\\] Stripe public key"
        );
        assert_eq!(
            rustdoc_safe("Allowed keys: ['id', 'partner_id']"),
            "Allowed keys: \\['id', 'partner_id'\\]"
        );
        assert_eq!(
            rustdoc_safe("See https://docs.360dialog.com/x. Or <https://a.example>."),
            "See <https://docs.360dialog.com/x>. Or <https://a.example>."
        );
        assert_eq!(
            rustdoc_safe("Values: <value> or `Vec<T>` [a](https://b.example)"),
            "Values: &lt;value> or `Vec<T>` [a](https://b.example)"
        );
        assert_eq!(
            rustdoc_safe("- **created**: Initial status"),
            "- **created**: Initial status"
        );
        assert_eq!(rustdoc_safe("unclosed `tick [x]"), "unclosed `tick \\[x\\]");
    }

    #[test]
    fn plain_text_gives_back_what_the_spec_wrote() {
        for text in [
            "[Deprecated] Stripe public key",
            "Allowed keys: ['id', 'partner_id']",
            "See https://docs.360dialog.com/x. Or (https://a.example).",
            "Values: <value> or `Vec<T>` [a](https://b.example) \\[kept\\]",
            "unclosed `tick [x] &amp;",
        ] {
            assert_eq!(plain_text(&rustdoc_safe(text)), text);
        }
    }

    #[test]
    fn every_description_and_summary_is_rewritten_examples_are_not() {
        let mut doc = json!({
            "info": {"description": "[a]"},
            "paths": {"/a": {"get": {"summary": "[b]", "parameters": [{"description": "[c]"}],
                "responses": {"200": {"content": {"application/json": {"example": {"description": "[d]"}}}}}}}}
        });
        rustdoc_safe_descriptions(&mut doc).unwrap();
        let text = doc.to_string();
        for escaped in ["\\\\[a\\\\]", "\\\\[b\\\\]", "\\\\[c\\\\]"] {
            assert!(text.contains(escaped), "{escaped} in {text}");
        }
        assert!(text.contains("\"[d]\""), "examples are data: {text}");
    }
}
