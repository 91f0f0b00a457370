//! The catalogue of spec changes: one mutation of the vendored spec per kind of change, each
//! asserting the exact classification (kind, location, breaking) and the exit code `spec diff`
//! reports for it.

use serde_json::{Value, json};
use xtask::diff::diff;

const PARTNER: &str = "/api/v2/partners/{partner_id}";
const GET: &str = "GET /api/v2/partners/{partner_id}";
const PATCH: &str = "PATCH /api/v2/partners/{partner_id}";

fn vendored() -> Value {
    serde_json::from_str(include_str!("../../openapi/partners-v2.json")).unwrap()
}

fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    &mut doc["components"]["schemas"][name]
}

fn operation<'a>(doc: &'a mut Value, method: &str) -> &'a mut Value {
    &mut doc["paths"][PARTNER][method]
}

fn remove(value: &mut Value, key: &str) {
    value.as_object_mut().unwrap().remove(key).expect(key);
}

/// Asserts the diff from `old` to `new` is exactly `expected` (kind, location, breaking), in
/// order, and the exit code `exit`.
#[track_caller]
fn assert_changes(old: &Value, new: &Value, expected: &[(&str, &str, bool)], exit: u8) {
    let diff = diff(old, new);
    let found: Vec<(String, &str, bool)> = diff
        .changes
        .iter()
        .map(|c| (c.kind.name(), c.location.as_str(), c.breaking))
        .collect();
    let expected: Vec<(String, &str, bool)> = expected
        .iter()
        .map(|(k, l, b)| (k.to_string(), *l, *b))
        .collect();
    assert_eq!(found, expected, "{:#?}", diff.changes);
    assert_eq!(diff.exit_code(), exit);
}

/// `mutate` applied to the vendored spec; the change must classify as `expected`.
#[track_caller]
fn assert_mutation(mutate: impl FnOnce(&mut Value), expected: &[(&str, &str, bool)], exit: u8) {
    let old = vendored();
    let mut new = old.clone();
    mutate(&mut new);
    assert_changes(&old, &new, expected, exit);
}

fn query_parameter(name: &str, required: bool, schema: Value) -> Value {
    json!({"in": "query", "name": name, "required": required, "schema": schema})
}

#[test]
fn the_same_spec_reformatted_and_reordered_is_no_change() {
    let old = vendored();
    let text = serde_json::to_string(&old).unwrap();
    let parsed: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    let mut new = Value::Object(parsed.into_iter().rev().collect());
    let required = &mut schema(&mut new, "MetaSchemaErrorWithDetails")["required"];
    required.as_array_mut().unwrap().reverse();
    assert_changes(&old, &new, &[], 0);
}

#[test]
fn operation_added_is_non_breaking() {
    assert_mutation(
        |doc| {
            doc["paths"]["/api/v2/partners/{partner_id}/channels"] = json!({"get": {
                "operationId": "x_docs_api_list_channels",
                "parameters": [{"in": "path", "name": "partner_id", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}
            }});
        },
        &[(
            "operation_added",
            "GET /api/v2/partners/{partner_id}/channels",
            false,
        )],
        1,
    );
}

#[test]
fn operation_removed_is_breaking() {
    assert_mutation(
        |doc| remove(&mut doc["paths"][PARTNER], "patch"),
        &[("operation_removed", PATCH, true)],
        2,
    );
}

#[test]
fn operation_renamed_is_breaking_because_the_method_name_changes() {
    let old = vendored();
    let mut new = old.clone();
    operation(&mut new, "get")["operationId"] =
        json!("get_partner_management_docs_api_fetch_partner");
    assert_changes(&old, &new, &[("operation_renamed", GET, true)], 2);
    assert_eq!(
        diff(&old, &new).changes[0].detail,
        "`get_partner` → `fetch_partner`"
    );
    // A new upstream prefix that keeps the derived name is no rename.
    operation(&mut new, "get")["operationId"] = json!("other_prefix_docs_api_get_partner");
    assert_changes(&old, &new, &[("metadata_changed", GET, false)], 1);
}

#[test]
fn optional_parameter_added_is_non_breaking() {
    assert_mutation(
        |doc| {
            operation(doc, "get")["parameters"]
                .as_array_mut()
                .unwrap()
                .push(query_parameter("fields", false, json!({"type": "string"})));
        },
        &[(
            "parameter_added_optional",
            "GET /api/v2/partners/{partner_id} parameter fields (query)",
            false,
        )],
        1,
    );
}

#[test]
fn required_parameter_added_is_breaking() {
    assert_mutation(
        |doc| {
            operation(doc, "get")["parameters"]
                .as_array_mut()
                .unwrap()
                .push(query_parameter("fields", true, json!({"type": "string"})));
        },
        &[(
            "parameter_added_required",
            "GET /api/v2/partners/{partner_id} parameter fields (query)",
            true,
        )],
        2,
    );
}

#[test]
fn parameter_removed_is_breaking() {
    assert_mutation(
        |doc| operation(doc, "patch")["parameters"] = json!([]),
        &[(
            "parameter_removed",
            "PATCH /api/v2/partners/{partner_id} parameter partner_id (path)",
            true,
        )],
        2,
    );
}

#[test]
fn parameter_required_changes_are_classified_by_direction() {
    let mut optional = vendored();
    operation(&mut optional, "get")["parameters"]
        .as_array_mut()
        .unwrap()
        .push(query_parameter("fields", false, json!({"type": "string"})));
    let mut required = optional.clone();
    operation(&mut required, "get")["parameters"][1]["required"] = json!(true);
    let location = "GET /api/v2/partners/{partner_id} parameter fields (query)";
    assert_changes(
        &optional,
        &required,
        &[("parameter_became_required", location, true)],
        2,
    );
    assert_changes(
        &required,
        &optional,
        &[("parameter_became_optional", location, false)],
        1,
    );
}

#[test]
fn parameter_type_changed_is_breaking() {
    assert_mutation(
        |doc| operation(doc, "get")["parameters"][0]["schema"] = json!({"type": "integer"}),
        &[(
            "parameter_type_changed",
            "GET /api/v2/partners/{partner_id} parameter partner_id (path)",
            true,
        )],
        2,
    );
}

#[test]
fn parameter_enum_values_are_request_enum_changes() {
    let mut old = vendored();
    operation(&mut old, "get")["parameters"]
        .as_array_mut()
        .unwrap()
        .push(query_parameter(
            "view",
            false,
            json!({"type": "string", "enum": ["basic", "full"]}),
        ));
    let mut new = old.clone();
    operation(&mut new, "get")["parameters"][1]["schema"]["enum"] =
        json!(["basic", "full", "audit"]);
    let location = "GET /api/v2/partners/{partner_id} parameter view (query)";
    assert_changes(
        &old,
        &new,
        &[("request_enum_value_added", location, false)],
        1,
    );
    assert_changes(
        &new,
        &old,
        &[("request_enum_value_removed", location, true)],
        2,
    );
}

#[test]
fn request_body_added_is_classified_by_required() {
    let body = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PatchPartnerIn"}}}});
    let location = "GET /api/v2/partners/{partner_id} request body";
    let mut optional_body = body.clone();
    assert_mutation(
        |doc| operation(doc, "get")["requestBody"] = body,
        &[("request_body_added_optional", location, false)],
        1,
    );
    optional_body["required"] = json!(true);
    assert_mutation(
        |doc| operation(doc, "get")["requestBody"] = optional_body,
        &[("request_body_added_required", location, true)],
        2,
    );
}

#[test]
fn request_body_removed_is_breaking() {
    assert_mutation(
        |doc| remove(operation(doc, "patch"), "requestBody"),
        &[(
            "request_body_removed",
            "PATCH /api/v2/partners/{partner_id} request body",
            true,
        )],
        2,
    );
}

#[test]
fn optional_request_property_added_is_non_breaking() {
    assert_mutation(
        |doc| schema(doc, "PatchPartnerIn")["properties"]["logo_url"] = json!({"type": "string"}),
        &[(
            "request_property_added_optional",
            "PATCH /api/v2/partners/{partner_id} request body $.logo_url",
            false,
        )],
        1,
    );
}

#[test]
fn required_request_property_added_is_breaking() {
    assert_mutation(
        |doc| {
            let patch = schema(doc, "PatchPartnerIn");
            patch["properties"]["logo_url"] = json!({"type": "string"});
            patch["required"] = json!(["logo_url"]);
        },
        &[(
            "request_property_added_required",
            "PATCH /api/v2/partners/{partner_id} request body $.logo_url",
            true,
        )],
        2,
    );
}

#[test]
fn request_property_removed_is_breaking() {
    assert_mutation(
        |doc| {
            remove(
                &mut schema(doc, "PatchPartnerIn")["properties"],
                "webhook_url",
            )
        },
        &[(
            "request_property_removed",
            "PATCH /api/v2/partners/{partner_id} request body $.webhook_url",
            true,
        )],
        2,
    );
}

#[test]
fn request_property_type_changed_is_breaking() {
    assert_mutation(
        |doc| {
            schema(doc, "PatchPartnerIn")["properties"]["allow_client_to_add_phone_no"]["type"] =
                json!("string")
        },
        &[(
            "request_property_type_changed",
            "PATCH /api/v2/partners/{partner_id} request body $.allow_client_to_add_phone_no",
            true,
        )],
        2,
    );
}

#[test]
fn request_property_required_changes_are_breaking_both_ways() {
    let old = vendored();
    let mut new = old.clone();
    schema(&mut new, "PatchPartnerIn")["required"] = json!(["webhook_url"]);
    let location = "PATCH /api/v2/partners/{partner_id} request body $.webhook_url";
    assert_changes(
        &old,
        &new,
        &[("request_property_became_required", location, true)],
        2,
    );
    assert_changes(
        &new,
        &old,
        &[("request_property_became_optional", location, true)],
        2,
    );
}

#[test]
fn request_enum_values_added_are_non_breaking_and_removed_are_breaking() {
    let mut old = vendored();
    schema(&mut old, "PatchPartnerIn")["properties"]["plan"] =
        json!({"type": "string", "enum": ["basic", "pro"]});
    let mut new = old.clone();
    schema(&mut new, "PatchPartnerIn")["properties"]["plan"]["enum"] =
        json!(["basic", "pro", "enterprise"]);
    let location = "PATCH /api/v2/partners/{partner_id} request body $.plan";
    assert_changes(
        &old,
        &new,
        &[("request_enum_value_added", location, false)],
        1,
    );
    assert_eq!(diff(&old, &new).changes[0].detail, "\"enterprise\"");
    assert_changes(
        &new,
        &old,
        &[("request_enum_value_removed", location, true)],
        2,
    );
}

#[test]
fn response_property_added_is_non_breaking_at_every_operation_returning_it() {
    assert_mutation(
        |doc| schema(doc, "PartnerOut")["properties"]["timezone"] = json!({"type": "string"}),
        &[
            (
                "response_property_added",
                "GET /api/v2/partners/{partner_id} response 200 $.timezone",
                false,
            ),
            (
                "response_property_added",
                "PATCH /api/v2/partners/{partner_id} response 200 $.timezone",
                false,
            ),
        ],
        1,
    );
}

#[test]
fn response_property_removed_is_breaking() {
    assert_mutation(
        |doc| remove(&mut schema(doc, "PartnerOut")["properties"], "brand_name"),
        &[
            (
                "response_property_removed",
                "GET /api/v2/partners/{partner_id} response 200 $.brand_name",
                true,
            ),
            (
                "response_property_removed",
                "PATCH /api/v2/partners/{partner_id} response 200 $.brand_name",
                true,
            ),
        ],
        2,
    );
}

#[test]
fn a_response_property_type_change_deep_inside_components_is_found_through_refs() {
    assert_mutation(
        |doc| {
            schema(doc, "PartnerIOSecureSettingsOut")["properties"]["io_signature_verification_enabled"]
                ["type"] = json!("string")
        },
        &[
            (
                "response_property_type_changed",
                "GET /api/v2/partners/{partner_id} response 200 $.settings.io_secure.io_signature_verification_enabled",
                true,
            ),
            (
                "response_property_type_changed",
                "PATCH /api/v2/partners/{partner_id} response 200 $.settings.io_secure.io_signature_verification_enabled",
                true,
            ),
        ],
        2,
    );
}

#[test]
fn a_string_format_that_changes_the_rust_type_is_a_type_change() {
    let old = vendored();
    let mut new = old.clone();
    schema(&mut new, "PartnerOut")["properties"]["country"]["format"] = json!("uuid");
    let changes = diff(&old, &new).changes;
    assert_eq!(changes[0].kind.name(), "response_property_type_changed");
    assert_eq!(changes[0].detail, "string → string(uuid)");
    // `format: url` (webhook_url's) stays a String, so `uri` is no type change.
    let mut new = old.clone();
    schema(&mut new, "PartnerOut")["properties"]["webhook_url"]["format"] = json!("uri");
    assert_changes(
        &old,
        &new,
        &[(
            "unclassified",
            "#/components/schemas/PartnerOut/properties/webhook_url/format",
            true,
        )],
        2,
    );
}

#[test]
fn a_ref_to_another_component_is_a_type_change() {
    assert_mutation(
        |doc| {
            let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
            let secure = schemas.remove("PartnerIOSecureSettingsOut").unwrap();
            schemas.insert("PartnerIoSecurity".into(), secure);
            schema(doc, "PartnerSettingsPublicOut")["properties"]["io_secure"]["anyOf"][0]["$ref"] =
                json!("#/components/schemas/PartnerIoSecurity");
        },
        &[
            (
                "type_removed",
                "#/components/schemas/PartnerIOSecureSettingsOut",
                true,
            ),
            (
                "type_added",
                "#/components/schemas/PartnerIoSecurity",
                false,
            ),
            (
                "response_property_type_changed",
                "GET /api/v2/partners/{partner_id} response 200 $.settings.io_secure",
                true,
            ),
            (
                "response_property_type_changed",
                "PATCH /api/v2/partners/{partner_id} response 200 $.settings.io_secure",
                true,
            ),
        ],
        2,
    );
}

#[test]
fn response_property_required_changes_are_breaking_both_ways() {
    let old = vendored();
    let mut new = old.clone();
    schema(&mut new, "PartnerOut")["required"] = json!(["id"]);
    let expect = |kind| {
        [
            (
                kind,
                "GET /api/v2/partners/{partner_id} response 200 $.id",
                true,
            ),
            (
                kind,
                "PATCH /api/v2/partners/{partner_id} response 200 $.id",
                true,
            ),
        ]
    };
    assert_changes(&old, &new, &expect("response_property_became_required"), 2);
    assert_changes(&new, &old, &expect("response_property_became_optional"), 2);
}

#[test]
fn response_enum_values_added_are_non_breaking_and_removed_are_breaking() {
    // Response enums are open (an unlisted value decodes into the catch-all variant), so a new
    // value is news; a removed one takes a typed variant away from code that matches on it.
    let mut old = vendored();
    schema(&mut old, "AccountSharingSettingsOutData")["properties"]["solution_status"]["enum"] =
        json!(["ACTIVE", "DRAFT"]);
    let mut new = old.clone();
    schema(&mut new, "AccountSharingSettingsOutData")["properties"]["solution_status"]["enum"] =
        json!(["ACTIVE", "DRAFT", "REJECTED"]);
    let expect = |kind, breaking| {
        [
            (
                kind,
                "GET /api/v2/partners/{partner_id} response 200 $.settings.account_sharing.solution_status",
                breaking,
            ),
            (
                kind,
                "PATCH /api/v2/partners/{partner_id} response 200 $.settings.account_sharing.solution_status",
                breaking,
            ),
        ]
    };
    assert_changes(&old, &new, &expect("response_enum_value_added", false), 1);
    assert_eq!(diff(&old, &new).changes[0].detail, "\"REJECTED\"");
    assert_changes(&new, &old, &expect("response_enum_value_removed", true), 2);
}

#[test]
fn a_new_response_enum_value_beside_a_breaking_change_still_exits_2() {
    let mut old = vendored();
    schema(&mut old, "AccountSharingSettingsOutData")["properties"]["solution_status"]["enum"] =
        json!(["ACTIVE"]);
    let mut new = old.clone();
    schema(&mut new, "AccountSharingSettingsOutData")["properties"]["solution_status"]["enum"] =
        json!(["ACTIVE", "DRAFT"]);
    remove(&mut new["paths"][PARTNER], "patch");
    assert_changes(
        &old,
        &new,
        &[
            (
                "response_enum_value_added",
                "GET /api/v2/partners/{partner_id} response 200 $.settings.account_sharing.solution_status",
                false,
            ),
            ("operation_removed", PATCH, true),
        ],
        2,
    );
}

#[test]
fn nullable_counts_only_where_it_changes_the_rust_type() {
    // Optional: `Option<T>` either way.
    assert_mutation(
        |doc| {
            remove(
                &mut schema(doc, "PartnerOut")["properties"]["logo_url"],
                "nullable",
            )
        },
        &[
            (
                "optional_property_nullable_changed",
                "GET /api/v2/partners/{partner_id} response 200 $.logo_url",
                false,
            ),
            (
                "optional_property_nullable_changed",
                "PATCH /api/v2/partners/{partner_id} response 200 $.logo_url",
                false,
            ),
        ],
        1,
    );
    // Required: `T` becomes `Option<T>`.
    assert_mutation(
        |doc| {
            schema(doc, "PartnerChangeRequestSettingsOut")["properties"]["auto_approve"]["nullable"] =
                json!(true)
        },
        &[
            (
                "response_property_type_changed",
                "GET /api/v2/partners/{partner_id} response 200 $.settings.partner_change_request.auto_approve",
                true,
            ),
            (
                "response_property_type_changed",
                "PATCH /api/v2/partners/{partner_id} response 200 $.settings.partner_change_request.auto_approve",
                true,
            ),
        ],
        2,
    );
}

#[test]
fn success_responses_added_or_removed_are_breaking() {
    assert_mutation(
        |doc| {
            operation(doc, "get")["responses"]["202"] = json!({"description": "accepted"});
        },
        &[(
            "success_response_added",
            "GET /api/v2/partners/{partner_id} response 202",
            true,
        )],
        2,
    );
    assert_mutation(
        |doc| remove(&mut operation(doc, "get")["responses"], "200"),
        &[(
            "success_response_removed",
            "GET /api/v2/partners/{partner_id} response 200",
            true,
        )],
        2,
    );
}

#[test]
fn a_success_body_with_another_media_type_is_a_type_change() {
    assert_mutation(
        |doc| {
            let content = &mut operation(doc, "get")["responses"]["200"]["content"];
            let json_body = content
                .as_object_mut()
                .unwrap()
                .remove("application/json")
                .unwrap();
            content["text/plain"] = json_body;
        },
        &[(
            "response_property_type_changed",
            "GET /api/v2/partners/{partner_id} response 200 $",
            true,
        )],
        2,
    );
}

#[test]
fn error_responses_added_removed_or_changed_are_non_breaking() {
    assert_mutation(
        |doc| {
            operation(doc, "patch")["responses"]["409"] = json!({"description": "conflict", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DefaultHttpError"}}}});
        },
        &[(
            "error_response_added",
            "PATCH /api/v2/partners/{partner_id} response 409",
            false,
        )],
        1,
    );
    assert_mutation(
        |doc| remove(&mut operation(doc, "get")["responses"], "404"),
        &[(
            "error_response_removed",
            "GET /api/v2/partners/{partner_id} response 404",
            false,
        )],
        1,
    );
    let old = vendored();
    let mut new = old.clone();
    remove(
        &mut schema(&mut new, "MetaSchemaErrorWithDetails")["properties"],
        "details",
    );
    assert_changes(
        &old,
        &new,
        &[
            (
                "error_response_changed",
                "GET /api/v2/partners/{partner_id} response 400",
                false,
            ),
            (
                "error_response_changed",
                "PATCH /api/v2/partners/{partner_id} response 400",
                false,
            ),
        ],
        1,
    );
    assert_eq!(
        diff(&old, &new).changes[0].detail,
        "response_property_removed $.meta.details"
    );
}

#[test]
fn component_types_added_are_non_breaking_and_removed_are_breaking() {
    let old = vendored();
    let mut new = old.clone();
    schema(&mut new, "ChannelOut")["type"] = json!("object");
    let location = "#/components/schemas/ChannelOut";
    assert_changes(&old, &new, &[("type_added", location, false)], 1);
    assert_changes(&new, &old, &[("type_removed", location, true)], 2);
}

#[test]
fn security_servers_and_version_changes_are_breaking_metadata_is_not() {
    assert_mutation(
        |doc| {
            doc["components"]["securitySchemes"]["PartnerApiKeyV2"]["name"] = json!("X-Partner-Key")
        },
        &[("security_changed", "#/components/securitySchemes", true)],
        2,
    );
    assert_mutation(
        |doc| doc["security"] = json!([{"Bearer": []}]),
        &[("security_changed", "#/security", true)],
        2,
    );
    assert_mutation(
        |doc| doc["servers"][0]["url"] = json!("https://hub.360dialog.com"),
        &[("servers_changed", "#/servers", true)],
        2,
    );
    assert_mutation(
        |doc| doc["openapi"] = json!("3.2.0"),
        &[("openapi_version_changed", "#/openapi", true)],
        2,
    );
    assert_mutation(
        |doc| doc["info"]["version"] = json!("2.1.0"),
        &[("metadata_changed", "#/info", false)],
        1,
    );
}

#[test]
fn documentation_changes_are_non_breaking() {
    assert_mutation(
        |doc| {
            operation(doc, "get")["summary"] = json!("Get partner");
            schema(doc, "PartnerOut")["properties"]["country"]["description"] = json!("ISO code");
        },
        &[
            (
                "documentation_changed",
                "#/components/schemas/PartnerOut/properties/country/description",
                false,
            ),
            (
                "documentation_changed",
                "#/paths/~1api~1v2~1partners~1{partner_id}/get/summary",
                false,
            ),
        ],
        1,
    );
}

#[test]
fn a_change_no_rule_knows_is_listed_as_unclassified_and_counted_breaking() {
    assert_mutation(
        |doc| schema(doc, "PatchPartnerIn")["properties"]["webhook_url"]["maxLength"] = json!(2048),
        &[(
            "unclassified",
            "#/components/schemas/PatchPartnerIn/properties/webhook_url/maxLength",
            true,
        )],
        2,
    );
}

const HOOK: &str = "webhook channelCreated POST";

/// The vendored spec with a `channelCreated` webhook whose payload schema has `properties`
/// (and `required`).
fn with_webhook(properties: Value, required: &[&str]) -> Value {
    let mut doc = vendored();
    doc["webhooks"] = json!({"channelCreated": {"post": {
        "summary": "Channel Created",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChannelCreatedEvent"}}}},
        "responses": {"200": {"description": "Acknowledge the event"}}
    }}});
    *schema(&mut doc, "ChannelCreatedEvent") = json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false});
    doc
}

fn event_properties() -> Value {
    json!({
        "event": {"type": "string", "enum": ["channel_created"]},
        "channel_id": {"type": "string"},
        "created_at": {"type": "integer"}
    })
}

#[test]
fn a_webhook_added_is_non_breaking_not_unclassified() {
    let old = vendored();
    let new = with_webhook(event_properties(), &["event"]);
    assert_changes(
        &old,
        &new,
        &[
            (
                "type_added",
                "#/components/schemas/ChannelCreatedEvent",
                false,
            ),
            ("webhook_added", HOOK, false),
        ],
        1,
    );
    // A webhook added beside an operation works the same; a whole `webhooks` object is no
    // unclassified difference any more.
    assert!(
        diff(&old, &new)
            .changes
            .iter()
            .all(|c| c.kind.name() != "unclassified")
    );
}

#[test]
fn a_webhook_removed_is_breaking() {
    let old = with_webhook(event_properties(), &[]);
    let mut new = old.clone();
    new["webhooks"]["channelUpdated"] = old["webhooks"]["channelCreated"].clone();
    let mut removed = new.clone();
    remove(&mut removed["webhooks"], "channelCreated");
    assert_changes(&new, &removed, &[("webhook_removed", HOOK, true)], 2);
}

#[test]
fn webhook_payload_changes_are_classified_like_response_changes() {
    let old = with_webhook(event_properties(), &["event"]);
    let at = |field: &str| format!("{HOOK} payload $.{field}");
    type Mutate = fn(&mut Value);
    let cases: Vec<(Mutate, &str, String, bool, u8)> = vec![
        (
            (|doc| {
                remove(
                    &mut schema(doc, "ChannelCreatedEvent")["properties"],
                    "channel_id",
                )
            }),
            "response_property_removed",
            at("channel_id"),
            true,
            2,
        ),
        (
            (|doc| {
                schema(doc, "ChannelCreatedEvent")["properties"]["waba_id"] =
                    json!({"type": "string"})
            }),
            "response_property_added",
            at("waba_id"),
            false,
            1,
        ),
        (
            (|doc| {
                schema(doc, "ChannelCreatedEvent")["properties"]["created_at"]["type"] =
                    json!("string")
            }),
            "response_property_type_changed",
            at("created_at"),
            true,
            2,
        ),
        (
            (|doc| {
                schema(doc, "ChannelCreatedEvent")["properties"]["event"]["enum"] =
                    json!(["channel_created", "channel_created_v2"])
            }),
            "response_enum_value_added",
            at("event"),
            false,
            1,
        ),
        (
            (|doc| schema(doc, "ChannelCreatedEvent")["properties"]["event"]["enum"] = json!([])),
            "response_enum_value_removed",
            at("event"),
            true,
            2,
        ),
        (
            (|doc| schema(doc, "ChannelCreatedEvent")["required"] = json!(["event", "channel_id"])),
            "response_property_became_required",
            at("channel_id"),
            true,
            2,
        ),
        (
            (|doc| {
                remove(
                    &mut doc["webhooks"]["channelCreated"]["post"],
                    "requestBody",
                )
            }),
            "response_property_type_changed",
            format!("{HOOK} payload $"),
            true,
            2,
        ),
        (
            (|doc| {
                doc["webhooks"]["channelCreated"]["post"]["summary"] =
                    json!("A channel was created")
            }),
            "documentation_changed",
            "#/webhooks/channelCreated/post/summary".to_string(),
            false,
            1,
        ),
    ];
    for (mutate, kind, location, breaking, exit) in cases {
        let mut new = old.clone();
        mutate(&mut new);
        assert_changes(&old, &new, &[(kind, &location, breaking)], exit);
    }
    let mut new = old.clone();
    remove(
        &mut new["webhooks"]["channelCreated"]["post"],
        "requestBody",
    );
    assert_eq!(
        diff(&old, &new).changes[0].detail,
        "application/json → no payload"
    );
}
