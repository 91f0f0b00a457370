//! A loopback HTTP/1.1 server that misbehaves on purpose, one scripted answer per connection:
//! resets, truncated bodies, slow answers, HTML error pages, huge bodies.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with one connection.
#[derive(Clone)]
pub enum Answer {
    /// Reads the request, then resets the connection (RST) without answering.
    Reset,
    /// Answers `status` with `body` and its exact `Content-Length`.
    Status(u16, Vec<u8>),
    /// Answers `status` announcing `Content-Length: announced` but sends only `body`, then closes.
    Truncated {
        status: u16,
        announced: usize,
        body: Vec<u8>,
    },
    /// Waits, then answers like `Status`.
    Slow(Duration, u16, Vec<u8>),
}

impl Answer {
    pub fn json(status: u16, body: &serde_json::Value) -> Answer {
        Answer::Status(status, body.to_string().into_bytes())
    }
}

/// A running server; stops when dropped.
pub struct FaultyServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl FaultyServer {
    /// Serves connection *n* with `script[n]`, and every later one with the script's last answer.
    pub async fn start(script: Vec<Answer>) -> FaultyServer {
        assert!(!script.is_empty(), "a script needs at least one answer");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let answer = script[n.min(script.len() - 1)].clone();
                tokio::spawn(serve(stream, answer));
            }
        });
        FaultyServer {
            port,
            connections,
            task,
        }
    }

    pub fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Connections accepted so far: one per attempt (each answer closes its connection).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, answer: Answer) {
    if read_request(&mut stream).await.is_err() {
        return;
    }
    let _ = match answer {
        Answer::Reset => {
            let _ = stream.set_zero_linger();
            return; // dropping a zero-linger socket sends RST
        }
        Answer::Status(status, body) => {
            write_response(&mut stream, status, body.len(), &body).await
        }
        Answer::Truncated {
            status,
            announced,
            body,
        } => write_response(&mut stream, status, announced, &body).await,
        Answer::Slow(delay, status, body) => {
            tokio::time::sleep(delay).await;
            write_response(&mut stream, status, body.len(), &body).await
        }
    };
}

/// Reads the head and the `Content-Length` body of one request.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map(|value| value.trim().parse().unwrap_or(0))
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Ok(());
            }
        }
    }
}

async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    content_length: usize,
    body: &[u8],
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\ncontent-length: {content_length}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.shutdown().await
}
