//! Where in a JSON body decoding stopped: the path (`settings.io_secure`, `clients[0].status`)
//! of the value being read at the position serde_json reports.
//!
//! One scan of the body's text, not a second decode: a path-tracking decoder
//! (serde_path_to_error) would be instantiated for every response type, doubling the
//! deserialization code the generated client compiles, only to explain the rare body that does
//! not decode. The tests check both name the same paths.

/// The path of the value being read at `line` and `column` (1-based, as `serde_json::Error`
/// reports them) in `body`; `None` at the top level.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize) -> Option<String> {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(i, _)| i + 1)
    };
    // The column is the last character serde_json consumed. A `}` or `]` there is what did not
    // fit; so is a `,` in an object (the member it would end is the one being read), while a
    // `,` in an array followed by a value moved on to that value.
    let at = (line_start + column.saturating_sub(1)).min(body.len());
    let peeks_value = |from: usize| {
        body.get(from..)
            .and_then(|rest| rest.iter().find(|b| !is_json_whitespace(b)))
            .is_some_and(|b| b"[{\"-0123456789tfn".contains(b))
    };
    let mut value_expected = false;
    let end = match body.get(at) {
        Some(&closer @ (b',' | b'}' | b']')) => {
            match scan(&body[..at]).ok().and_then(|s| s.into_iter().last()) {
                // An item that had not begun, and no `]` ending the array: the character
                // stands where the item's value should be.
                Some(Frame::Array { started: false, .. }) if closer != b']' => {
                    value_expected = true;
                    at
                }
                Some(Frame::Array { .. }) if closer == b',' && peeks_value(at + 1) => at + 1,
                _ => at,
            }
        }
        None => at,
        Some(_) => at + 1,
    };
    let mut stack = match scan(&body[..end]) {
        Ok(stack) => stack,
        Err(path) => return path,
    };
    // A value serde_json only peeked at (an array where a string belongs) is the one being read.
    // A value serde_json peeked at, or the body's end where one should be, is the item being
    // read.
    let at_end = body[end..].iter().all(is_json_whitespace);
    if value_expected
        || ((peeks_value(end) || at_end) && matches!(stack.last(), Some(Frame::Array { .. })))
    {
        begin_item(&mut stack);
    }
    render(&stack)
}

/// Space, tab, line feed or carriage return: the whitespace JSON allows between tokens (RFC 8259
/// section 2). Not `u8::is_ascii_whitespace`, which also counts form feed, a character serde_json
/// refuses.
pub(crate) fn is_json_whitespace(byte: &u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// An open container, as far as the path is concerned.
enum Frame {
    /// An object; `key` is the key whose value is being read, `None` between members.
    Object { key: Option<String> },
    /// An array, the index of its current item, and whether that item has begun.
    Array { index: usize, started: bool },
}

/// The containers open at the end of `text`; `None` when it ends inside a key (the path then
/// ends at that key's object), rendered at once.
fn scan(text: &[u8]) -> Result<Vec<Frame>, Option<String>> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < text.len() {
        match text[at] {
            b'{' => {
                begin_item(&mut stack);
                stack.push(Frame::Object { key: None });
            }
            b'[' => {
                begin_item(&mut stack);
                stack.push(Frame::Array {
                    index: 0,
                    started: false,
                });
                at += 1;
                continue;
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index, started }) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            b'"' => {
                begin_item(&mut stack);
                let end = string_end(text, at);
                if let Some(Frame::Object { key: key @ None }) = stack.last_mut() {
                    // A key in progress at the end of the text is no key yet.
                    if end < text.len() {
                        *key = Some(decoded(&text[at..=end]));
                    } else {
                        return Err(render(&stack));
                    }
                }
                at = end;
            }
            // A `:` only follows a key in an object; in an array it stands for an item.
            c if !is_json_whitespace(&c)
                && (c != b':' || matches!(stack.last(), Some(Frame::Array { .. }))) =>
            {
                begin_item(&mut stack)
            }
            _ => {}
        }
        at += 1;
    }
    Ok(stack)
}

/// A value begins: if it is an array's item, that item has begun.
fn begin_item(stack: &mut [Frame]) {
    if let Some(Frame::Array { started, .. }) = stack.last_mut() {
        *started = true;
    }
}

/// The index of the quote closing the string opened at `open` (or the text's end).
fn string_end(text: &[u8], open: usize) -> usize {
    let mut at = open + 1;
    while at < text.len() {
        match text[at] {
            b'\\' => at += 2,
            b'"' => return at,
            _ => at += 1,
        }
    }
    text.len()
}

/// A JSON string literal's value (escapes resolved); its raw text if it does not decode.
fn decoded(literal: &[u8]) -> String {
    serde_json::from_slice::<String>(literal)
        .unwrap_or_else(|_| String::from_utf8_lossy(&literal[1..literal.len() - 1]).into_owned())
}

/// `a.b[0].c`: the keys and indexes of the open containers, up to the first object not yet
/// reading a member's value.
fn render(stack: &[Frame]) -> Option<String> {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } | Frame::Array { started: false, .. } => break,
            Frame::Array { index, .. } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error(body: &str) -> Option<String> {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Out {
            id: Option<String>,
            settings: Option<Settings>,
            clients: Option<Vec<Settings>>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Settings {
            flag: Option<bool>,
            required: Option<Inner>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            must: bool,
        }
        let error = serde_json::from_str::<Out>(body).unwrap_err();
        path_at(body.as_bytes(), error.line(), error.column())
    }

    #[test]
    fn the_path_names_the_value_being_read() {
        assert_eq!(
            path_of_error(r#"{"settings": {"flag": "yes"}}"#).as_deref(),
            Some("settings.flag")
        );
        assert_eq!(
            path_of_error("{\"clients\": [{\"flag\": true},\n {\"flag\": 3}]}").as_deref(),
            Some("clients[1].flag")
        );
        assert_eq!(
            path_of_error(r#"{"settings": {"required": {}}}"#).as_deref(),
            Some("settings.required")
        );
        assert_eq!(
            path_of_error(r#"{"settings": 7}"#).as_deref(),
            Some("settings")
        );
        assert_eq!(
            path_of_error(r#"{"id": "a\"}", "settings": {"fla"#).as_deref(),
            Some("settings")
        );
        assert_eq!(path_of_error(r#"{"id": 5}"#).as_deref(), Some("id"));
        assert_eq!(
            path_of_error(r#"{"id": "p"} {}"#),
            None,
            "trailing data is at the top"
        );
        assert_eq!(path_of_error("[]"), None);
        assert_eq!(
            path_of_error("[\u{c}\u{e}").as_deref(),
            Some("[0]"),
            "a form feed is no JSON whitespace: the first item is being read"
        );
    }
}
