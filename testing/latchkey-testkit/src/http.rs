//! A plain HTTPS client for a cloud: any method, path, token and body, and
//! the answer as it came. What an attacker sends (the access-control
//! tests), and what `latchkey cloud-check` uses for the operator's calls;
//! none of the sync engine's rules (no retries, no token refresh).

use crate::cloud::SceneError;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// One answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

impl Answer {
    /// The error body's `code` (empty when there is none).
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

/// A client for one cloud.
#[derive(Debug, Clone)]
pub struct CloudHttp {
    client: reqwest::Client,
    base_url: String,
}

impl CloudHttp {
    /// A client for the cloud at `base_url` trusting `ca_pem` (the
    /// platform's roots when `None`), with a 30 s timeout.
    pub fn new(base_url: &str, ca_pem: Option<&str>) -> Result<Self, SceneError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = match ca_pem {
            Some(pem) => {
                let mut roots = RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                    roots.add(cert?)?;
                }
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build()?
            }
            None => Arc::new(rustls_platform_verifier::Verifier::new(provider.clone())?),
        };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
        })
    }

    /// `method path` with `token` as the bearer (none when `None`) and
    /// `body` as JSON.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Answer, SceneError> {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut request = self.client.request(method, format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(body)?);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = response.bytes().await?;
        Ok(Answer {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            retry_after,
        })
    }

    /// `GET path`.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Result<Answer, SceneError> {
        self.send("GET", path, token, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Result<Answer, SceneError> {
        self.send("POST", path, token, Some(body)).await
    }
}
