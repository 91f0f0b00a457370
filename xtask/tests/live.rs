//! `spec check --live` and `spec sync --live [--add URL...]` against an upstream server on
//! 127.0.0.1 serving the pages and the documentation index: unchanged, changed (non-breaking and
//! breaking), gone, hanging past `--timeout`, refused, and an index listing a new page. Each test
//! asserts the exact report and exit code.

use crate::common;

use common::*;
use serde_json::json;
use std::time::{Duration, SystemTime};

const INDEX_PATH: &str = "/partner/llms.txt";
const REFERENCE: &str = "/partner/partner-api/api-reference/";
const CHANNEL_PATH: &str = "/partner/partner-api/api-reference/channel-management.md";
const CHANGED_TO_NOTHING: &str = "upstream is unchanged: every page equals its snapshot and openapi/partners-v2.json their merge\n";
const DIFFERS: &str = "upstream differs (pages and changes above, vendored → upstream); \
    `cargo xtask spec sync --live` takes it (`--add URL` for a new page), \
    then review `git diff` and the API surface snapshot\n";
const BLESS: &str = "now run `cargo test --workspace` and bless the API surface snapshot (CONTRIBUTING.md, \"Updating the spec\") before committing\n";

/// An index shaped like llms.txt: a guide page, then the given API reference pages.
fn index(upstream: &Upstream, pages: &[(&str, &str)]) -> String {
    let mut text = format!(
        "# 360Dialog\n\n## Partner Documentation\n\n- [Overview]({}): Welcome to the documentation.\n",
        upstream.url("/partner/get-started/master.md")
    );
    for (title, slug) in pages {
        let url = upstream.url(&format!("{REFERENCE}{slug}.md"));
        text += &format!("- [{title}]({url}): Endpoints for {title}\n");
    }
    text
}

/// A scratch repository whose manifest points at a fresh upstream server, which serves the
/// snapshot's page unchanged and an index listing it.
fn setup() -> (Scratch, Upstream) {
    let upstream = Upstream::start();
    let repo = Scratch::new();
    repo.point_manifest_at(&upstream.base);
    upstream.serve(PAGE_PATH, ok(PAGE));
    let listed = index(&upstream, &[("Partner Management", "partner-management")]);
    upstream.serve(INDEX_PATH, ok(&listed));
    (repo, upstream)
}

/// [`setup`] with a second vendored page, the channel page, in the snapshots, the manifest, the
/// vendored spec and the index.
fn setup_with_channels() -> (Scratch, Upstream) {
    let (repo, upstream) = setup();
    let page = channel_page(&["ready"]);
    repo.write("openapi/upstream/channel-management.md", &page);
    repo.edit_manifest(|m| {
        m["pages"]["channel-management.md"] =
            json!({"url": upstream.url(CHANNEL_PATH), "taken": "2026-11-30T08:00:00Z"});
    });
    assert_eq!(xtask(&["spec", "sync", "--root", repo.root()]).code, 0);
    upstream.serve(CHANNEL_PATH, ok(&page));
    let listed = index(
        &upstream,
        &[
            ("Partner Management", "partner-management"),
            ("Channel Management", "channel-management"),
        ],
    );
    upstream.serve(INDEX_PATH, ok(&listed));
    (repo, upstream)
}

/// What `spec diff` prints from the repository's vendored spec to the merge of `pages`: the
/// live report must end with exactly that.
fn spec_diff_to(repo: &Scratch, pages: &[(&str, &str)]) -> String {
    let merged = xtask::upstream::merge_pages(pages.iter().copied()).unwrap();
    let new = repo.write("upstream.json", &xtask::upstream::to_vendored_text(&merged));
    let vendored = repo.vendored();
    xtask(&["spec", "diff", vendored.to_str().unwrap(), &new]).stdout
}

/// The kind lines of a report (not the indented reasons).
fn listed(report: &str) -> Vec<&str> {
    report
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .collect()
}

#[test]
fn an_unchanged_page_and_an_index_with_nothing_new_exit_0() {
    let (repo, upstream) = setup();
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "unchanged  partner-management.md  {}\n\nno changes\n",
            upstream.url(PAGE_PATH)
        )
    );
    assert_eq!(run.stderr, CHANGED_TO_NOTHING);
    let mut requests = upstream.requests();
    requests.sort();
    assert_eq!(requests, [INDEX_PATH, PAGE_PATH]);
}

#[test]
fn a_page_changed_in_a_non_breaking_way_prints_the_diff_and_exits_1() {
    let (repo, upstream) = setup();
    let page = page_with_edited_blocks(|_, block| {
        partner_out(block)["properties"]["timezone"] = json!({"type": "string"});
    });
    upstream.serve(PAGE_PATH, ok(&page));
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let url = upstream.url(PAGE_PATH);
    let diff = spec_diff_to(&repo, &[(url.as_str(), page.as_str())]);
    assert_eq!(
        run.stdout,
        format!("changed    partner-management.md  {url}\n\n{diff}")
    );
    assert_eq!(
        listed(&diff),
        [
            "non-breaking  response_property_added  GET /api/v2/partners/{partner_id} response 200 $.timezone",
            "non-breaking  response_property_added  PATCH /api/v2/partners/{partner_id} response 200 $.timezone",
            "2 changes: 0 breaking, 2 non-breaking",
        ]
    );
    assert_eq!(run.stderr, DIFFERS);
}

#[test]
fn a_page_changed_in_a_breaking_way_exits_2() {
    let (repo, upstream) = setup();
    let page = page_with_edited_blocks(|_, block| {
        let properties = &mut partner_out(block)["properties"];
        properties.as_object_mut().unwrap().remove("brand_name");
    });
    upstream.serve(PAGE_PATH, ok(&page));
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let url = upstream.url(PAGE_PATH);
    let diff = spec_diff_to(&repo, &[(url.as_str(), page.as_str())]);
    assert_eq!(
        run.stdout,
        format!("changed    partner-management.md  {url}\n\n{diff}")
    );
    assert_eq!(
        listed(&diff),
        [
            "BREAKING      response_property_removed  GET /api/v2/partners/{partner_id} response 200 $.brand_name",
            "BREAKING      response_property_removed  PATCH /api/v2/partners/{partner_id} response 200 $.brand_name",
            "2 changes: 2 breaking, 0 non-breaking",
        ]
    );
}

#[test]
fn a_page_whose_text_changed_outside_its_blocks_is_unchanged_for_the_spec() {
    let (repo, upstream) = setup();
    upstream.serve(
        PAGE_PATH,
        ok(&PAGE.replace("\n# Partner Management\n", "\n# Partner management\n")),
    );
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "unchanged  partner-management.md  {}  (only text outside its OpenAPI blocks changed)\n\nno changes\n",
            upstream.url(PAGE_PATH)
        )
    );
}

#[test]
fn a_page_that_is_gone_is_reported_with_what_its_absence_removes() {
    let (repo, upstream) = setup_with_channels();
    upstream.serve(CHANNEL_PATH, Reply::Answer("404 Not Found", "gone".into()));
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let (channels, partner) = (upstream.url(CHANNEL_PATH), upstream.url(PAGE_PATH));
    let diff = spec_diff_to(&repo, &[(partner.as_str(), PAGE)]);
    assert_eq!(
        run.stdout,
        format!(
            "gone       channel-management.md  {channels}  (HTTP status 404)\n\
             unchanged  partner-management.md  {partner}\n\n{diff}"
        )
    );
    assert_eq!(
        listed(&diff),
        [
            "non-breaking  metadata_changed   #/tags",
            "BREAKING      type_removed       #/components/schemas/ChannelOut",
            "BREAKING      operation_removed  GET /api/v2/partners/{partner_id}/channels",
            "3 changes: 2 breaking, 1 non-breaking",
        ]
    );
}

#[test]
fn when_every_page_is_gone_there_is_nothing_to_compare() {
    let (repo, upstream) = setup();
    upstream.serve(PAGE_PATH, Reply::Answer("410 Gone", String::new()));
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!((run.code, run.stdout.as_str()), (3, ""));
    assert_eq!(
        run.stderr,
        format!(
            "error: every page the manifest lists is gone upstream ({}); nothing to compare with\n",
            upstream.url(PAGE_PATH)
        )
    );
}

#[test]
fn an_index_listing_a_page_not_vendored_yet_is_non_breaking_news() {
    let (repo, upstream) = setup();
    let listed = index(
        &upstream,
        &[
            ("Partner Management", "partner-management"),
            ("Client Management", "client-management"),
        ],
    );
    upstream.serve(INDEX_PATH, ok(&listed));
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "unchanged  partner-management.md  {}\n\
             new        client-management.md   {}  (in the index as \"Client Management\", not vendored yet)\n\n\
             no changes\n",
            upstream.url(PAGE_PATH),
            upstream.url(&format!("{REFERENCE}client-management.md")),
        )
    );
    assert_eq!(run.stderr, DIFFERS);
}

#[test]
fn a_page_that_hangs_past_the_timeout_exits_3_naming_it_and_sync_writes_nothing() {
    let (repo, upstream) = setup();
    upstream.serve(PAGE_PATH, Reply::Hang);
    let manifest = repo.read("openapi/upstream/manifest.json");
    for command in ["check", "sync"] {
        let run = xtask(&[
            "spec",
            command,
            "--live",
            "--timeout",
            "1",
            "--root",
            repo.root(),
        ]);
        assert_eq!((run.code, run.stdout.as_str()), (3, ""), "{command}");
        assert_eq!(
            run.stderr,
            format!(
                "error: cannot fetch {}: no complete answer within 1s (is there a network?)\n",
                upstream.url(PAGE_PATH)
            )
        );
        // Bounded by --timeout (pages are fetched at once), not by the test's own limit.
        assert!(
            run.took < Duration::from_secs(10),
            "{command}: {:?}",
            run.took
        );
    }
    assert_eq!(repo.read("openapi/upstream/manifest.json"), manifest);
    assert_eq!(repo.read("openapi/partners-v2.json"), VENDORED_TEXT);
}

#[test]
fn a_refused_connection_exits_3_naming_the_url() {
    let (repo, upstream) = setup();
    let url = refused_url(PAGE_PATH);
    repo.edit_manifest(|m| m["pages"]["partner-management.md"]["url"] = json!(url));
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!((run.code, run.stdout.as_str()), (3, ""));
    assert_eq!(
        run.stderr,
        format!("error: cannot fetch {url}: connection refused\n")
    );
    drop(upstream);
}

#[test]
fn an_index_or_page_that_fails_exits_3_naming_each_url_and_why() {
    let (repo, upstream) = setup();
    upstream.serve(INDEX_PATH, Reply::Answer("404 Not Found", String::new()));
    upstream.serve(
        PAGE_PATH,
        Reply::Answer("500 Internal Server Error", String::new()),
    );
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    assert_eq!((run.code, run.stdout.as_str()), (3, ""));
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot fetch {}: HTTP status 500\nerror: cannot fetch {}: HTTP status 404\n",
            upstream.url(PAGE_PATH),
            upstream.url(INDEX_PATH)
        )
    );
}

#[test]
fn sync_live_takes_a_changed_page_into_snapshot_manifest_and_spec() {
    let (repo, upstream) = setup();
    let page = page_with_edited_blocks(|_, block| {
        partner_out(block)["properties"]["timezone"] = json!({"type": "string"});
    });
    upstream.serve(PAGE_PATH, ok(&page));
    let url = upstream.url(PAGE_PATH);
    let report = xtask(&["spec", "check", "--live", "--root", repo.root()]).stdout;
    let before = SystemTime::now();
    let run = xtask(&["spec", "sync", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "{report}\nwrote openapi/upstream/partner-management.md\n\
             wrote openapi/upstream/manifest.json\nwrote openapi/partners-v2.json\n"
        )
    );
    assert_eq!(run.stderr, BLESS);
    assert_eq!(repo.read("openapi/upstream/partner-management.md"), page);
    let merged = xtask::upstream::merge_pages([(url.as_str(), page.as_str())]).unwrap();
    assert_eq!(
        repo.read("openapi/partners-v2.json"),
        xtask::upstream::to_vendored_text(&merged)
    );
    let entry = &repo.manifest()["pages"]["partner-management.md"];
    assert_eq!(entry["url"], json!(url));
    assert_taken_since(entry, before);
    // Offline and live checks agree afterwards; the API snapshot is left to the human.
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);
    assert_eq!(
        xtask(&["spec", "check", "--live", "--root", repo.root()]).code,
        0
    );
}

#[test]
fn sync_live_with_nothing_changed_writes_nothing() {
    let (repo, _upstream) = setup();
    let manifest = repo.read("openapi/upstream/manifest.json");
    let run = xtask(&["spec", "sync", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.ends_with(
            "\nno changes\nnothing to write: the snapshots, the manifest and openapi/partners-v2.json are up to date\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
    assert_eq!(repo.read("openapi/upstream/manifest.json"), manifest);
}

#[test]
fn sync_live_add_vendors_a_new_page() {
    let (repo, upstream) = setup();
    let page = channel_page(&["ready", "pending"]);
    upstream.serve(CHANNEL_PATH, ok(&page));
    let listed = index(
        &upstream,
        &[
            ("Partner Management", "partner-management"),
            ("Channel Management", "channel-management"),
        ],
    );
    upstream.serve(INDEX_PATH, ok(&listed));
    let (channels, partner) = (upstream.url(CHANNEL_PATH), upstream.url(PAGE_PATH));
    let diff = spec_diff_to(
        &repo,
        &[(channels.as_str(), page.as_str()), (partner.as_str(), PAGE)],
    );
    let before = SystemTime::now();
    let run = xtask(&[
        "spec",
        "sync",
        "--live",
        "--root",
        repo.root(),
        "--add",
        &channels,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "added      channel-management.md  {channels}\n\
             unchanged  partner-management.md  {partner}\n\n{diff}\n\
             wrote openapi/upstream/channel-management.md\n\
             wrote openapi/upstream/manifest.json\nwrote openapi/partners-v2.json\n"
        )
    );
    assert_eq!(
        listed_kinds(&diff),
        ["metadata_changed", "type_added", "operation_added"]
    );
    assert_eq!(repo.read("openapi/upstream/channel-management.md"), page);
    let manifest = repo.manifest();
    assert_eq!(
        manifest["pages"]["channel-management.md"]["url"],
        json!(channels)
    );
    assert_taken_since(&manifest["pages"]["channel-management.md"], before);
    assert_eq!(
        manifest["pages"]["partner-management.md"]["taken"],
        json!("2026-11-23T20:01:47Z")
    );
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);
    let run = xtask(&["spec", "check", "--live", "--root", repo.root()]);
    let notice =
        format!("notice: {channels} block 2 (line 15): not an OpenAPI document, skipped\n");
    assert_eq!(
        (run.code, run.stderr),
        (0, format!("{notice}{CHANGED_TO_NOTHING}"))
    );
}

#[test]
fn sync_live_drops_a_gone_page() {
    let (repo, upstream) = setup_with_channels();
    upstream.serve(CHANNEL_PATH, Reply::Answer("404 Not Found", String::new()));
    let run = xtask(&["spec", "sync", "--live", "--root", repo.root()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.ends_with(
            "\nremoved openapi/upstream/channel-management.md\n\
             wrote openapi/upstream/manifest.json\nwrote openapi/partners-v2.json\n"
        ),
        "{}",
        run.stdout
    );
    assert!(!repo.exists("openapi/upstream/channel-management.md"));
    let pages: Vec<String> = repo.manifest()["pages"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(pages, ["partner-management.md"]);
    assert_eq!(repo.read("openapi/partners-v2.json"), VENDORED_TEXT);
    assert_eq!(xtask(&["spec", "check", "--root", repo.root()]).code, 0);
}

#[test]
fn add_refuses_a_page_already_vendored_or_not_in_md_form() {
    let (repo, upstream) = setup();
    let partner = upstream.url(PAGE_PATH);
    let other = upstream.url("/elsewhere/partner-management.md");
    let cases = [
        (
            partner.clone(),
            format!(
                "error: --add {partner}: the snapshot partner-management.md is already taken from {partner}\n"
            ),
        ),
        (
            other.clone(),
            format!(
                "error: --add {other}: the snapshot partner-management.md is already taken from {partner}\n"
            ),
        ),
        (
            upstream.url("/partner/channels"),
            format!(
                "error: {} is not a page URL in the `.md` form (like https://docs.360dialog.com/partner/partner-api/api-reference/partner-management.md)\n",
                upstream.url("/partner/channels")
            ),
        ),
    ];
    for (url, expected) in cases {
        let run = xtask(&[
            "spec",
            "sync",
            "--live",
            "--root",
            repo.root(),
            "--add",
            &url,
        ]);
        assert_eq!((run.code, run.stderr.as_str()), (3, expected.as_str()));
    }
    // A page to add that is not there is an error, not news.
    let missing = upstream.url(CHANNEL_PATH);
    let run = xtask(&[
        "spec",
        "sync",
        "--live",
        "--root",
        repo.root(),
        "--add",
        &missing,
    ]);
    assert_eq!(
        (run.code, run.stderr),
        (
            3,
            format!("error: cannot fetch {missing}: HTTP status 404\n")
        )
    );
    assert_eq!(repo.read("openapi/partners-v2.json"), VENDORED_TEXT);
}

fn listed_kinds(report: &str) -> Vec<&str> {
    listed(report)
        .iter()
        .filter_map(|line| line.split_whitespace().nth(1))
        .filter(|kind| *kind != "changes:")
        .collect()
}
