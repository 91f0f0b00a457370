//! The real `xtask` binary: exit codes and output of `spec sync`, `spec check` and `spec diff`
//! on scratch repositories, mutated upstream pages, and pages served from 127.0.0.1.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const VENDORED_TEXT: &str = include_str!("../../openapi/partners-v2.json");
const PAGE: &str = include_str!("../../openapi/upstream/partner-management.md");
/// Longest any one run of the tool may take before the test kills it and fails.
const RUN_LIMIT: Duration = Duration::from_secs(60);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the xtask binary, killing it (by its child handle) if it outlives [`RUN_LIMIT`].
fn xtask(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the xtask binary starts");
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
            panic!("xtask {args:?} ran longer than {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// A scratch repository holding the vendored spec and the upstream page, as a fresh clone does.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("openapi/upstream")).unwrap();
        std::fs::write(dir.path().join("openapi/partners-v2.json"), VENDORED_TEXT).unwrap();
        std::fs::write(
            dir.path().join("openapi/upstream/partner-management.md"),
            PAGE,
        )
        .unwrap();
        Scratch { dir }
    }

    fn root(&self) -> &str {
        self.dir.path().to_str().unwrap()
    }

    fn vendored(&self) -> PathBuf {
        self.dir.path().join("openapi/partners-v2.json")
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }

    fn edit_vendored(&self, edit: impl FnOnce(&mut Value)) {
        let mut spec: Value = serde_json::from_str(VENDORED_TEXT).unwrap();
        edit(&mut spec);
        let mut text = serde_json::to_string_pretty(&spec).unwrap();
        text.push('\n');
        std::fs::write(self.vendored(), text).unwrap();
    }
}

/// The upstream page's OpenAPI blocks, each edited, rendered back into a page.
fn page_with_edited_blocks(edit: impl Fn(usize, &mut Value)) -> String {
    let mut page = String::from("# Partner Management\n\n");
    let blocks = PAGE
        .lines()
        .filter(|line| line.starts_with("{\"openapi\""))
        .enumerate();
    for (i, line) in blocks {
        let mut block: Value = serde_json::from_str(line).unwrap();
        edit(i, &mut block);
        page += &format!("## Operation {i}\n\n```json\n{block}\n```\n\n");
    }
    page
}

fn partner_out(block: &mut Value) -> &mut Value {
    &mut block["components"]["schemas"]["PartnerOut"]
}

#[test]
fn check_passes_on_this_repository_offline() {
    let run = xtask(&["spec", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "openapi/partners-v2.json equals the merge of the upstream pages\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn check_fails_when_the_vendored_file_is_edited_by_hand() {
    let repo = Scratch::new();
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);

    // A field added by hand: syncing would remove it again, which breaks users.
    repo.edit_vendored(|spec| {
        spec["components"]["schemas"]["PartnerOut"]["properties"]["hand_made"] =
            json!({"type": "string"});
    });
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with(
        "BREAKING      response_property_removed  GET /api/v2/partners/{partner_id} response 200 $.hand_made\n"
    ), "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("2 changes: 2 breaking, 0 non-breaking\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("run `cargo xtask spec sync`"),
        "{}",
        run.stderr
    );

    // A field removed by hand: syncing adds it back, which is non-breaking.
    repo.edit_vendored(|spec| {
        let properties = &mut spec["components"]["schemas"]["PatchPartnerIn"]["properties"];
        properties.as_object_mut().unwrap().remove("webhook_url");
    });
    let run = xtask(&["spec", "check", "--root", repo.root(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["changes"],
        json!([{
            "kind": "request_property_added_optional",
            "location": "PATCH /api/v2/partners/{partner_id} request body $.webhook_url",
            "detail": "string",
            "breaking": false,
            "why": "a new `Option` field; `..Default::default()` and the type's builder keep compiling"
        }])
    );
}

#[test]
fn check_fails_when_only_the_formatting_was_edited() {
    let repo = Scratch::new();
    let compact: Value = serde_json::from_str(VENDORED_TEXT).unwrap();
    std::fs::write(repo.vendored(), compact.to_string()).unwrap();
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "no changes\n");
    assert!(
        run.stderr.contains("only in formatting or key order"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_against_a_page_whose_json_block_changed_prints_the_classified_difference() {
    let repo = Scratch::new();
    let page = repo.write(
        "changed.md",
        &page_with_edited_blocks(|_, block| {
            partner_out(block)["properties"]["timezone"] = json!({"type": "string"});
        }),
    );
    let run = xtask(&["spec", "check", "--root", repo.root(), "--upstream", &page]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let listed: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        listed,
        [
            "non-breaking  response_property_added  GET /api/v2/partners/{partner_id} response 200 $.timezone",
            "non-breaking  response_property_added  PATCH /api/v2/partners/{partner_id} response 200 $.timezone",
            "2 changes: 0 breaking, 2 non-breaking",
        ]
    );
}

#[test]
fn a_page_with_a_conflicting_fragment_is_an_error_naming_the_component() {
    let repo = Scratch::new();
    let page = repo.write(
        "conflict.md",
        &page_with_edited_blocks(|i, block| {
            if i == 1 {
                partner_out(block)["properties"]["id"]["type"] = json!("integer");
            }
        }),
    );
    for command in ["check", "sync"] {
        let run = xtask(&["spec", command, "--root", repo.root(), "--upstream", &page]);
        assert_eq!(run.code, 3, "{command}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            "error: /components/schemas/PartnerOut: two fragments define this differently; upstream pages disagree\n",
            "{command}"
        );
    }
    // sync wrote nothing.
    assert_eq!(
        std::fs::read_to_string(repo.vendored()).unwrap(),
        VENDORED_TEXT
    );
}

#[test]
fn a_page_without_a_json_block_is_an_error_naming_the_page() {
    let repo = Scratch::new();
    let page = repo.write("empty.md", "# Partner Management\n\nNo blocks here.\n");
    let run = xtask(&["spec", "check", "--root", repo.root(), "--upstream", &page]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        format!("error: {page}: the page has no ```json OpenAPI block\n")
    );
}

#[test]
fn sync_rewrites_the_vendored_file_byte_for_byte() {
    let repo = Scratch::new();
    std::fs::write(repo.vendored(), "{}").unwrap();
    let run = xtask(&["spec", "sync", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "wrote openapi/partners-v2.json\n");
    assert_eq!(
        std::fs::read_to_string(repo.vendored()).unwrap(),
        VENDORED_TEXT
    );
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);
}

#[test]
fn diff_exit_codes_follow_the_classification() {
    let repo = Scratch::new();
    let old = repo.vendored();
    let old = old.to_str().unwrap();
    let mut spec: Value = serde_json::from_str(VENDORED_TEXT).unwrap();
    let reordered = repo.write("reordered.json", &spec.to_string());
    spec["components"]["schemas"]["PartnerOut"]["properties"]["timezone"] =
        json!({"type": "string"});
    let added = repo.write("added.json", &spec.to_string());
    spec["components"]["schemas"]["PartnerOut"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    let removed = repo.write("removed.json", &spec.to_string());

    let run = xtask(&["spec", "diff", old, &reordered]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "no changes\n"));
    assert_eq!(xtask(&["spec", "diff", old, &added]).code, 1);
    let run = xtask(&["spec", "diff", "--format", "json", old, &removed]);
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (report["breaking"].clone(), report["non_breaking"].clone()),
        (json!(2), json!(2))
    );
}

#[test]
fn bad_input_exits_3_naming_what_was_wrong() {
    let repo = Scratch::new();
    let not_json = repo.write("broken.json", "{ not json");
    let vendored = repo.vendored();
    let vendored = vendored.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["spec", "frobnicate"],
            "error: unknown command `spec frobnicate`\nusage:",
        ),
        (
            &["spec", "diff", vendored],
            "error: `spec diff` takes two files",
        ),
        (
            &["spec", "diff", "--root", "x", vendored, vendored],
            "error: unknown option `--root`",
        ),
        (
            &["spec", "diff", "--format", "yaml", vendored, vendored],
            "error: unknown format `yaml`",
        ),
        (
            &["spec", "diff", vendored, "/nonexistent/new.json"],
            "error: cannot read /nonexistent/new.json: ",
        ),
        (
            &["spec", "diff", vendored, &not_json],
            &format!("error: {not_json} is not JSON: "),
        ),
        (
            &["spec", "check", "--timeout", "0"],
            "error: `--timeout 0`: expected seconds > 0",
        ),
    ];
    for (args, expected) in cases {
        let run = xtask(args);
        assert_eq!(run.code, 3, "{args:?}");
        assert!(run.stderr.starts_with(expected), "{args:?}: {}", run.stderr);
    }
}

/// A one-connection HTTP server on 127.0.0.1: answers `response` (or, with `None`, reads the
/// request and never answers until the returned sender is dropped).
fn serve_once(response: Option<String>) -> (String, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 2 {
            line.clear();
        }
        match response {
            Some(response) => stream.write_all(response.as_bytes()).unwrap(),
            None => {
                let _ = stopped.recv_timeout(RUN_LIMIT);
            }
        }
    });
    (format!("http://{address}"), stop)
}

fn http_response(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/markdown\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn sync_from_a_url_writes_the_spec_and_the_page_snapshot() {
    let repo = Scratch::new();
    std::fs::remove_file(
        repo.dir
            .path()
            .join("openapi/upstream/partner-management.md"),
    )
    .unwrap();
    std::fs::write(repo.vendored(), "{}").unwrap();
    let (base, _stop) = serve_once(Some(http_response("200 OK", PAGE)));
    let url = format!("{base}/partner/partner-management.md");
    let run = xtask(&["spec", "sync", "--root", repo.root(), &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "wrote openapi/partners-v2.json\nwrote openapi/upstream/partner-management.md\n"
    );
    assert_eq!(
        std::fs::read_to_string(repo.vendored()).unwrap(),
        VENDORED_TEXT
    );
    let snapshot = Path::new(repo.root()).join("openapi/upstream/partner-management.md");
    assert_eq!(std::fs::read_to_string(snapshot).unwrap(), PAGE);
}

#[test]
fn a_url_that_answers_with_an_error_status_fails_naming_it() {
    let (base, _stop) = serve_once(Some(http_response("404 Not Found", "gone")));
    let url = format!("{base}/missing.md");
    let run = xtask(&["spec", "check", "--upstream", &url]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        format!("error: cannot fetch {url}: HTTP status 404\n")
    );
}

#[test]
fn a_url_that_never_answers_fails_after_the_timeout() {
    let (base, _stop) = serve_once(None);
    let url = format!("{base}/slow.md");
    let run = xtask(&["spec", "check", "--timeout", "1", "--upstream", &url]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        format!("error: cannot fetch {url}: no complete answer within 1s (is there a network?)\n")
    );
}

#[test]
fn a_url_nobody_listens_on_fails_at_once() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/page.md");
    let repo = Scratch::new();
    let run = xtask(&["spec", "sync", "--root", repo.root(), "--upstream", &url]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .starts_with(&format!("error: cannot fetch {url}: ")),
        "{}",
        run.stderr
    );
}
