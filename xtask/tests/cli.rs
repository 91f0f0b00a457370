//! The real `xtask` binary offline and on pages given on the command line: exit codes and
//! output of `spec sync`, `spec check` and `spec diff` on scratch repositories, mutated
//! upstream pages, pages served from 127.0.0.1, and the manifest of the snapshots.

use crate::common;

use common::*;
use serde_json::{Value, json};

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
            format!(
                "error: /components/schemas/PartnerOut: {page} block 1 (line 5) and {page} block 2 (line 11) define this differently\n"
            ),
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
            "error: unrecognized subcommand 'frobnicate'\n\nUsage: cargo xtask spec <COMMAND>",
        ),
        (
            &["spec", "diff", vendored],
            "error: the following required arguments were not provided:\n  <NEW.json>",
        ),
        (
            &["spec", "diff", "--root", "x", vendored, vendored],
            "error: unexpected argument '--root' found",
        ),
        (
            &["spec", "diff", "--format", "yaml", vendored, vendored],
            "error: invalid value 'yaml' for '--format <FORMAT>'\n  [possible values: text, json]",
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
            "error: invalid value '0' for '--timeout <SECS>': `0`: expected seconds > 0",
        ),
        (
            &["spec", "sync", "--add", "https://d/x.md"],
            "error: the following required arguments were not provided:\n  --live",
        ),
        (
            &["spec", "sync", "--live", "--add"],
            "error: a value is required for '--add <URL>...' but none was supplied",
        ),
        (
            &["spec", "check", "--add", "https://d/x.md"],
            "error: unexpected argument '--add' found",
        ),
        (
            &["spec", "check", "--live", "https://d/x.md"],
            "error: the argument '--live' cannot be used with '[PAGE.md|URL]...'",
        ),
        (
            &["spec", "check", "--live", "--upstream", "https://d/x.md"],
            "error: the argument '--live' cannot be used with:\n  --upstream",
        ),
        (
            &["spec", "check", "--live", "--format", "json"],
            "error: `--live` reports in text only; `--format json` is for `check` and `diff`",
        ),
    ];
    for (args, expected) in cases {
        let run = xtask(args);
        assert_eq!(run.code, 3, "{args:?}");
        assert!(run.stderr.starts_with(expected), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn help_prints_the_usage_and_exits_0() {
    let run = xtask(&["spec", "--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Usage: cargo xtask spec <COMMAND>"),
        "{}",
        run.stdout
    );
    for command in ["sync", "check", "diff"] {
        assert!(
            run.stdout.contains(&format!("  {command} ")),
            "{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains(
        "Exit codes: 0 no change, 1 only non-breaking changes, 2 a breaking change, 3 error."
    ));
    let run = xtask(&["--help"]);
    assert_eq!(run.code, 0);
    for command in ["spec", "bench", "fixture-crate"] {
        assert!(
            run.stdout.contains(&format!("  {command} ")),
            "{}",
            run.stdout
        );
    }
    let run = xtask(&["spec", "check", "--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("--live"), "{}", run.stdout);
}

/// A one-connection HTTP server on 127.0.0.1: answers `response` (or, with `None`, reads the
/// request and never answers until the returned sender is dropped).

#[test]
fn sync_from_a_url_writes_the_spec_the_page_snapshot_and_its_manifest_entry() {
    let repo = Scratch::new();
    repo.remove("openapi/upstream/partner-management.md");
    repo.edit_manifest(|m| m["pages"] = json!({}));
    std::fs::write(repo.vendored(), "{}").unwrap();
    let upstream = Upstream::start();
    upstream.serve("/partner/partner-management.md", ok(PAGE));
    let url = upstream.url("/partner/partner-management.md");
    let before = std::time::SystemTime::now();
    let run = xtask(&["spec", "sync", "--root", repo.root(), &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "wrote openapi/partners-v2.json\nwrote openapi/upstream/partner-management.md\nwrote openapi/upstream/manifest.json\n"
    );
    assert_eq!(repo.read("openapi/partners-v2.json"), VENDORED_TEXT);
    assert_eq!(repo.read("openapi/upstream/partner-management.md"), PAGE);
    let entry = &repo.manifest()["pages"]["partner-management.md"];
    assert_eq!(entry["url"], json!(url));
    assert_taken_since(entry, before);
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);
}

#[test]
fn a_url_that_answers_with_an_error_status_fails_naming_it() {
    let upstream = Upstream::start();
    let url = upstream.url("/missing.md");
    let run = xtask(&["spec", "check", "--upstream", &url]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        format!("error: cannot fetch {url}: HTTP status 404\n")
    );
}

#[test]
fn a_url_that_never_answers_fails_after_the_timeout() {
    let upstream = Upstream::start();
    upstream.serve("/slow.md", Reply::Hang);
    let url = upstream.url("/slow.md");
    let run = xtask(&["spec", "check", "--timeout", "1", "--upstream", &url]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        format!("error: cannot fetch {url}: no complete answer within 1s (is there a network?)\n")
    );
    assert!(
        run.took < std::time::Duration::from_secs(10),
        "{:?}",
        run.took
    );
}

#[test]
fn a_url_nobody_listens_on_fails_at_once() {
    let url = refused_url("/page.md");
    let repo = Scratch::new();
    let run = xtask(&["spec", "sync", "--root", repo.root(), "--upstream", &url]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        format!("error: cannot fetch {url}: connection refused\n")
    );
    assert_eq!(repo.read("openapi/partners-v2.json"), VENDORED_TEXT);
}

/// Adds a second snapshot with its manifest entry.
fn add_snapshot(repo: &Scratch, name: &str, text: &str) {
    repo.write(&format!("openapi/upstream/{name}"), text);
    repo.edit_manifest(|m| {
        m["pages"][name] = json!({
            "url": format!("https://docs.360dialog.com/partner/partner-api/api-reference/{name}"),
            "taken": "2026-11-30T08:00:00Z"
        });
    });
}

#[test]
fn check_and_sync_fail_when_the_manifest_and_the_snapshots_disagree() {
    let repo = Scratch::new();
    repo.write(
        "openapi/upstream/channel-management.md",
        &channel_page(&["ready"]),
    );
    repo.edit_manifest(|m| {
        m["pages"]["whatsapp-flows.md"] = json!({
            "url": "https://docs.360dialog.com/partner/partner-api/api-reference/whatsapp-flows.md",
            "taken": "2026-11-30T08:00:00Z"
        });
    });
    std::fs::write(repo.vendored(), "{}").unwrap();
    for command in ["check", "sync"] {
        let run = xtask(&["spec", command, "--root", repo.root()]);
        assert_eq!((run.code, run.stdout.as_str()), (3, ""), "{command}");
        assert_eq!(
            run.stderr,
            "error: openapi/upstream/manifest.json does not match the snapshots:\n  \
             openapi/upstream/channel-management.md has no entry\n  \
             the entry whatsapp-flows.md has no snapshot openapi/upstream/whatsapp-flows.md\n\
             every snapshot needs its page's URL and when it was taken; \
             `cargo xtask spec sync --live --add URL` records both\n",
            "{command}"
        );
    }
    assert_eq!(repo.read("openapi/partners-v2.json"), "{}");
}

#[test]
fn check_fails_without_a_manifest_or_with_a_broken_one() {
    let repo = Scratch::new();
    repo.remove("openapi/upstream/manifest.json");
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.starts_with("error: cannot read openapi/upstream/manifest.json: ")
            && run.stderr.ends_with(
                "; it records each snapshot's URL and when it was taken (CONTRIBUTING.md, \"Updating the spec\")\n"
            ),
        "{}",
        run.stderr
    );
    repo.write("openapi/upstream/manifest.json", MANIFEST_TEXT);
    repo.edit_manifest(|m| {
        m["pages"]["partner-management.md"]["url"] =
            json!("https://docs.360dialog.com/partner/partner-management")
    });
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.stderr,
        "error: openapi/upstream/manifest.json:\n  partner-management.md: \
         https://docs.360dialog.com/partner/partner-management is not a page URL in the `.md` form \
         (like https://docs.360dialog.com/partner/partner-api/api-reference/partner-management.md)\n"
    );
}

#[test]
fn the_manifest_of_this_repository_names_every_snapshot_with_its_md_url() {
    let manifest: Value = serde_json::from_str(MANIFEST_TEXT).unwrap();
    assert_eq!(
        manifest,
        json!({
            "index": "https://docs.360dialog.com/partner/llms.txt",
            "reference": "https://docs.360dialog.com/partner/partner-api/api-reference/",
            "pages": {"partner-management.md": {
                "url": "https://docs.360dialog.com/partner/partner-api/api-reference/partner-management.md",
                // When the snapshot was first committed.
                "taken": "2026-11-23T20:01:47Z"
            }}
        })
    );
}

#[test]
fn a_json_block_that_is_no_openapi_document_is_skipped_with_a_notice() {
    let repo = Scratch::new();
    let page = format!("{PAGE}\n## Example\n\n```json\n{{\"partner_id\": \"abc\"}}\n```\n");
    let line = page.lines().count() - 2;
    repo.write("openapi/upstream/partner-management.md", &page);
    let notice = format!(
        "notice: openapi/upstream/partner-management.md block 3 (line {line}): not an OpenAPI document, skipped\n"
    );
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("{notice}openapi/partners-v2.json equals the merge of the upstream pages\n")
    );
    let run = xtask(&["spec", "sync", "--root", repo.root()]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert_eq!(run.stderr, notice);
}

#[test]
fn a_page_without_the_index_header_line_merges() {
    let repo = Scratch::new();
    let (header, rest) = PAGE.split_once('\n').unwrap();
    assert!(header.starts_with("> For the complete documentation index"));
    repo.write("openapi/upstream/partner-management.md", rest);
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn two_pages_defining_one_component_differently_fail_sync_naming_both_and_the_pointer() {
    let repo = Scratch::new();
    // A second page whose copy of the shared error schema has drifted.
    let mut block = channel_block(&["ready"]);
    let shared = page_blocks()[0]["components"]["schemas"]["DefaultValidationError"].clone();
    block["components"]["schemas"]["DefaultValidationError"] = shared;
    block["components"]["schemas"]["DefaultValidationError"]["description"] = json!("drifted");
    add_snapshot(
        &repo,
        "channel-management.md",
        &page_like_upstream("Channel Management", "channel-management", &[block]),
    );
    for command in ["sync", "check"] {
        let run = xtask(&["spec", command, "--root", repo.root()]);
        assert_eq!((run.code, run.stdout.as_str()), (3, ""), "{command}");
        assert_eq!(
            run.stderr,
            "error: /components/schemas/DefaultValidationError: \
             openapi/upstream/channel-management.md block 1 (line 9) and \
             openapi/upstream/partner-management.md block 1 (line 11) define this differently\n",
            "{command}"
        );
    }
    assert_eq!(repo.read("openapi/partners-v2.json"), VENDORED_TEXT);
}

#[test]
fn a_second_page_merges_and_its_example_payload_is_noted() {
    let repo = Scratch::new();
    add_snapshot(&repo, "channel-management.md", &channel_page(&["ready"]));
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let listed: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        listed,
        [
            "non-breaking  metadata_changed  #/tags",
            "non-breaking  type_added        #/components/schemas/ChannelOut",
            "non-breaking  operation_added   GET /api/v2/partners/{partner_id}/channels",
            "3 changes: 0 breaking, 3 non-breaking",
        ]
    );
    assert_eq!(
        run.stderr,
        "notice: openapi/upstream/channel-management.md block 2 (line 15): not an OpenAPI document, skipped\n\
         openapi/partners-v2.json differs from the merge of the upstream pages (changes above, vendored → upstream); \
         run `cargo xtask spec sync`, then review `git diff` and the API surface snapshot\n"
    );
    let run = xtask(&["spec", "sync", "--root", repo.root()]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "wrote openapi/partners-v2.json\n")
    );
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);
}

#[test]
fn a_page_of_webhooks_without_paths_merges_in_check_and_sync() {
    let repo = Scratch::new();
    let hooks = webhook_block(json!({"channel_id": {"type": "string"}}));
    assert!(hooks.get("paths").is_none());
    add_snapshot(
        &repo,
        "webhook-management.md",
        &page_like_upstream("Webhook Management", "webhook-management", &[hooks]),
    );
    let run = xtask(&["spec", "check", "--root", repo.root()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let listed: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        listed,
        [
            "non-breaking  metadata_changed  #/tags",
            "non-breaking  type_added        #/components/schemas/ChannelCreatedEvent",
            "non-breaking  webhook_added     webhook channelCreated POST",
            "3 changes: 0 breaking, 3 non-breaking",
        ]
    );
    let run = xtask(&["spec", "sync", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let vendored: Value = serde_json::from_str(&repo.read("openapi/partners-v2.json")).unwrap();
    let names: Vec<&String> = vendored["webhooks"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["channelCreated"]);
    assert!(vendored["paths"]["/api/v2/partners/{partner_id}"]["get"].is_object());
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);
}
