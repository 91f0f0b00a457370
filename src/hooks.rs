//! What every generated operation runs around its request: credentials in, progenitor's
//! `api-version` header out, and one tracing span per request.

use crate::Client;
use crate::client::ClientState;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::HeaderName;
use std::time::Instant;
use tracing::Instrument;

/// progenitor sends `api-version: <info.version>` on every request; the 360dialog hub has no
/// such header, so it is removed.
const GENERATOR_API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let headers = request.headers_mut();
        headers.remove(GENERATOR_API_VERSION_HEADER);
        let (name, value) = &self.inner().auth_header;
        headers.insert(name.clone(), value.clone());
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // Method, path and outcome only: no headers (credentials), no bodies.
        let span = tracing::debug_span!(
            "d360_partner.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .client()
            .execute(request)
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                span.in_scope(|| tracing::debug!(status = response.status().as_u16(), "response"));
            }
            Err(error) => span.in_scope(|| tracing::debug!(%error, "request failed")),
        }
        result
    }
}
