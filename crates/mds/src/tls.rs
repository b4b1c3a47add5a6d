//! HTTPS served by `mds` itself (rustls): the server's certificate and key, and, with
//! `tls.client_ca_file`, client certificates issued by that CA. A client certificate is
//! optional (browsers, apps and FHIR clients with tokens connect without one); one that is
//! presented must chain to the configured CA and be within its dates, or the handshake
//! fails. Each request on the connection then carries `mds_http::PeerCertificate`, the
//! SHA-256 of the leaf certificate (`x5t#S256`), inserted here and nowhere else: the
//! surfaces let a registered certificate stand in for a structure software's token.

use crate::config::TlsConfig;
use axum::middleware::AddExtension;
use axum_server::accept::Accept;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use data_encoding::BASE64URL_NOPAD;
use mds_http::PeerCertificate;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::server::TlsStream;
use tower::Layer;

/// The rustls configuration of `tls`: its certificate chain and key, and the client
/// certificate verifier when a client CA is configured.
pub fn server_config(tls: &TlsConfig) -> Result<RustlsConfig, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let chain = CertificateDer::pem_file_iter(&tls.cert_file)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| format!("cannot read the TLS certificate {}: {e}", tls.cert_file))?;
    if chain.is_empty() {
        return Err(format!("no certificate in {}", tls.cert_file));
    }
    let key = PrivateKeyDer::from_pem_file(&tls.key_file)
        .map_err(|e| format!("cannot read the TLS key {}: {e}", tls.key_file))?;
    let builder = ServerConfig::builder();
    let builder = if tls.client_ca_file.is_empty() {
        builder.with_no_client_auth()
    } else {
        let mut roots = RootCertStore::empty();
        let cas = CertificateDer::pem_file_iter(&tls.client_ca_file)
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(|e| format!("cannot read the client CA {}: {e}", tls.client_ca_file))?;
        for ca in cas {
            roots
                .add(ca)
                .map_err(|e| format!("client CA {}: {e}", tls.client_ca_file))?;
        }
        if roots.is_empty() {
            return Err(format!("no certificate in {}", tls.client_ca_file));
        }
        let verifier = WebPkiClientVerifier::builder(Arc::new(roots))
            .allow_unauthenticated()
            .build()
            .map_err(|e| format!("client CA {}: {e}", tls.client_ca_file))?;
        builder.with_client_cert_verifier(verifier)
    };
    let mut config = builder.with_single_cert(chain, key).map_err(|e| {
        format!(
            "TLS certificate {} / key {}: {e}",
            tls.cert_file, tls.key_file
        )
    })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

/// The base64url SHA-256 of a certificate's DER (RFC 8705 `x5t#S256`).
pub fn thumbprint(der: &[u8]) -> String {
    BASE64URL_NOPAD.encode(&Sha256::digest(der))
}

/// The TLS acceptor that gives every request of a connection its client certificate.
#[derive(Clone)]
pub struct WithPeerCertificate<A> {
    inner: RustlsAcceptor<A>,
}

impl<A> WithPeerCertificate<A> {
    pub fn new(inner: RustlsAcceptor<A>) -> Self {
        Self { inner }
    }
}

impl<A, I, S> Accept<I, S> for WithPeerCertificate<A>
where
    A: Accept<I, S>,
    A::Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A::Service: Send + 'static,
    A::Future: Send + 'static,
{
    type Stream = TlsStream<A::Stream>;
    type Service = AddExtension<A::Service, PeerCertificate>;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let handshake = self.inner.accept(stream, service);
        Box::pin(async move {
            let (stream, service) = handshake.await?;
            let peer = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|leaf| thumbprint(leaf.as_ref()));
            Ok((
                stream,
                axum::Extension(PeerCertificate(peer)).layer(service),
            ))
        })
    }
}
