//! The code-generation pipeline on the real vendored spec: what the whole pipeline must produce
//! from `openapi/partners-v2.json` (the passes' own unit tests run with the library's, xtask's).

use xtask::codegen::normalize;
use xtask::upstream;

use serde_json::Value;

fn vendored() -> Value {
    serde_json::from_str(include_str!("../../openapi/partners-v2.json"))
        .expect("the vendored spec is JSON")
}

#[test]
fn the_vendored_spec_equals_the_merge_of_the_upstream_page() {
    let page = include_str!("../../openapi/upstream/partner-management.md");
    let merged = upstream::merge_pages([("partner-management.md", page)]).unwrap();
    assert_eq!(
        vendored(),
        merged,
        "run `cargo xtask spec sync` and review the diff"
    );
    let blocks = upstream::openapi_blocks("partner-management.md", page).unwrap();
    assert_eq!(
        blocks.len(),
        2,
        "the page holds the retrieve and update operations"
    );
}

#[test]
fn the_vendored_spec_normalizes_to_readable_names_and_lenient_types() {
    let mut doc = vendored();
    normalize::normalize(&mut doc).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let op = &doc["paths"]["/api/v2/partners/{partner_id}"];
    assert_eq!(op["get"]["operationId"], "get_partner");
    assert_eq!(op["patch"]["operationId"], "patch_partner");
    for method in ["get", "patch"] {
        let statuses: Vec<&String> = op[method]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            statuses,
            ["200", "400", "404"],
            "{method}: error responses stay as listed"
        );
    }
    assert!(!doc.to_string().contains("\"additionalProperties\":false"));
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(
        schemas.contains_key("PartnerIoSecureSettingsOut"),
        "keys are Rust type names"
    );
    for error_only in [
        "DefaultHttpError",
        "DefaultValidationError",
        "MetaSchemaError",
        "MetaSchemaErrorWithDetails",
    ] {
        assert!(
            !schemas.contains_key(error_only),
            "{error_only}: errors are read as ErrorKind::Api, not as a generated type"
        );
    }
    assert_eq!(
        op["get"]["responses"]["404"]["content"]["application/json"]["schema"],
        serde_json::json!({})
    );
    let settings = &schemas["PartnerSettingsPublicOut"]["properties"]["partner_change_request"];
    assert_eq!(
        settings["allOf"][0]["$ref"],
        "#/components/schemas/PartnerChangeRequestSettingsOut"
    );
    assert_eq!(
        schemas["PartnerOut"]["properties"]["payment_required"]["description"], "\\[Deprecated\\]",
        "rustdoc would read `[Deprecated]` as a link"
    );
}

#[test]
fn a_spec_the_pipeline_cannot_handle_fails_naming_pass_and_pointer() {
    let mut doc = vendored();
    doc["paths"]["/api/v2/partners/{partner_id}"]["get"]["parameters"][0]["in"] =
        serde_json::json!("cookie");
    let error = normalize::normalize(&mut doc).unwrap_err();
    assert_eq!(error.pass, "reject_what_the_generator_cannot_handle");
    assert_eq!(
        error.to_string(),
        "/paths/~1api~1v2~1partners~1{partner_id}/get/parameters/0: cookie parameter `partner_id` is not supported by the client (normalization pass `reject_what_the_generator_cannot_handle`)"
    );
}

#[test]
fn the_architecture_table_lists_every_pass_in_order() {
    let readme = include_str!("../../ARCHITECTURE.md");
    let listed: Vec<&str> = readme
        .lines()
        .filter_map(|line| line.strip_prefix("| `")?.split('`').next())
        .filter(|name| normalize::PASSES.iter().any(|p| p.name == *name))
        .collect();
    let passes: Vec<&str> = normalize::PASSES.iter().map(|p| p.name).collect();
    assert_eq!(listed, passes);
}
