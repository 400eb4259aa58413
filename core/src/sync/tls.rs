//! The rustls client configuration: ring as the only crypto provider
//! (the algorithms it offers: `crypto_provider.rs`),
//! explicit roots (configured PEM or the platform's verifier), optional
//! SPKI pinning on top, ALPN http/1.1 (the client speaks HTTP/1.1 only).

use super::config::{TlsSettings, TrustRoots};
use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// Builds the client configuration the cloud client (`http/client.rs`)
/// connects with.
pub(crate) fn client_config(settings: &TlsSettings) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(super::crypto_provider::provider());
    let verifier: Arc<dyn ServerCertVerifier> = match &settings.roots {
        TrustRoots::Pem(pems) => {
            let mut roots = RootCertStore::empty();
            for pem in pems {
                for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                    let cert = cert.map_err(|e| format!("a configured root is not valid PEM: {e}"))?;
                    roots
                        .add(cert)
                        .map_err(|e| format!("a configured root is not a usable CA certificate: {e}"))?;
                }
            }
            if roots.is_empty() {
                return Err("no CA certificate in the configured PEM roots".into());
            }
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| format!("roots: {e}"))?
        }
        TrustRoots::Platform => Arc::new(
            rustls_platform_verifier::Verifier::new(provider.clone())
                .map_err(|e| format!("the platform trust store is not available: {e}"))?,
        ),
    };
    let pins = parse_pins(&settings.spki_sha256_pins)?;
    let verifier: Arc<dyn ServerCertVerifier> = if pins.is_empty() {
        verifier
    } else {
        Arc::new(PinnedVerifier { inner: verifier, pins })
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS versions: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Pins as base64 or hex of 32 bytes.
fn parse_pins(pins: &[String]) -> Result<Vec<[u8; 32]>, String> {
    pins.iter()
        .map(|pin| {
            let pin = pin.trim();
            let pin = pin.strip_prefix("sha256/").unwrap_or(pin);
            let bytes = if pin.len() == 64 {
                latchkey_protocol::hex::decode(pin)
            } else {
                base64::engine::general_purpose::STANDARD.decode(pin).ok()
            };
            bytes
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| format!("`{pin}` is not a SHA-256 pin (base64 or 64 hex digits)"))
        })
        .collect()
}

/// SHA-256 of a certificate's SubjectPublicKeyInfo (DER, with its
/// SEQUENCE header), or `None` when it does not parse.
pub fn spki_sha256(cert_der: &[u8]) -> Option<[u8; 32]> {
    let der = CertificateDer::from(cert_der);
    let cert = webpki::EndEntityCert::try_from(&der).ok()?;
    let spki = cert.subject_public_key_info();
    let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
    digest.as_ref().try_into().ok()
}

/// The inner verifier decides whether the chain is trusted; then one of
/// its certificates must carry a pinned key.
#[derive(Debug)]
struct PinnedVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    pins: Vec<[u8; 32]>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        let pinned = std::iter::once(end_entity)
            .chain(intermediates)
            .filter_map(|c| spki_sha256(c))
            .any(|hash| self.pins.contains(&hash));
        if pinned {
            Ok(verified)
        } else {
            Err(rustls::Error::General(
                "the server's certificate chain matches no configured SPKI pin".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_as_base64_or_hex_and_junk_is_refused() {
        let hex = "ab".repeat(32);
        let b64 = base64::engine::general_purpose::STANDARD.encode([0xab; 32]);
        assert_eq!(
            parse_pins(&[hex, format!("sha256/{b64}")]).unwrap(),
            vec![[0xab; 32]; 2]
        );
        assert!(parse_pins(&["not a pin".into()]).is_err());
        assert!(parse_pins(&["abcd".into()]).is_err());
    }

    #[test]
    fn empty_or_garbage_pem_roots_are_a_configuration_error() {
        let settings = |pem: &str| TlsSettings {
            roots: TrustRoots::Pem(vec![pem.into()]),
            spki_sha256_pins: vec![],
        };
        assert!(client_config(&settings("")).is_err());
        assert!(client_config(&settings(
            "-----BEGIN CERTIFICATE-----\nzz\n-----END CERTIFICATE-----\n"
        ))
        .is_err());
    }

    #[test]
    fn spki_of_garbage_is_none() {
        assert_eq!(spki_sha256(b"definitely not DER"), None);
    }
}
