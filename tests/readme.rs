//! The README is the front page on GitHub and crates.io and the crate's documentation on
//! docs.rs (`src/lib.rs` includes it): it must read right in all three. Its Rust examples are
//! doctests, so they compile (and most run) under `cargo test`; this checks what rustdoc does not:
//! no doctest-only syntax that GitHub would show, links that resolve everywhere, and a usage
//! snippet that lists every crate the examples use.

use std::collections::BTreeSet;

const README: &str = include_str!("../README.md");

/// The README's fenced code blocks: the info string and the lines inside.
fn blocks() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut blocks = Vec::new();
    let mut lines = README.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((info, body));
        }
    }
    blocks
}

/// The README without its code blocks and inline code spans (which may cross a line break):
/// the prose links live in.
fn prose() -> String {
    let mut outside_blocks = String::new();
    let mut in_block = false;
    for line in README.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            outside_blocks.push_str(line);
            outside_blocks.push('\n');
        }
    }
    let mut text = String::new();
    let mut rest = outside_blocks.as_str();
    while let Some(start) = rest.find('`') {
        text.push_str(&rest[..start]);
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let fence = "`".repeat(ticks);
        let after = &rest[start + ticks..];
        rest = after.find(&fence).map_or("", |end| &after[end + ticks..]);
    }
    text.push_str(rest);
    text
}

/// A heading's anchor as GitHub and rustdoc both make it (for ASCII headings): lower case,
/// spaces to `-`, punctuation other than `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

#[test]
fn every_code_block_names_its_language_and_no_rust_block_hides_lines() {
    for (info, body) in blocks() {
        assert!(
            !info.is_empty(),
            "a code block without a language:\n{}",
            body.join("\n")
        );
        if info.starts_with("rust") {
            for line in body {
                let trimmed = line.trim_start();
                assert!(
                    !(trimmed == "#" || trimmed.starts_with("# ") || trimmed.starts_with("##")),
                    "a hidden doctest line, which GitHub shows: {line:?}"
                );
            }
        }
    }
}

#[test]
fn every_link_resolves_on_github_crates_io_and_docs_rs() {
    let headings: BTreeSet<String> = README
        .lines()
        .filter(|line| line.starts_with('#') && !line.starts_with("#["))
        .map(|line| anchor(line.trim_start_matches('#').trim()))
        .collect();
    let prose = prose();
    let mut targets = Vec::new();
    let mut rest = prose.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').expect("a link's target ends");
        targets.push(&after[..end]);
        rest = &after[end..];
    }
    assert!(targets.len() > 5, "links found: {targets:?}");
    for target in targets {
        match target.strip_prefix('#') {
            Some(anchor) => assert!(
                headings.contains(anchor),
                "`#{anchor}` names no heading; headings: {headings:?}"
            ),
            None => assert!(
                target.starts_with("https://"),
                "`{target}` is relative (broken on docs.rs and crates.io) or rustdoc-only"
            ),
        }
    }
    // Rustdoc's shortcut links (`[`Client`]` alone) show as brackets on GitHub.
    for line in prose.lines() {
        let mut rest = line;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(']') else { break };
            let follows = &after[close + 1..];
            assert!(
                follows.starts_with('('),
                "`[{}]` is a link only rustdoc resolves: {line}",
                &after[..close]
            );
            rest = follows;
        }
    }
}

#[test]
fn the_usage_snippet_lists_every_crate_the_examples_use() {
    let (_, manifest) = blocks()
        .into_iter()
        .find(|(info, _)| *info == "toml")
        .expect("a usage snippet");
    let listed: BTreeSet<&str> = manifest
        .iter()
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .collect();
    let dev_dependencies = manifest
        .iter()
        .skip_while(|line| **line != "[dev-dependencies]");
    assert!(
        dev_dependencies
            .clone()
            .any(|line| line.starts_with("d360-partner =") && line.contains("\"mock\"")),
        "the mock feature as a dev-dependency: {manifest:?}"
    );
    let mut used = BTreeSet::new();
    for (info, body) in blocks() {
        if !info.starts_with("rust") {
            continue;
        }
        for line in body {
            for name in [
                "tokio",
                "serde_json",
                "serde",
                "futures",
                "anyhow",
                "axum",
                "bytes",
            ] {
                let path = format!("{name}::");
                let used_here = line.match_indices(&path).any(|(at, _)| {
                    at == 0
                        || !line[..at]
                            .ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if used_here {
                    used.insert(name);
                }
            }
        }
    }
    assert!(
        used.contains("tokio") && used.contains("serde_json"),
        "{used:?}"
    );
    for name in &used {
        assert!(
            listed.contains(name),
            "the examples use `{name}`, which the usage snippet does not list: {listed:?}"
        );
    }
}
