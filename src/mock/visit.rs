//! The browser's part of integrated onboarding, for tests and examples of the whole loop: a
//! link opened as the client's browser opens it, and where the hub sends the browser back.

use super::MockHub;
use crate::error::{ApiError, ConfigError, ErrorKind, TransportError};
use reqwest::{StatusCode, Url};

impl MockHub {
    /// Opens `link` as the client's browser would (one `GET`, no redirect followed) and returns
    /// where the hub sends the browser back: the `Location` of its 302, to read with
    /// [`Redirect::parse`](crate::onboarding::Redirect::parse). On the simulated hub
    /// ([`MockHub::sandbox`]) that completes an onboarding: a client and a channel are made and
    /// their events follow. A link for this hub is made with
    /// [`Link::origin`](crate::onboarding::Link::origin)`(hub.base_url())`.
    ///
    /// An answer other than a redirect is an error with [`ErrorKind::Api`]: 403 for an IO
    /// signature the hub refuses (its message says why), 404 for another partner, 400 when the
    /// hub has nowhere to send the browser.
    pub async fn visit(&self, link: &Url) -> crate::Result<String> {
        let http = crate::client::tls::configure(reqwest::ClientBuilder::new(), &[])
            .map_err(ErrorKind::Config)?
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                ErrorKind::Config(ConfigError::Http(format!(
                    "cannot build the HTTP client: {e}"
                )))
            })?;
        let transport = |e| ErrorKind::Transport(TransportError::new(e, link));
        let response = http.get(link.clone()).send().await.map_err(transport)?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        match (status, location) {
            (StatusCode::FOUND | StatusCode::SEE_OTHER, Some(location)) => Ok(location),
            (status, _) => {
                let body = response.bytes().await.map_err(transport)?;
                Err(ErrorKind::Api(ApiError::new(status, None, &body)).into())
            }
        }
    }
}
