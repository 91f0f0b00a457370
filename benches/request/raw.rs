//! The baseline: what a user would write by hand with `reqwest` and `serde_json`, with structs
//! for `PartnerOut` shaped like the generated ones (every field optional, nested settings typed).

use serde::Deserialize;

/// The hub's partner, hand-written.
#[derive(Deserialize, Debug)]
#[allow(dead_code)] // decoded to pay the same cost as the client; only `id` is read
pub struct PartnerOut {
    pub id: Option<String>,
    pub brand_name: Option<String>,
    pub payment_required: Option<bool>,
    pub payment_plan: Option<serde_json::Map<String, serde_json::Value>>,
    pub logo_url: Option<String>,
    pub onboarding_deeplink_add_params: Option<bool>,
    pub webhook_url: Option<String>,
    pub partner_redirect_url: Option<String>,
    pub country: Option<String>,
    pub blocked_new_submission: Option<bool>,
    pub allow_client_to_add_phone_no: Option<bool>,
    pub settings: Option<PartnerSettings>,
    pub billing_system: Option<String>,
    pub publishable_key: Option<String>,
}

/// The partner's settings, hand-written.
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
pub struct PartnerSettings {
    pub partner_change_request: Option<ChangeRequestSettings>,
    pub account_sharing: Option<AccountSharing>,
    pub default_data_localization_region: Option<String>,
    pub use_marketing_messages_api: Option<bool>,
    pub bearer_token_auth_disabled: Option<bool>,
    pub io_secure: Option<IoSecure>,
    pub is_direct_360dialog_partner: Option<bool>,
}

/// Change request settings, hand-written.
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
pub struct ChangeRequestSettings {
    pub auto_approve: Option<bool>,
}

/// Account sharing settings, hand-written.
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
pub struct AccountSharing {
    pub solution_id: Option<String>,
    pub business_manager_id: Option<String>,
    pub solution_status: Option<String>,
}

/// IO security settings, hand-written.
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
pub struct IoSecure {
    pub io_signature_verification_enabled: Option<bool>,
}

/// A hand-written client: one `reqwest::Client` with the crate's connection settings.
#[derive(Clone)]
pub struct RawClient {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
}

impl RawClient {
    /// The same settings `d360_partner::ClientBuilder::build` applies (TLS is irrelevant on
    /// plain-HTTP loopback).
    pub fn new(base_url: &str, api_key: &str) -> RawClient {
        // reqwest is built without a default crypto provider (this crate picks `ring`); a
        // hand-written client installs one. Plain HTTP never uses it.
        // Deprecated in rustls 0.23.48 in favour of a provider with post-quantum key exchange,
        // which plain HTTP never reaches either.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("d360-partner-rust/", env!("CARGO_PKG_VERSION")))
            .timeout(d360_partner::ClientBuilder::DEFAULT_TIMEOUT)
            .connect_timeout(d360_partner::ClientBuilder::DEFAULT_CONNECT_TIMEOUT)
            .build()
            .expect("a reqwest client");
        RawClient {
            http,
            base_url: base_url.to_string(),
            api_key: api_key.to_string(),
        }
    }

    /// `GET /api/v2/partners/{id}`, decoded, as a user would write it.
    pub async fn get_partner(&self, partner_id: &str) -> Result<PartnerOut, reqwest::Error> {
        self.http
            .get(format!("{}/api/v2/partners/{partner_id}", self.base_url))
            .header("x-api-key", &self.api_key)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }
}
