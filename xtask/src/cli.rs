//! `cargo xtask spec <sync|check|diff>`: argument parsing, output and exit codes.

use crate::diff::{self, Diff};
use crate::fetch;
use crate::report::{self, Format};
use crate::spec::{self, Checked, Repo, VENDORED};
use std::path::PathBuf;
use std::time::Duration;

/// Exit code when the tool could not do its job: bad arguments, an unreadable or conflicting
/// page, a failed download. 0, 1 and 2 are the diff's: no change, non-breaking, breaking.
pub const EXIT_ERROR: u8 = 3;

/// The usage text printed on a usage error.
pub const USAGE: &str = "\
usage: cargo xtask spec sync  [--root DIR] [--timeout SECS] [--upstream] [PAGE.md|URL...]
       cargo xtask spec check [--root DIR] [--timeout SECS] [--format text|json] [--upstream PAGE.md|URL...]
       cargo xtask spec diff  [--format text|json] OLD.json NEW.json
       cargo xtask bench [--quick]        (see BENCHMARKS.md)
exit codes: 0 no change, 1 only non-breaking changes, 2 a breaking change, 3 error";

/// Options and operands of one command line.
#[derive(Debug, Default)]
struct Arguments {
    root: Option<PathBuf>,
    timeout: Option<Duration>,
    format: Option<Format>,
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
        "sync" => &["--root", "--timeout", "--upstream"],
        "check" => &["--root", "--timeout", "--format", "--upstream"],
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
            parsed.operands.push(arg.clone());
            continue;
        }
        if !allowed.contains(&arg.as_str()) {
            return Err(format!("unknown option `{arg}` for this command\n{USAGE}"));
        }
        if arg == "--upstream" {
            continue; // marks the operands that follow as pages; they are operands anyway
        }
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
            _ => unreachable!("every allowed option with a value is matched"),
        }
    }
    Ok(parsed)
}

fn sync(repo: &Repo, sources: &[String], timeout: Duration) -> Result<u8, String> {
    for path in spec::sync(repo, sources, timeout)? {
        let shown = path.strip_prefix(&repo.root).unwrap_or(&path);
        println!("wrote {}", shown.display());
    }
    Ok(0)
}

fn check(repo: &Repo, sources: &[String], timeout: Duration, format: Format) -> Result<u8, String> {
    match spec::check(repo, sources, timeout)? {
        Checked::Identical => {
            if format == Format::Json {
                print!("{}", report::render(&Diff::default(), format));
            }
            eprintln!("{VENDORED} equals the merge of the upstream pages");
            Ok(0)
        }
        Checked::Differs(diff) => {
            print!("{}", report::render(&diff, format));
            if diff.changes.is_empty() {
                eprintln!(
                    "{VENDORED} differs from the merge of the upstream pages only in formatting or key order; run `cargo xtask spec sync`"
                );
                return Ok(1);
            }
            eprintln!(
                "{VENDORED} differs from the merge of the upstream pages (changes above, vendored → upstream); \
                 run `cargo xtask spec sync`, then review `git diff` and the API surface snapshot"
            );
            Ok(diff.exit_code())
        }
    }
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
