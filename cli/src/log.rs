//! Log lines on stderr that never block the work they describe: lines go to a thread that
//! writes them; when stderr stops taking them (nobody reads it, or too slowly) the queue fills
//! and further lines are dropped and counted, never waited for. What a line shows of text a
//! client chose (a path) is escaped, so no control or format character (a line break, U+2028,
//! U+0085, U+202E) can forge a line or reorder one, and cut.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::Duration;

/// Lines waiting for stderr, at most.
const QUEUED: usize = 1024;
/// The characters of client text a line shows, at most.
const SHOWN: usize = 200;

/// The log: cheap to clone, never blocking.
#[derive(Clone)]
pub struct Log {
    lines: SyncSender<Entry>,
    dropped: Arc<AtomicU64>,
}

/// What the writer thread is handed.
enum Entry {
    Line(String),
    /// Answered once every line queued before it is written.
    Flushed(std::sync::mpsc::Sender<()>),
}

impl Log {
    /// Starts the thread that writes stderr.
    pub fn start() -> Log {
        let (lines, queue) = std::sync::mpsc::sync_channel::<Entry>(QUEUED);
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = dropped.clone();
        std::thread::spawn(move || {
            let mut reported = 0;
            for entry in queue {
                let line = match entry {
                    Entry::Line(line) => line,
                    Entry::Flushed(done) => {
                        // The last chance to say that lines were lost.
                        let lost = counted.load(Ordering::Relaxed);
                        if lost > reported {
                            let _ = writeln!(
                                std::io::stderr().lock(),
                                "d360: {} log line(s) dropped: stderr was not read",
                                lost - reported
                            );
                            reported = lost;
                        }
                        let _ = done.send(());
                        continue;
                    }
                };
                let mut stderr = std::io::stderr().lock();
                // Lines lost since the last one written are reported before it.
                let lost = counted.load(Ordering::Relaxed);
                if lost > reported {
                    let _ = writeln!(
                        stderr,
                        "d360: {} log line(s) dropped: stderr was not read",
                        lost - reported
                    );
                    reported = lost;
                }
                let _ = stderr.write_all(line.as_bytes());
            }
        });
        Log { lines, dropped }
    }

    /// Queues `line` (a line break is added); dropped and counted when the queue is full.
    pub fn line(&self, line: &str) {
        match self.lines.try_send(Entry::Line(format!("{line}\n"))) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

impl Log {
    /// Waits, at most `bound`, for the lines queued so far to be written: called before the
    /// process exits, so its last lines (why it stopped) are not lost with the thread. Bounded,
    /// since a stderr nobody reads would hold the exit forever.
    pub fn flush(&self, bound: Duration) {
        let (done, written) = std::sync::mpsc::channel();
        if self.lines.try_send(Entry::Flushed(done)).is_ok() {
            let _ = written.recv_timeout(bound);
        }
    }
}

/// Text a client chose, as a log line may show it: every character that is not plainly
/// printable escaped (`\n`, `\u{2028}`, `\u{202e}`, ...), and cut to [`SHOWN`] characters.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == SHOWN {
            out.push('…');
            break;
        }
        out.extend(c.escape_debug());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_could_forge_or_reorder_a_line_is_escaped_and_long_text_cut() {
        assert_eq!(shown("/a\nb"), "/a\\nb");
        assert_eq!(
            shown("/\u{2028}x\u{85}y\u{202e}z"),
            "/\\u{2028}x\\u{85}y\\u{202e}z"
        );
        assert_eq!(shown("/\u{200b}\u{feff}"), "/\\u{200b}\\u{feff}");
        assert_eq!(shown("/ü ok"), "/ü ok");
        let long = shown(&"x".repeat(1000));
        assert_eq!(long.chars().count(), SHOWN + 1);
        assert!(long.ends_with('…'));
    }
}
