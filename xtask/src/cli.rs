//! `cargo xtask spec <sync|check|diff>`: argument parsing, output and exit codes.

use crate::diff::{self, Diff};
use crate::fetch;
use crate::live;
use crate::report::{self, Format};
use crate::spec::{self, Checked, Repo, VENDORED};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command};
use std::path::PathBuf;
use std::time::Duration;

/// Exit code when the tool could not do its job: bad arguments, an unreadable or conflicting
/// page, a manifest that does not match the snapshots, a failed download. 0, 1 and 2 are the
/// diff's: no change, non-breaking, breaking.
pub const EXIT_ERROR: u8 = 3;

/// The whole command line of the tool: `spec sync|check|diff`, `bench`, `fixture-crate`.
/// Parsed with clap, as the `d360` command line is; a usage error is exit 3 (0, 1 and 2 are the
/// diff's), `--help` exit 0.
pub fn command() -> Command {
    let root = || {
        Arg::new("root")
            .long("root")
            .value_name("DIR")
            .value_parser(clap::value_parser!(PathBuf))
            .help("The repository to work on (default: this one)")
    };
    let timeout = || {
        Arg::new("timeout")
            .long("timeout")
            .value_name("SECS")
            .value_parser(seconds)
            .help("How long a fetch may take (default 30)")
    };
    let format = || {
        Arg::new("format")
            .long("format")
            .value_name("FORMAT")
            .value_parser(
                PossibleValuesParser::new(["text", "json"]).try_map(|text| text.parse::<Format>()),
            )
            .help("How changes are printed (default text)")
    };
    let live = || {
        Arg::new("live")
            .long("live")
            .action(ArgAction::SetTrue)
            .conflicts_with_all(["upstream", "pages"])
            .help("Fetch every page of the manifest (and the documentation index) now")
    };
    let upstream = || {
        Arg::new("upstream")
            .long("upstream")
            .action(ArgAction::SetTrue)
            .help("The operands are upstream pages (files or URLs)")
    };
    let pages = || {
        Arg::new("pages")
            .value_name("PAGE.md|URL")
            .num_args(0..)
            .help("Pages to use instead of the snapshots")
    };
    let spec = Command::new("spec")
        .about("Keep the vendored spec equal to upstream and classify its changes")
        .after_help("Exit codes: 0 no change, 1 only non-breaking changes, 2 a breaking change, 3 error.")
        .subcommand_required(true)
        .subcommand(
            Command::new("sync")
                .about("Rewrite the vendored spec from the snapshots, the pages given, or upstream (--live)")
                .args([root(), timeout(), upstream(), live(), pages()])
                .arg(
                    Arg::new("add")
                        .long("add")
                        .value_name("URL")
                        .num_args(1..)
                        .action(ArgAction::Append)
                        .requires("live")
                        .help("With --live: a page to vendor that the manifest does not list yet"),
                ),
        )
        .subcommand(
            Command::new("check")
                .about("Compare the vendored spec with the snapshots, the pages given, or upstream (--live)")
                .args([root(), timeout(), format(), upstream(), live(), pages()]),
        )
        .subcommand(
            Command::new("diff")
                .about("Classify the changes between two spec files for users of this client")
                .arg(format())
                .arg(Arg::new("old").required(true).value_name("OLD.json"))
                .arg(Arg::new("new").required(true).value_name("NEW.json")),
        );
    let bench = Command::new("bench")
        .about("Benchmarks: request overhead, webhook verification, list walking, code generation, build cost (BENCHMARKS.md)")
        .arg(Arg::new("quick").long("quick").action(ArgAction::SetTrue).help("Fewer rounds, no cold builds (under 10 minutes)"))
        .arg(
            Arg::new("only")
                .long("only")
                .value_parser([
                    "request",
                    "webhook",
                    "onboarding",
                    "listener",
                    "pagination",
                    "cli",
                    "codegen",
                    "builds",
                ])
                .help("Run one part"),
        )
        .arg(
            Arg::new("crate")
                .long("crate")
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Measure the build cost of another checkout of this crate"),
        )
        .arg(
            Arg::new("synthetic-spec")
                .long("synthetic-spec")
                .num_args(2)
                .value_names(["N", "FILE"])
                .conflicts_with_all(["quick", "only", "crate"])
                .help("Write the N-operation synthetic spec the benchmarks build to FILE"),
        );
    let fixture_crate = Command::new("fixture-crate")
        .about("Write the workspace built from the fixture pages (tests/fixtures/pages) to DIR")
        .arg(
            Arg::new("dir")
                .required(true)
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf)),
        );
    Command::new("xtask")
        .bin_name("cargo xtask")
        .about("Project tooling of d360-partner")
        .subcommand_required(true)
        .subcommand(spec)
        .subcommand(bench)
        .subcommand(fixture_crate)
}

/// `--timeout SECS`: seconds above 0.
fn seconds(value: &str) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{value}`: expected seconds > 0"))
}

/// Parses `args` (without the program name): the matches, or the exit code after clap printed
/// the help (0) or the usage error (3).
pub fn parse(args: &[String]) -> Result<ArgMatches, u8> {
    let argv = std::iter::once("xtask".to_string()).chain(args.iter().cloned());
    command().try_get_matches_from(argv).map_err(|error| {
        let _ = error.print();
        if error.use_stderr() { EXIT_ERROR } else { 0 }
    })
}

/// Runs a parsed `spec` command; returns the exit code.
pub fn run_spec(spec: &ArgMatches) -> u8 {
    match dispatch(spec) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_ERROR
        }
    }
}

fn dispatch(spec: &ArgMatches) -> Result<u8, String> {
    let (command, arguments) = spec.subcommand().expect("a spec command is required");
    let repo = arguments
        .try_get_one::<PathBuf>("root")
        .ok()
        .flatten()
        .map(|root| Repo { root: root.clone() })
        .unwrap_or_else(Repo::this);
    let timeout = arguments
        .try_get_one::<Duration>("timeout")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(fetch::DEFAULT_TIMEOUT);
    let format = arguments
        .try_get_one::<Format>("format")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(Format::Text);
    let strings = |id: &str| -> Vec<String> {
        arguments
            .try_get_many::<String>(id)
            .ok()
            .flatten()
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    };
    let live = arguments.try_get_one::<bool>("live").ok().flatten() == Some(&true);
    match (command, live) {
        ("check", true) if format == Format::Json => {
            Err("`--live` reports in text only; `--format json` is for `check` and `diff`".into())
        }
        ("sync", true) => sync_live(&repo, &strings("add"), timeout),
        ("check", true) => check_live(&repo, timeout),
        ("sync", false) => sync(&repo, &strings("pages"), timeout),
        ("check", false) => check(&repo, &strings("pages"), timeout, format),
        _ => diff_files(&strings("old")[0], &strings("new")[0], format),
    }
}

fn sync(repo: &Repo, sources: &[String], timeout: Duration) -> Result<u8, String> {
    for line in spec::sync(repo, sources, timeout)? {
        println!("{line}");
    }
    Ok(0)
}

fn check(repo: &Repo, sources: &[String], timeout: Duration, format: Format) -> Result<u8, String> {
    let checked = spec::check(repo, sources, timeout)?;
    match &checked {
        Checked::Identical => {
            if format == Format::Json {
                print!("{}", report::render(&Diff::default(), format));
            }
            eprintln!("{VENDORED} equals the merge of the upstream pages");
        }
        Checked::Differs(diff) => {
            print!("{}", report::render(diff, format));
            if diff.changes.is_empty() {
                eprintln!(
                    "{VENDORED} differs from the merge of the upstream pages only in formatting or key order; run `cargo xtask spec sync`"
                );
            } else {
                eprintln!(
                    "{VENDORED} differs from the merge of the upstream pages (changes above, vendored → upstream); \
                     run `cargo xtask spec sync`, then review `git diff` and the API surface snapshot"
                );
            }
        }
    }
    Ok(checked.exit_code())
}

fn check_live(repo: &Repo, timeout: Duration) -> Result<u8, String> {
    let live = live::live(repo, &[], timeout)?;
    print!("{}", live.render());
    let code = live.exit_code();
    if code == 0 {
        eprintln!(
            "upstream is unchanged: every page equals its snapshot and {VENDORED} their merge"
        );
    } else {
        eprintln!(
            "upstream differs (pages and changes above, vendored → upstream); \
             `cargo xtask spec sync --live` takes it (`--add URL` for a new page), \
             then review `git diff` and the API surface snapshot"
        );
    }
    Ok(code)
}

fn sync_live(repo: &Repo, add: &[String], timeout: Duration) -> Result<u8, String> {
    let live = live::live(repo, add, timeout)?;
    print!("{}", live.render());
    let writes = live::writes(repo, &live)?;
    let done = spec::apply(repo, writes)?;
    if done.is_empty() {
        println!("nothing to write: the snapshots, the manifest and {VENDORED} are up to date");
    } else {
        println!();
        for line in &done {
            println!("{line}");
        }
        eprintln!(
            "now run `cargo test --workspace` and bless the API surface snapshot \
             (CONTRIBUTING.md, \"Updating the spec\") before committing"
        );
    }
    Ok(0)
}

fn diff_files(old: &str, new: &str, format: Format) -> Result<u8, String> {
    let read = |path: &str| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("{path} is not JSON: {e}"))
    };
    let diff = diff::diff(&read(old)?, &read(new)?);
    print!("{}", report::render(&diff, format));
    Ok(diff.exit_code())
}
