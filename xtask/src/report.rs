//! A [`Diff`] as text for people or JSON for machines (`--format json`).

use crate::diff::Diff;
use serde::Serialize;

/// How to print a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format `{other}`; expected `text` or `json`"
            )),
        }
    }
}

/// The diff in the given format, ending with a newline.
pub fn render(diff: &Diff, format: Format) -> String {
    match format {
        Format::Text => text(diff),
        Format::Json => json(diff),
    }
}

/// One line per change (`BREAKING` or `non-breaking`, kind, location), an indented line with
/// the detail and the rule's reason, then a summary line.
fn text(diff: &Diff) -> String {
    if diff.changes.is_empty() {
        return "no changes\n".into();
    }
    let width = diff
        .changes
        .iter()
        .map(|c| c.kind.name().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for change in &diff.changes {
        let flag = if change.breaking {
            "BREAKING"
        } else {
            "non-breaking"
        };
        let kind = change.kind.name();
        out += &format!("{flag:<12}  {kind:<width$}  {}\n", change.location);
        let why = change.kind.rule().why;
        let detail = if change.detail.is_empty() {
            why.to_string()
        } else {
            format!("{}; {why}", change.detail)
        };
        out += &format!("{:<12}  {:<width$}  {detail}\n", "", "");
    }
    let breaking = diff.changes.iter().filter(|c| c.breaking).count();
    out += &format!(
        "{} changes: {breaking} breaking, {} non-breaking\n",
        diff.changes.len(),
        diff.changes.len() - breaking
    );
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    changes: Vec<JsonChange<'a>>,
    breaking: usize,
    non_breaking: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    #[serde(flatten)]
    change: &'a crate::diff::Change,
    why: &'static str,
}

/// `{"changes": [{kind, location, detail, breaking, why}], "breaking": n, "non_breaking": n}`.
fn json(diff: &Diff) -> String {
    let breaking = diff.changes.iter().filter(|c| c.breaking).count();
    let report = JsonReport {
        changes: diff
            .changes
            .iter()
            .map(|change| JsonChange {
                change,
                why: change.kind.rule().why,
            })
            .collect(),
        breaking,
        non_breaking: diff.changes.len() - breaking,
    };
    let mut out = serde_json::to_string_pretty(&report).expect("the report serializes");
    out.push('\n');
    out
}
