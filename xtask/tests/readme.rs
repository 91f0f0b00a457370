//! CONTRIBUTING.md's "Updating the spec" lists every kind of change under the classification the
//! rule table gives it, so the documentation cannot drift from the code.

use xtask::rules::RULES;

/// The backticked names on the CONTRIBUTING.md line starting with `prefix`.
fn listed(prefix: &str) -> Vec<String> {
    let readme = include_str!("../../CONTRIBUTING.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("CONTRIBUTING.md has a line starting with {prefix:?}"));
    line.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn contributing_lists_every_kind_under_its_classification() {
    let kinds = |breaking: bool| -> Vec<String> {
        RULES
            .iter()
            .filter(|r| r.breaking == breaking)
            .map(|r| r.kind.name())
            .collect()
    };
    assert_eq!(listed("- **Breaking**:"), kinds(true));
    assert_eq!(listed("- **Non-breaking**:"), kinds(false));
}
