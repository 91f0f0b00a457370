//! `cargo xtask spec <sync|check|diff>`: argument parsing, output and exit codes.

use crate::diff::{self, Diff};
use crate::fetch;
use crate::live;
use crate::report::{self, Format};
use crate::spec::{self, Checked, Repo, VENDORED};
use std::path::PathBuf;
use std::time::Duration;

/// Exit code when the tool could not do its job: bad arguments, an unreadable or conflicting
/// page, a manifest that does not match the snapshots, a failed download. 0, 1 and 2 are the
/// diff's: no change, non-breaking, breaking.
pub const EXIT_ERROR: u8 = 3;

/// The usage text printed on a usage error.
pub const USAGE: &str = "\
usage: cargo xtask spec sync  [--root DIR] [--timeout SECS] [--upstream] [PAGE.md|URL...]
       cargo xtask spec sync  [--root DIR] [--timeout SECS] --live [--add URL...]
       cargo xtask spec check [--root DIR] [--timeout SECS] [--format text|json] [--upstream PAGE.md|URL...]
       cargo xtask spec check [--root DIR] [--timeout SECS] --live
       cargo xtask spec diff  [--format text|json] OLD.json NEW.json
       cargo xtask bench [--quick]        (see BENCHMARKS.md)
exit codes: 0 no change, 1 only non-breaking changes, 2 a breaking change, 3 error";

/// Options and operands of one command line.
#[derive(Debug, Default)]
struct Arguments {
    root: Option<PathBuf>,
    timeout: Option<Duration>,
    format: Option<Format>,
    upstream: bool,
    live: bool,
    /// Operands after `--add`.
    add: Option<Vec<String>>,
    operands: Vec<String>,
}

/// Runs the tool on its arguments (without the program name); returns the exit code.
pub fn run(args: &[String]) -> u8 {
    match dispatch(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_ERROR
        }
    }
}

fn dispatch(args: &[String]) -> Result<u8, String> {
    let (command, rest) = match args {
        [spec, command, rest @ ..] if spec == "spec" => (command.as_str(), rest),
        _ => return Err(format!("expected a spec or bench command\n{USAGE}")),
    };
    let allowed: &[&str] = match command {
        "sync" => &["--root", "--timeout", "--upstream", "--live", "--add"],
        "check" => &["--root", "--timeout", "--format", "--upstream", "--live"],
        "diff" => &["--format"],
        other => return Err(format!("unknown command `spec {other}`\n{USAGE}")),
    };
    let arguments = parse(rest, allowed)?;
    let repo = arguments
        .root
        .clone()
        .map(|root| Repo { root })
        .unwrap_or_else(Repo::this);
    let timeout = arguments.timeout.unwrap_or(fetch::DEFAULT_TIMEOUT);
    let format = arguments.format.unwrap_or(Format::Text);
    if arguments.live {
        return match command {
            "sync" => sync_live(&repo, arguments.add.as_deref().unwrap_or(&[]), timeout),
            _ => check_live(&repo, timeout),
        };
    }
    match command {
        "sync" => sync(&repo, &arguments.operands, timeout),
        "check" => check(&repo, &arguments.operands, timeout, format),
        _ => match arguments.operands.as_slice() {
            [old, new] => diff_files(old, new, format),
            _ => Err(format!(
                "`spec diff` takes two files, OLD.json NEW.json\n{USAGE}"
            )),
        },
    }
}

fn parse(args: &[String], allowed: &[&str]) -> Result<Arguments, String> {
    let mut parsed = Arguments::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if !arg.starts_with("--") {
            match &mut parsed.add {
                Some(add) => add.push(arg.clone()),
                None => parsed.operands.push(arg.clone()),
            }
            continue;
        }
        if !allowed.contains(&arg.as_str()) {
            return Err(format!("unknown option `{arg}` for this command\n{USAGE}"));
        }
        match arg.as_str() {
            // Marks the operands that follow as pages; they are operands anyway.
            "--upstream" => parsed.upstream = true,
            "--live" => parsed.live = true,
            "--add" => {
                parsed.add.get_or_insert_with(Vec::new);
            }
            _ => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))?;
                match arg.as_str() {
                    "--root" => parsed.root = Some(PathBuf::from(value)),
                    "--format" => parsed.format = Some(value.parse()?),
                    "--timeout" => {
                        let seconds: f64 = value
                            .parse()
                            .ok()
                            .filter(|s: &f64| s.is_finite() && *s > 0.0)
                            .ok_or_else(|| format!("`--timeout {value}`: expected seconds > 0"))?;
                        parsed.timeout = Some(Duration::from_secs_f64(seconds));
                    }
                    _ => unreachable!("every allowed option is matched"),
                }
            }
        }
    }
    let misuse = match &parsed {
        a if a.add.is_some() && !a.live => Some("`--add` needs `--live`"),
        a if a.add.as_ref().is_some_and(Vec::is_empty) => Some("`--add` needs at least one URL"),
        a if a.live && a.upstream => Some("`--live` and `--upstream` exclude each other"),
        a if a.live && !a.operands.is_empty() => {
            Some("`--live` fetches the pages the manifest lists; name new pages with `--add URL`")
        }
        a if a.live && a.format == Some(Format::Json) => {
            Some("`--live` reports in text only; `--format json` is for `check` and `diff`")
        }
        _ => None,
    };
    match misuse {
        Some(message) => Err(format!("{message}\n{USAGE}")),
        None => Ok(parsed),
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
             (README, \"Updating the spec\") before committing"
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
