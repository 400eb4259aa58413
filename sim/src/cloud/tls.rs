//! The test CA: generated at every start (rcgen, P-256), it signs the
//! server certificate; phones trust the CA's PEM through configuration, so
//! tests go through real certificate verification.

use super::error::CloudError;
use latchkey_protocol::crypto::sha256;
use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

/// The server's TLS material.
pub(super) struct TestPki {
    /// rustls settings for the listener (ring provider, h2 + http/1.1).
    pub(super) server_config: Arc<rustls::ServerConfig>,
    /// The CA certificate phones must trust.
    pub(super) ca_pem: String,
    /// SHA-256 of the server certificate's SubjectPublicKeyInfo (for pinning).
    pub(super) server_spki_sha256: [u8; 32],
}

impl TestPki {
    /// A fresh CA and a server certificate for `names` (DNS names or IPs).
    pub(super) fn generate(names: &[String]) -> Result<Self, CloudError> {
        let tls = |e: rcgen::Error| CloudError::Tls(e.to_string());

        let ca_key = KeyPair::generate().map_err(tls)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.distinguished_name = name("latchkey reference cloud test CA");
        let ca_cert = ca_params.self_signed(&ca_key).map_err(tls)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().map_err(tls)?;
        let mut server_params = CertificateParams::new(names.to_vec()).map_err(tls)?;
        server_params.distinguished_name = name("latchkey reference cloud");
        let server_cert = server_params.signed_by(&server_key, &issuer).map_err(tls)?;
        let server_spki_sha256 = sha256(&[&rcgen::PublicKeyData::subject_public_key_info(&server_key)]);

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let chain: Vec<CertificateDer<'static>> = vec![server_cert.der().clone(), ca_cert.der().clone()];
        let mut server_config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| CloudError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| CloudError::Tls(e.to_string()))?;
        server_config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Self {
            server_config: Arc::new(server_config),
            ca_pem: ca_cert.pem(),
            server_spki_sha256,
        })
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn
}
