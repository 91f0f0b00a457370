//! Stoplight Prism for the contract tests: installed from `tests/contract/package-lock.json` when
//! missing, started on a free loopback port with the vendored spec, its log captured, and killed
//! by PID when dropped (also when a check panics).

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Set to `1` to skip the contract tests explicitly (they then say so loudly); `0` or unset runs them.
pub const SKIP_ENV: &str = "D360_PARTNER_SKIP_CONTRACT";

/// A cold `npm ci` of Prism took 13–23 s here; the bound leaves room for a slow registry.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);
/// Prism listened within seconds here; the bound leaves room for a loaded 2-core machine.
const START_TIMEOUT: Duration = Duration::from_secs(90);
/// What Prism logs once it accepts requests.
const LISTENING: &str = "Prism is listening on";

const HOW_TO_INSTALL_NODE: &str = "install Node.js 18.20 or newer with npm (Prism 5.14.2's requirement; \
     measured with Node 20), e.g. `apt-get install nodejs npm` or https://nodejs.org, \
     or skip these tests explicitly with D360_PARTNER_SKIP_CONTRACT=1";

/// Whether the contract tests should run, from [`SKIP_ENV`]; a value other than `0`/`1` is refused.
pub fn should_run() -> bool {
    match std::env::var(SKIP_ENV).as_deref() {
        Err(_) | Ok("0") => true,
        Ok("1") => {
            let banner = "!".repeat(78);
            uncaptured(&format!(
                "\n{banner}\nSKIPPED: contract tests against Prism ({SKIP_ENV}=1). \
                 The client was NOT checked against the spec.\n{banner}\n"
            ));
            false
        }
        Ok(other) => panic!("{SKIP_ENV} must be `1` (skip) or `0` (run), not {other:?}"),
    }
}

/// Writes to the process's stderr even while the test harness captures output, so a skip and
/// the suite's summary show in a plain `cargo test`.
pub fn uncaptured(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// The directory holding `package.json` and `package-lock.json`.
fn contract_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contract")
}

/// Prism's entry script, installed at the locked version; runs `npm ci` once per test binary
/// when it is missing or another version is installed.
pub fn installed() -> &'static Path {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    // `get_or_init` makes concurrent callers wait for the one installation.
    match INSTALLED.get_or_init(install) {
        Ok(path) => path,
        Err(message) => panic!("{message}"),
    }
}

fn install() -> Result<PathBuf, String> {
    let dir = contract_dir();
    let package = dir.join("node_modules/@stoplight/prism-cli");
    let wanted = locked_version(&dir.join("package.json"))?;
    let node = run_bounded(
        Command::new("node").arg("--version"),
        Duration::from_secs(30),
    )
    .map_err(|e| {
        format!("the contract tests need Node.js, which did not run ({e}): {HOW_TO_INSTALL_NODE}")
    })?;
    eprintln!("contract: Node {}", node.trim());
    if installed_version(&package).as_deref() != Some(wanted.as_str()) {
        uncaptured(&format!(
            "contract: installing Prism {wanted} with `npm ci` in {}",
            dir.display()
        ));
        let mut npm = Command::new("npm");
        npm.args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir);
        run_bounded(&mut npm, INSTALL_TIMEOUT).map_err(|e| {
            format!(
                "`npm ci` in {} failed: {e}\nTo run the contract tests, {HOW_TO_INSTALL_NODE}",
                dir.display()
            )
        })?;
        let now = installed_version(&package);
        if now.as_deref() != Some(wanted.as_str()) {
            return Err(format!(
                "`npm ci` installed Prism {now:?}, expected {wanted}"
            ));
        }
    }
    Ok(package.join("dist/index.js"))
}

/// The Prism version `package.json` pins.
fn locked_version(package_json: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(package_json)
        .map_err(|e| format!("cannot read {}: {e}", package_json.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", package_json.display()))?;
    json["devDependencies"]["@stoplight/prism-cli"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{} pins no @stoplight/prism-cli", package_json.display()))
}

fn installed_version(package: &Path) -> Option<String> {
    let text = std::fs::read_to_string(package.join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(json["version"].as_str()?.to_string())
}

/// Runs a command to completion within `timeout` (killing it by PID otherwise) and returns its
/// output (stdout and stderr); on failure the error carries its exit status and all its output.
fn run_bounded(command: &mut Command, timeout: Duration) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let output = Arc::new(Mutex::new(String::new()));
    let readers = collect_output(&mut child, &output);
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("did not finish within {timeout:?}; killed"));
            }
            Err(e) => break Err(format!("cannot wait for it: {e}")),
        }
    };
    for reader in readers {
        let _ = reader.join();
    }
    let output = text(&output);
    match status {
        Ok(status) if status.success() => Ok(output),
        Ok(status) => Err(format!("{status}; its output:\n{output}")),
        Err(why) => Err(format!("{why}; its output:\n{output}")),
    }
}

/// Appends each line of the child's stdout and stderr to `output` until the pipes close.
fn collect_output(child: &mut Child, output: &Arc<Mutex<String>>) -> Vec<JoinHandle<()>> {
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child.stdout.take().map(|pipe| Box::new(pipe) as _),
        child.stderr.take().map(|pipe| Box::new(pipe) as _),
    ];
    pipes
        .into_iter()
        .flatten()
        .map(|pipe| {
            let output = Arc::clone(output);
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    let mut output = output.lock().unwrap_or_else(|e| e.into_inner());
                    output.push_str(&line);
                    output.push('\n');
                }
            })
        })
        .collect()
}

fn text(output: &Mutex<String>) -> String {
    output.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// A running Prism mock server; dropping it kills the process by its PID.
pub struct Prism {
    child: Child,
    base_url: String,
    log: Arc<Mutex<String>>,
}

impl Prism {
    /// Starts `prism mock` on 127.0.0.1 with `spec` and waits until it listens.
    pub fn start(spec: &Path) -> Prism {
        let entry = installed();
        let mut last_failure = String::new();
        // A free port can be taken between probing and Prism binding it: try a few.
        for _ in 0..3 {
            let port = free_port();
            match Prism::start_on(entry, spec, port) {
                Ok(prism) => return prism,
                Err(failure) => last_failure = failure,
            }
        }
        panic!(
            "Prism did not start: {last_failure}\nIf Node is older than 18.20, {HOW_TO_INSTALL_NODE}"
        )
    }

    fn start_on(entry: &Path, spec: &Path, port: u16) -> Result<Prism, String> {
        // Without `--errors`: Prism's own generated bodies violate `format: url` and would
        // turn every success into a 500; request violations still get a 400.
        let mut child = Command::new("node")
            .arg(entry)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run node: {e}"))?;
        let log = Arc::new(Mutex::new(String::new()));
        // The readers end when Prism exits and its pipes close.
        collect_output(&mut child, &log);
        let mut prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while !prism.log().contains(LISTENING) {
            if let Ok(Some(status)) = prism.child.try_wait() {
                return Err(format!(
                    "Prism exited with {status}; its log:\n{}",
                    prism.log()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "Prism did not listen within {START_TIMEOUT:?}; its log:\n{}",
                    prism.log()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(prism)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Everything Prism logged so far (stdout and stderr).
    pub fn log(&self) -> String {
        text(&self.log)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // `Child::kill` signals this PID (SIGKILL); `wait` reaps it so no zombie remains.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("no free port on 127.0.0.1")
}
