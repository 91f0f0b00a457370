//! What goes to stdout: the hub's answer as JSON (pretty on a terminal, one line otherwise),
//! the items of `--all` as one JSON array or one item per line, a dry run's request. Nothing
//! else goes there: messages and progress go to stderr.

use serde_json::Value;
use std::io::{IsTerminal, Write};

/// Where JSON goes and how it is laid out.
pub struct Out {
    stdout: std::io::StdoutLock<'static>,
    pretty: bool,
}

impl Out {
    pub fn new() -> Out {
        let stdout = std::io::stdout();
        let pretty = stdout.is_terminal();
        Out {
            stdout: stdout.lock(),
            pretty,
        }
    }

    /// One JSON value, on its own line; nothing for an answer without a body.
    pub fn value(&mut self, value: &Value) {
        if value.is_null() {
            return;
        }
        let text = self.render(value);
        let _ = writeln!(self.stdout, "{text}");
    }

    fn render(&self, value: &Value) -> String {
        if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .expect("a JSON value serializes")
    }

    /// The items of a list as they arrive: an array (closed by [`Items::end`], which a failure
    /// mid-way calls too, so what came is valid JSON), or one item per line.
    pub fn items(&mut self, ndjson: bool) -> Items<'_> {
        if !ndjson {
            let _ = write!(self.stdout, "[");
        }
        Items {
            out: self,
            ndjson,
            written: 0,
        }
    }
}

/// The items of `--all`, written as they come.
pub struct Items<'a> {
    out: &'a mut Out,
    ndjson: bool,
    written: usize,
}

impl Items<'_> {
    pub fn item(&mut self, item: &Value) {
        // One line per item in NDJSON, whatever the terminal.
        let text = match self.ndjson {
            true => serde_json::to_string(item).expect("a JSON value serializes"),
            false => self.out.render(item),
        };
        let stdout = &mut self.out.stdout;
        let _ = match (self.ndjson, self.out.pretty) {
            (true, _) => writeln!(stdout, "{text}"),
            (false, true) => {
                let separator = if self.written == 0 { "\n" } else { ",\n" };
                let indented: Vec<String> = text.lines().map(|line| format!("  {line}")).collect();
                write!(stdout, "{separator}{}", indented.join("\n"))
            }
            (false, false) => {
                let separator = if self.written == 0 { "" } else { "," };
                write!(stdout, "{separator}{text}")
            }
        };
        self.written += 1;
    }

    /// Flushes what came with the last page, so a pipe sees items as the pages arrive.
    pub fn flush(&mut self) {
        let _ = self.out.stdout.flush();
    }

    /// Closes the array (for the items so far, after a failure too).
    pub fn end(self) {
        if !self.ndjson {
            let close = if self.out.pretty && self.written > 0 {
                "\n]"
            } else {
                "]"
            };
            let _ = writeln!(self.out.stdout, "{close}");
        }
        let _ = self.out.stdout.flush();
    }
}

/// Progress of `--all` on stderr (`120 of 450 items`) when stderr is a terminal and stdout is
/// not: with the items going to a file or a pipe, nothing else shows how far the walk is. On a
/// terminal that shows the items, they show it, and a progress line would break into them.
pub struct Progress {
    on: bool,
}

impl Progress {
    pub fn new() -> Progress {
        Progress {
            on: std::io::stderr().is_terminal() && !std::io::stdout().is_terminal(),
        }
    }

    pub fn show(&self, done: usize, total: Option<i64>) {
        if self.on {
            let total = total.map_or_else(|| "?".to_string(), |t| t.to_string());
            eprint!("\r{done} of {total} items");
        }
    }

    pub fn end(&self) {
        if self.on {
            eprintln!();
        }
    }
}
