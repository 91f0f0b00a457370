//! `d360 webhook listen` under attack (release): 2,000 connections at once, each sending a 1 MiB
//! body behind a well-formed but false signature (so the listener has to read the body to
//! refuse it), while one real, signed delivery is made with `d360 webhook send`. Records the
//! listener's peak resident memory (sampled from `/proc`, and its `VmHWM`), how long the real
//! delivery took and what it was answered, and how the attack's requests were answered.

use super::Summary;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 2_000;
const BODY_BYTES: usize = 1 << 20;
const SECRET: &str = "bench-platform-secret";
/// How long the attack runs before the real delivery is made.
const HEAD_START: Duration = Duration::from_millis(1_500);

/// Builds `d360` in release, attacks a listener, records the figures.
pub fn measure(root: &Path, summary: &mut Summary) -> Result<(), String> {
    let d360 = super::run::release_d360(root)?;
    let mut listener = Listener::start(&d360)?;
    let address = listener.address;
    let result = attack(&d360, address, listener.child.id());
    listener.stop();
    let figures = result?;
    summary.add("listener_attack_connections", CONNECTIONS);
    summary.add("listener_attack_body_mib", BODY_BYTES >> 20);
    summary.add("listener_attack_peak_rss_mib", figures.peak_rss_kib / 1024);
    summary.add(
        "listener_attack_delivery_s",
        format!("{:.2}", figures.delivery.as_secs_f64()),
    );
    summary.add("listener_attack_delivery_exit", figures.delivery_exit);
    summary.add("listener_attack_answered_401", figures.answered[0]);
    summary.add("listener_attack_answered_503", figures.answered[1]);
    summary.add("listener_attack_answered_other", figures.answered[2]);
    summary.add("listener_attack_unanswered", figures.answered[3]);
    summary.add(
        "listener_attack_s",
        format!("{:.1}", figures.attack.as_secs_f64()),
    );
    Ok(())
}

struct Figures {
    peak_rss_kib: u64,
    delivery: Duration,
    delivery_exit: i32,
    /// 401, 503, another status, no answer.
    answered: [u64; 4],
    attack: Duration,
}

/// The listener process, its output drained so that neither pipe ever blocks it.
struct Listener {
    child: Child,
    address: SocketAddr,
}

impl Listener {
    fn start(d360: &Path) -> Result<Listener, String> {
        let mut child = Command::new(d360)
            .args(["webhook", "listen", "--port", "0"])
            .env_clear()
            .env("D360_PARTNER_PLATFORM_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", d360.display()))?;
        let stdout = child.stdout.take().expect("piped");
        std::thread::spawn(move || std::io::copy(&mut { stdout }, &mut std::io::sink()));
        let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
        let mut first = String::new();
        stderr
            .read_line(&mut first)
            .map_err(|e| format!("reading the listener's stderr: {e}"))?;
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let address = first
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|address| address.parse().ok())
            .ok_or_else(|| format!("the listener said {first:?}"))?;
        Ok(Listener { child, address })
    }

    /// SIGTERM by PID, then wait (killed after 10 s).
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-s", "TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn attack(d360: &Path, address: SocketAddr, pid: u32) -> Result<Figures, String> {
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(status_kib(pid, "VmRSS:").unwrap_or(0));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak.max(status_kib(pid, "VmHWM:").unwrap_or(0))
        })
    };
    let counts: Arc<[AtomicU64; 4]> = Arc::new(Default::default());
    let started = Instant::now();
    let mut attackers = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        let counts = counts.clone();
        let thread = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let slot = match forged_delivery(address) {
                    Some(401) => 0,
                    Some(503) => 1,
                    Some(_) => 2,
                    None => 3,
                };
                counts[slot].fetch_add(1, Ordering::Relaxed);
            })
            .map_err(|e| format!("cannot start an attacking thread: {e}"))?;
        attackers.push(thread);
    }
    std::thread::sleep(HEAD_START);
    // The real delivery, as the hub would make it, in the thick of the attack.
    let sent = Instant::now();
    let delivery = Command::new(d360)
        .args([
            "webhook",
            "send",
            &format!("http://{address}/hook"),
            "--event",
            "channel_running",
        ])
        .env_clear()
        .env("D360_PARTNER_PLATFORM_SECRET", SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run d360 webhook send: {e}"))?;
    let delivery_time = sent.elapsed();
    for attacker in attackers {
        let _ = attacker.join();
    }
    let attack = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let peak_rss_kib = sampler.join().unwrap_or(0);
    Ok(Figures {
        peak_rss_kib,
        delivery: delivery_time,
        delivery_exit: delivery.code().unwrap_or(-1),
        answered: [0, 1, 2, 3].map(|slot| counts[slot].load(Ordering::Relaxed)),
        attack,
    })
}

/// One attacking request: the head, a 1 MiB body behind a false signature, then the answer's
/// status (`None` when there is none: the connection was refused or broke).
fn forged_delivery(address: SocketAddr) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(60)).ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    let head = format!(
        "POST /hook HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n\
         x-360dialog-signature: {}\r\nContent-Length: {BODY_BYTES}\r\nConnection: close\r\n\r\n",
        "0".repeat(64)
    );
    // A refusal may come before the whole body is sent: a failed write is no failure here.
    if stream.write_all(head.as_bytes()).is_ok() {
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..BODY_BYTES / chunk.len() {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
    }
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).ok()?;
    std::str::from_utf8(&answer[9..12]).ok()?.parse().ok()
}

/// A `/proc/PID/status` figure in KiB (`VmRSS:`, `VmHWM:`).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
