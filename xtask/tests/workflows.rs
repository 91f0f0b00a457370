//! The GitHub workflows cannot run here, so this checks what can be: both parse as YAML, CI runs
//! `bash .ci/run` on push and pull request, and the weekly drift job runs the tested
//! `cargo xtask spec check --live`, puts its report in the job summary and fails with its exit
//! code (its script is run here with a stand-in `cargo`).

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

fn workflow(name: &str) -> Yaml {
    let path = format!("{}/../.github/workflows/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut documents = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(documents.len(), 1, "{path} holds one YAML document");
    documents.remove(0)
}

/// Every step of every job, in order.
fn steps(workflow: &Yaml) -> Vec<&Yaml> {
    let jobs = workflow["jobs"].as_hash().expect("jobs");
    jobs.values()
        .flat_map(|job| job["steps"].as_vec().expect("each job has steps"))
        .collect()
}

/// The `run` scripts of the steps whose script has a line starting with `command`.
fn running<'a>(workflow: &'a Yaml, command: &str) -> Vec<&'a str> {
    steps(workflow)
        .into_iter()
        .filter_map(|step| step["run"].as_str())
        .filter(|script| script.lines().any(|l| l.trim().starts_with(command)))
        .collect()
}

fn triggers(workflow: &Yaml) -> Vec<&str> {
    let on = workflow["on"].as_hash().expect("`on` is a map of triggers");
    on.keys().filter_map(Yaml::as_str).collect()
}

#[test]
fn ci_runs_the_ci_script_on_push_and_pull_request() {
    let ci = workflow("ci.yml");
    assert_eq!(triggers(&ci), ["push", "pull_request"]);
    assert_eq!(running(&ci, "bash .ci/run"), ["bash .ci/run"]);
}

#[test]
fn spec_drift_runs_the_live_check_weekly() {
    let drift = workflow("spec-drift.yml");
    assert_eq!(triggers(&drift), ["schedule", "workflow_dispatch"]);
    let schedule = drift["on"]["schedule"].as_vec().expect("a schedule");
    let crons: Vec<&str> = schedule.iter().filter_map(|s| s["cron"].as_str()).collect();
    assert_eq!(crons.len(), 1, "{crons:?}");
    // Minute, hour, any day of the month, any month, one day of the week: once a week.
    let fields: Vec<&str> = crons[0].split_whitespace().collect();
    let number = |f: &str, max: u32| f.parse::<u32>().is_ok_and(|n| n <= max);
    assert!(
        fields.len() == 5
            && number(fields[0], 59)
            && number(fields[1], 23)
            && fields[2..4] == ["*", "*"]
            && number(fields[4], 6),
        "not weekly: {crons:?}"
    );
    assert_eq!(running(&drift, "cargo xtask spec check --live").len(), 1);
}

/// Runs the drift step's script in a scratch directory with a stand-in `cargo` that records its
/// arguments, prints `report` and exits with `code`; returns the script's exit code, its output
/// and the job summary.
fn run_drift_step(report: &str, code: i32) -> (i32, String, String, String) {
    let drift = workflow("spec-drift.yml");
    let script = running(&drift, "cargo xtask spec check --live")[0];
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        format!("#!/bin/sh\necho \"$@\" >\"$ARGS_FILE\"\nprintf '%s' '{report}'\nexit {code}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let summary = dir.path().join("summary.md");
    let args = dir.path().join("args");
    let mut command = Command::new("bash");
    command
        .args(["-e", "-c", script])
        .current_dir(dir.path())
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("ARGS_FILE", &args);
    let run = common::run(command);
    (
        run.code,
        run.stdout,
        std::fs::read_to_string(summary).unwrap(),
        std::fs::read_to_string(args).unwrap(),
    )
}

#[test]
fn the_drift_step_puts_the_report_in_the_summary_and_fails_with_the_check() {
    let report = "changed    partner-management.md  https://docs.example/p.md\n\nBREAKING ...\n";
    let (code, stdout, summary, args) = run_drift_step(report, 2);
    assert_eq!(code, 2);
    assert_eq!(args, "xtask spec check --live\n");
    assert_eq!(stdout, report);
    assert_eq!(
        summary,
        format!(
            "## cargo xtask spec check --live: exit 2\n\n\
             0 unchanged, 1 non-breaking news, 2 breaking, 3 could not fetch (CONTRIBUTING.md, \"Updating the spec\")\n\n\
             ```\n{report}```\n"
        )
    );
    let (code, _, summary, _) = run_drift_step("unchanged  p.md  https://docs.example/p.md\n", 0);
    assert_eq!(code, 0);
    assert!(
        summary.starts_with("## cargo xtask spec check --live: exit 0\n"),
        "{summary}"
    );
}
