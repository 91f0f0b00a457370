//! The command line's cost per call: `d360 get-partner` (release) against `curl -s -H
//! 'X-API-Key: …'` on a loopback server, 50 sequential process runs each, interleaved; the
//! ratio is the median of the per-pair ratios. What a run spends besides the request is measured
//! beside it: `d360 --version` (process start and argument parsing) and `d360 get-partner
//! --dry-run` (that, plus the runtime, the client and its TLS configuration, no request).

use super::Summary;
use super::median::median;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

#[path = "../../../benches/request/partner.rs"]
mod partner;

const PAIRS: usize = 50;

/// Builds `d360` in release, starts the server, runs the pairs, records the figures.
pub fn measure(root: &Path, summary: &mut Summary) -> Result<(), String> {
    let curl = Command::new("curl").arg("--version").output();
    if !curl.is_ok_and(|output| output.status.success()) {
        return Err("the command-line benchmark compares with curl, which is not installed (apt-get install curl)".into());
    }
    let d360 = super::run::release_d360(root)?;
    let address = serve()?;
    let base_url = format!("http://{address}");
    let url = format!("{base_url}/api/v2/partners/{}", partner::PARTNER_ID);
    let key_header = format!("X-API-Key: {}", partner::API_KEY);
    let client = |extra: &[&str]| {
        let mut command = Command::new(&d360);
        command
            .args(["get-partner", "--partner-id", partner::PARTNER_ID])
            .args(extra)
            .env_clear()
            .env("D360_PARTNER_API_KEY", partner::API_KEY)
            .env("D360_PARTNER_BASE_URL", &base_url);
        command
    };
    let mut curl = Command::new("curl");
    curl.args(["-s", "-f", "-o", "/dev/null", "-H", &key_header, &url]);
    let mut version = Command::new(&d360);
    version.arg("--version");

    // Warm-up: the binaries and their libraries in the page cache.
    for _ in 0..3 {
        run(&mut client(&[]))?;
        run(&mut curl)?;
    }
    let (mut call, mut baseline, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut start_only, mut dry_run) = (Vec::new(), Vec::new());
    for pair in 0..PAIRS {
        let (mine, theirs) = if pair % 2 == 0 {
            let mine = run(&mut client(&[]))?;
            (mine, run(&mut curl)?)
        } else {
            let theirs = run(&mut curl)?;
            (run(&mut client(&[]))?, theirs)
        };
        call.push(mine);
        baseline.push(theirs);
        ratios.push(mine / theirs);
        start_only.push(run(&mut version)?);
        dry_run.push(run(&mut client(&["--dry-run"]))?);
    }
    summary.add("cli_pairs", PAIRS);
    summary.add("cli_call_ms", format!("{:.2}", median(&call)));
    summary.add("cli_curl_ms", format!("{:.2}", median(&baseline)));
    summary.add("cli_call_ratio", format!("{:.3}", median(&ratios)));
    summary.add("cli_version_ms", format!("{:.2}", median(&start_only)));
    summary.add("cli_dry_run_ms", format!("{:.2}", median(&dry_run)));
    Ok(())
}

/// Runs one process to completion, its output discarded; milliseconds of wall time.
fn run(command: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let took = started.elapsed().as_secs_f64() * 1e3;
    if !status.success() {
        return Err(format!("{command:?} failed ({status})"));
    }
    Ok(took)
}

/// A loopback HTTP/1.1 server on its own thread answering every request with the partner body
/// (401 without the key), one request per connection, as a process making one call opens one.
fn serve() -> Result<std::net::SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot bind a loopback port: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream);
        }
    });
    Ok(address)
}

fn answer(mut stream: TcpStream) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buffer = [0; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
    let authorized = head.contains(&format!(
        "x-api-key: {}",
        partner::API_KEY.to_ascii_lowercase()
    ));
    let (status, body) = if authorized {
        ("200 OK", partner::PARTNER_BODY)
    } else {
        (
            "401 Unauthorized",
            r#"{"meta":{"developer_message":"no key","http_code":401,"success":false}}"#,
        )
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}
