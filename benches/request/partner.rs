//! What the benchmark servers answer and require, shared by the request benchmark and the
//! command-line benchmark of `cargo xtask bench` (which includes this file).

/// A `PartnerOut` as the hub sends it, every documented field set (as in `tests/common`).
pub const PARTNER_BODY: &str = r#"{"id":"PaRtNeR01","brand_name":"Acme","payment_required":false,"payment_plan":{"plan":"basic"},"logo_url":null,"onboarding_deeplink_add_params":false,"webhook_url":"https://acme.example/hook","partner_redirect_url":"https://acme.example/done","country":"DE","blocked_new_submission":false,"allow_client_to_add_phone_no":true,"settings":{"partner_change_request":{"auto_approve":true},"account_sharing":{"solution_id":"s1","business_manager_id":"b1","solution_status":"ACTIVE"},"default_data_localization_region":"EU","use_marketing_messages_api":false,"bearer_token_auth_disabled":true,"io_secure":{"io_signature_verification_enabled":true},"is_direct_360dialog_partner":false},"billing_system":"stripe","publishable_key":null}"#;

/// The partner id the body carries; both contenders check they decoded it.
pub const PARTNER_ID: &str = "PaRtNeR01";

/// The API key the server requires, so a contender that forgot it fails loudly.
pub const API_KEY: &str = "bench-partner-api-key";
