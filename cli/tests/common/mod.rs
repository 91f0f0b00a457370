//! Running a command-line binary as a script or a person would: the command line's own tests
//! and the fixture workspace's (`cargo xtask fixture-crate` copies this directory there).

pub mod app;

use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// What one run printed and how it ended.
#[derive(Debug, PartialEq)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A run that succeeded printing `stdout` and nothing on stderr.
#[allow(dead_code)] // the fixture workspace's copy of this module does not use it
pub fn ok(stdout: &str) -> Run {
    Run {
        code: 0,
        stdout: stdout.into(),
        stderr: String::new(),
    }
}

/// A run that exited `code` printing `stderr` and nothing on stdout.
#[allow(dead_code)] // the fixture workspace's copy of this module does not use it
pub fn failed(code: i32, stderr: &str) -> Run {
    Run {
        code,
        stdout: String::new(),
        stderr: stderr.into(),
    }
}

/// Runs `binary args` with only `env` set (so the developer's own variables never leak in),
/// `stdin` piped in; bounded to 60 s, the process killed past it.
pub async fn run(binary: &str, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut child = tokio::process::Command::new(binary)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().unwrap();
    // A command that refuses its arguments exits without reading stdin: a broken pipe here is
    // that exit, which the assertions on its output judge.
    if let Err(e) = input.write_all(stdin.as_bytes()).await {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the binary finishes within 60 s")
        .unwrap();
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The shell command `command` run on a terminal: `script` (util-linux) gives it a
/// pseudo-terminal as stdout and stderr (unless the command redirects them), whose output it
/// returns with CR LF line ends as LF; with only `env` set, bounded to 60 s.
pub async fn on_a_terminal(command: &str, env: &[(&str, &str)]) -> (i32, String) {
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new("script")
            .args(["--quiet", "--return", "--command", command, "/dev/null"])
            .env_clear()
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("finishes within 60 s")
    .expect("script (util-linux) runs");
    let text = String::from_utf8(output.stdout)
        .unwrap()
        .replace("\r\n", "\n");
    (output.status.code().expect("an exit code"), text)
}
