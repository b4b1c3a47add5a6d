//! A structure's software may prove itself with a TLS client certificate instead of a signed
//! assertion (issue 12, item 5), where `mds` terminates TLS and `tls.client_ca_file` names
//! the CA that issues such certificates. The contract:
//!
//! - rustls verifies the chain to that CA and the certificate's dates during the handshake;
//!   the request then carries only the SHA-256 of the leaf certificate (RFC 8705 `x5t#S256`);
//! - support registers the certificate itself (its PEM, through the same use case, console
//!   form and command as the JWKs, `App::register_structure_keys`) on one of the structure's
//!   credentials, as a key of algorithm `x509`: this pins it. A certificate of the CA that
//!   support did not register, or revoked, proves nothing; a certificate names one credential
//!   for ever, and it verifies no assertion at the token endpoint;
//! - each call is then checked as every software call is (`professional`): the credential
//!   active and within its end date, the named professional of the structure, authorised,
//!   active, with two factors asserted. Every refusal is audited.

use super::jws::JwkError;
use crate::{Actor, App, AppError};
use data_encoding::{BASE64, BASE64URL_NOPAD};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{CredentialState, Timestamp};
use mds_store::structure_access as rows;
use mds_store::structure_credentials as creds;
use sha2::{Digest, Sha256};

/// The algorithm recorded for a certificate among a credential's keys.
pub const CERTIFICATE_ALG: &str = "x509";
const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";
/// Longest certificate accepted (DER bytes).
const MAX_DER_BYTES: usize = 16 * 1024;

/// A certificate as it is registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// `cert-` and the start of the thumbprint: its name among the credential's keys.
    pub kid: String,
    /// base64url SHA-256 of the DER (`x5t#S256`).
    pub thumbprint: String,
    /// `{"x5t#S256": …, "x5c": [DER in base64]}`.
    pub json: String,
}

/// Whether a registration text is a PEM certificate rather than a JWK or JWKS.
pub fn is_pem_certificate(text: &str) -> bool {
    text.contains(BEGIN)
}

fn refuse(text: &str) -> JwkError {
    JwkError(text.to_owned())
}

/// Reads the first certificate of a PEM text (the software's own; a chain after it is
/// ignored: the CA is the server's business). Refuses a text holding a private key.
pub fn parse_certificate(pem: &str) -> Result<Certificate, JwkError> {
    if pem.contains("PRIVATE KEY") {
        return Err(refuse(
            "Ce texte contient une clé privée : ne transmettez que le certificat.",
        ));
    }
    let start = pem
        .find(BEGIN)
        .ok_or_else(|| refuse("Certificat PEM attendu (-----BEGIN CERTIFICATE-----)."))?;
    let body = &pem[start + BEGIN.len()..];
    let end = body
        .find(END)
        .ok_or_else(|| refuse("Certificat PEM incomplet (-----END CERTIFICATE----- manque)."))?;
    let b64: String = body[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = BASE64
        .decode(b64.as_bytes())
        .map_err(|_| refuse("Certificat PEM illisible (base64 invalide)."))?;
    if der.len() > MAX_DER_BYTES || !is_der_sequence(&der) {
        return Err(refuse(
            "Ce texte n'est pas un certificat X.509 (DER invalide).",
        ));
    }
    let thumbprint = BASE64URL_NOPAD.encode(&Sha256::digest(&der));
    let json = serde_json::json!({ "x5t#S256": thumbprint, "x5c": [BASE64.encode(&der)] });
    Ok(Certificate {
        kid: format!("cert-{}", &thumbprint[..16]),
        thumbprint,
        json: json.to_string(),
    })
}

/// Whether `der` is exactly one DER SEQUENCE (what every X.509 certificate is), its length
/// in definite form matching the bytes.
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (len, rest) = if *first < 0x80 {
        (usize::from(*first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 3 || rest.len() < n {
            return false;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    len == rest.len() && len > 0
}

impl App {
    /// A structure's software presenting the TLS client certificate `thumbprint` (verified
    /// by the TLS layer), in the name of `professional`: the certificate must be registered
    /// and active on an active credential, then the checks of every software call apply.
    /// An unregistered or revoked certificate is `Unauthenticated`, and audited.
    pub async fn authenticate_certificate(
        &self,
        thumbprint: &str,
        professional: &str,
        two_factor_asserted: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Actor, AppError> {
        let key = rows::certificate_by_thumbprint(&self.db, thumbprint).await?;
        let credential = match &key {
            Some(k) if k.state == CredentialState::Active => {
                creds::by_id(&self.db, &k.credential_id).await?
            }
            _ => None,
        };
        let (Some(key), Some(credential)) = (&key, credential) else {
            let rule = if key.is_some() {
                "software.certificate_revoked"
            } else {
                "software.unknown_certificate"
            };
            let ev = NewEvent {
                actor_id: key.as_ref().map(|k| k.credential_id.clone()),
                structure_id: key.as_ref().map(|k| k.structure_id.to_string()),
                rule: Some(rule.to_owned()),
                ip,
                detail: serde_json::json!({ "certificate": thumbprint }),
                ..NewEvent::new(
                    ActorKind::StructureSoftware,
                    "software.authenticate",
                    Outcome::Deny,
                )
            };
            self.record_event(ev, now.millis()).await?;
            return Err(AppError::Unauthenticated);
        };
        let call = super::SoftwareCall {
            credential: &credential,
            key_id: Some(&key.id),
            professional,
            two_factor_asserted,
            ip,
        };
        self.software_actor(call, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal DER SEQUENCE in PEM (not a real certificate: the parser checks the framing
    /// only; rustls checks the rest at the handshake).
    fn pem_of(der: &[u8]) -> String {
        format!("{BEGIN}\n{}\n{END}\n", BASE64.encode(der))
    }

    #[test]
    fn certificates_decision_table() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let long: Vec<u8> = [0x30, 0x82, 0x01, 0x00]
            .into_iter()
            .chain(std::iter::repeat_n(0, 256))
            .collect();
        let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        // (case, text, accepted)
        let cases = [
            ("one sequence", pem_of(&der), true),
            ("long form length", pem_of(&long), true),
            (
                "chain: the first is taken",
                format!("{}{}", pem_of(&der), pem_of(&long)),
                true,
            ),
            ("text before", format!("Subject: x\n{}", pem_of(&der)), true),
            (
                "private key beside",
                format!("{}{key}", pem_of(&der)),
                false,
            ),
            ("not a sequence", pem_of(&[0x02, 0x01, 0x05]), false),
            (
                "length too short",
                pem_of(&[0x30, 0x04, 0x02, 0x01, 0x05]),
                false,
            ),
            ("trailing bytes", pem_of(&[0x30, 0x00, 0x00]), false),
            ("empty", pem_of(&[]), false),
            ("no end line", format!("{BEGIN}\nMAMCAQU=\n"), false),
            ("bad base64", format!("{BEGIN}\n@@@@\n{END}\n"), false),
            ("a JWK", r#"{"kty":"EC"}"#.to_owned(), false),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, text, ok)| parse_certificate(text).is_ok() != *ok)
            .map(|c| c.0)
            .collect();
        assert!(failing.is_empty(), "{failing:?}");
    }

    #[test]
    fn the_thumbprint_is_the_sha256_of_the_der() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let c = parse_certificate(&pem_of(&der)).unwrap();
        let expected = BASE64URL_NOPAD.encode(&Sha256::digest(der));
        assert_eq!(c.thumbprint, expected);
        assert_eq!(c.kid, format!("cert-{}", &expected[..16]));
        let json: serde_json::Value = serde_json::from_str(&c.json).unwrap();
        assert_eq!(json["x5t#S256"], expected.as_str());
        assert_eq!(json["x5c"][0], BASE64.encode(&der).as_str());
        assert!(is_pem_certificate(&format!("  \n{}", pem_of(&der))));
        assert!(!is_pem_certificate(r#"{"keys":[]}"#));
    }
}
