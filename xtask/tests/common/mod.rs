//! What the command-line tests share: running the real binary within a time limit, scratch
//! repositories, upstream pages with edited blocks, and an upstream server on 127.0.0.1.
#![allow(dead_code)] // each test file uses its own part

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const VENDORED_TEXT: &str = include_str!("../../../openapi/partners-v2.json");
pub const PAGE: &str = include_str!("../../../openapi/upstream/partner-management.md");
pub const MANIFEST_TEXT: &str = include_str!("../../../openapi/upstream/manifest.json");
/// Where the snapshot of [`PAGE`] lives under a reference root.
pub const PAGE_PATH: &str = "/partner/partner-api/api-reference/partner-management.md";
/// Longest any one run of the tool may take before the test kills it and fails.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

/// Runs the xtask binary within [`RUN_LIMIT`].
pub fn xtask(args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args);
    run(command)
}

/// Runs `command` with no input, killing it (by its child handle) if it outlives
/// [`RUN_LIMIT`].
pub fn run(mut command: Command) -> Run {
    let what = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} starts: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > RUN_LIMIT {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("{what} ran longer than {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        took: started.elapsed(),
    }
}

/// A scratch repository holding the vendored spec, the upstream page and the manifest, as a
/// fresh clone does.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("openapi/upstream")).unwrap();
        let scratch = Scratch { dir };
        scratch.write("openapi/partners-v2.json", VENDORED_TEXT);
        scratch.write("openapi/upstream/partner-management.md", PAGE);
        scratch.write("openapi/upstream/manifest.json", MANIFEST_TEXT);
        scratch
    }

    pub fn root(&self) -> &str {
        self.dir.path().to_str().unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn vendored(&self) -> PathBuf {
        self.path("openapi/partners-v2.json")
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    /// Writes `text` to `name` (from the root); returns the full path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.path(name)).unwrap();
    }

    pub fn manifest(&self) -> Value {
        serde_json::from_str(&self.read("openapi/upstream/manifest.json")).unwrap()
    }

    pub fn edit_manifest(&self, edit: impl FnOnce(&mut Value)) {
        let mut manifest = self.manifest();
        edit(&mut manifest);
        let mut text = serde_json::to_string_pretty(&manifest).unwrap();
        text.push('\n');
        self.write("openapi/upstream/manifest.json", &text);
    }

    /// Points the manifest at `base` instead of docs.360dialog.com: its index, its reference
    /// prefix and every page URL.
    pub fn point_manifest_at(&self, base: &str) {
        self.edit_manifest(|manifest| {
            let text = manifest
                .to_string()
                .replace("https://docs.360dialog.com", base);
            *manifest = serde_json::from_str(&text).unwrap();
        });
    }

    pub fn edit_vendored(&self, edit: impl FnOnce(&mut Value)) {
        let mut spec: Value = serde_json::from_str(VENDORED_TEXT).unwrap();
        edit(&mut spec);
        let mut text = serde_json::to_string_pretty(&spec).unwrap();
        text.push('\n');
        std::fs::write(self.vendored(), text).unwrap();
    }
}

/// The upstream page's OpenAPI blocks, each edited, rendered back into a page.
pub fn page_with_edited_blocks(edit: impl Fn(usize, &mut Value)) -> String {
    let mut page = String::from("# Partner Management\n\n");
    for (i, mut block) in page_blocks().into_iter().enumerate() {
        edit(i, &mut block);
        page += &format!("## Operation {i}\n\n```json\n{block}\n```\n\n");
    }
    page
}

/// The OpenAPI blocks of [`PAGE`].
pub fn page_blocks() -> Vec<Value> {
    PAGE.lines()
        .filter(|line| line.starts_with("{\"openapi\""))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

pub fn partner_out(block: &mut Value) -> &mut Value {
    &mut block["components"]["schemas"]["PartnerOut"]
}

/// What the upstream server answers on one path.
#[derive(Clone)]
pub enum Reply {
    /// A status line's status (`200 OK`) and a body.
    Answer(&'static str, String),
    /// Reads the request and never answers, until the server stops.
    Hang,
}

pub fn ok(body: &str) -> Reply {
    Reply::Answer("200 OK", body.to_string())
}

/// An HTTP server on 127.0.0.1 (a free port), one thread per connection, answering each path as
/// told and 404 otherwise. Dropping it stops it: hanging answers end, threads are joined.
pub struct Upstream {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    stopping: Arc<(Mutex<bool>, Condvar)>,
    requests: Arc<Mutex<Vec<String>>>,
    acceptor: Option<JoinHandle<()>>,
}

impl Upstream {
    pub fn start() -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let stopping: Arc<(Mutex<bool>, Condvar)> = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let acceptor = {
            let (routes, stopping, requests) = (routes.clone(), stopping.clone(), requests.clone());
            std::thread::spawn(move || {
                let mut connections = Vec::new();
                for stream in listener.incoming() {
                    if *stopping.0.lock().unwrap() {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (routes, stopping, requests) =
                        (routes.clone(), stopping.clone(), requests.clone());
                    connections.push(std::thread::spawn(move || {
                        answer(stream, &routes, &stopping, &requests)
                    }));
                }
                for connection in connections {
                    connection.join().unwrap();
                }
            })
        };
        Upstream {
            base,
            routes,
            stopping,
            requests,
            acceptor: Some(acceptor),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn serve(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }

    /// The paths requested so far, in arrival order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer(
    stream: TcpStream,
    routes: &Mutex<HashMap<String, Reply>>,
    stopping: &(Mutex<bool>, Condvar),
    requests: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return; // the wake-up connection of `drop`, or a client that gave up
    }
    let mut header = String::new();
    while reader.read_line(&mut header).unwrap_or(0) > 2 {
        header.clear();
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string();
    requests.lock().unwrap().push(path.clone());
    let reply = routes.lock().unwrap().get(&path).cloned();
    let (status, body) = match reply {
        Some(Reply::Answer(status, body)) => (status, body),
        None => ("404 Not Found", "not found".to_string()),
        Some(Reply::Hang) => {
            let (lock, wake) = stopping;
            let stopped = lock.lock().unwrap();
            let _ = wake
                .wait_timeout_while(stopped, RUN_LIMIT, |stopped| !*stopped)
                .unwrap();
            return;
        }
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/markdown\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = (&stream).write_all(response.as_bytes());
}

impl Drop for Upstream {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stopping;
        *lock.lock().unwrap() = true;
        wake.notify_all();
        // Wakes the acceptor, which then sees the flag and joins the connection threads.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.join().unwrap();
        }
    }
}

/// A URL on 127.0.0.1 that nobody listens on (a port just freed).
pub fn refused_url(path: &str) -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}{path}")
}

/// An OpenAPI block shaped like the reference's: the partner page's `info`, `servers`,
/// `security` and security schemes, with `tag`, `schemas` and the rest (`paths`, `webhooks`)
/// of its own.
pub fn block_like_upstream(tag: &str, schemas: Value, rest: Value) -> Value {
    let partner = &page_blocks()[0];
    let mut block = serde_json::json!({
        "openapi": partner["openapi"],
        "info": partner["info"],
        "tags": [{"name": tag, "description": format!("Endpoints for {tag}")}],
        "servers": partner["servers"],
        "security": partner["security"],
        "components": {
            "securitySchemes": partner["components"]["securitySchemes"],
            "schemas": schemas,
        },
    });
    for (key, value) in rest.as_object().unwrap() {
        block[key] = value.clone();
    }
    block
}

/// A page as docs.360dialog.com serves it: the index header line, a title, one section per
/// block, and an example payload block (which is not an OpenAPI document) at the end.
pub fn page_like_upstream(title: &str, slug: &str, blocks: &[Value]) -> String {
    let mut page = format!(
        "> For the complete documentation index, see [llms.txt](https://docs.360dialog.com/partner/llms.txt). \
         Markdown versions of documentation pages are available by appending `.md` to page URLs; this page is \
         available as [Markdown](https://docs.360dialog.com/partner/partner-api/api-reference/{slug}.md).\n\n\
         # {title}\n\n"
    );
    for (i, block) in blocks.iter().enumerate() {
        page += &format!("## Operation {i}\n\n> What it does.\n\n```json\n{block}\n```\n\n");
    }
    page += "## Example payload\n\n```json\n{\"id\": \"example-01\"}\n```\n";
    page
}

/// A channel list operation and its `ChannelOut` schema, in a page of its own.
pub fn channel_block(status_values: &[&str]) -> Value {
    block_like_upstream(
        "Channel Management",
        serde_json::json!({
            "ChannelOut": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "description": "Channel ID"},
                    "status": {"type": "string", "enum": status_values},
                },
                "additionalProperties": false
            }
        }),
        serde_json::json!({"paths": {"/api/v2/partners/{partner_id}/channels": {"get": {
            "tags": ["Channel Management"],
            "operationId": "get_channel_management_docs_api_list_channels",
            "parameters": [{"in": "path", "name": "partner_id", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Successful response", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/ChannelOut"}}
            }}}}
        }}}}),
    )
}

pub fn channel_page(status_values: &[&str]) -> String {
    page_like_upstream(
        "Channel Management",
        "channel-management",
        &[channel_block(status_values)],
    )
}

/// A `channelCreated` webhook and its payload schema, without `paths`.
pub fn webhook_block(payload_properties: Value) -> Value {
    block_like_upstream(
        "Webhook Management",
        serde_json::json!({
            "ChannelCreatedEvent": {"type": "object", "properties": payload_properties, "additionalProperties": false}
        }),
        serde_json::json!({"webhooks": {"channelCreated": {"post": {
            "summary": "Channel Created",
            "requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ChannelCreatedEvent"}
            }}},
            "responses": {"200": {"description": "Return a 200 status to acknowledge the event"}}
        }}}}),
    )
}

/// `entry`'s `taken` is an RFC 3339 time no earlier than `before` (to the second) and not in
/// the future.
#[track_caller]
pub fn assert_taken_since(entry: &Value, before: std::time::SystemTime) {
    let taken = humantime::parse_rfc3339(entry["taken"].as_str().unwrap()).unwrap();
    let second = std::time::Duration::from_secs(1);
    assert!(
        taken + second >= before && taken <= std::time::SystemTime::now(),
        "{entry}"
    );
}
