//! The headers of a call made by a structure's software (the REST API and FHIR read them the
//! same way): what proves the software — its bearer token (an access token of the token
//! endpoint, `mds-at-…`, or a credential secret, `mds-sw-…`; which is which is the use case's
//! business) or, without a bearer token, the TLS client certificate of its connection —, the
//! professional it acts for and whether it asserts their two-factor sign-in.
//!
//! The certificate reaches a request only as a [`PeerCertificate`] extension, which the TLS
//! acceptor of `mds serve` inserts after rustls verified the certificate against the
//! configured CA (`tls.client_ca_file`); no header can carry it.

use axum::http::{header, Extensions, HeaderMap};

/// Header naming the professional a structure's software acts for: their MDS account id
/// or their professional number.
pub const PROFESSIONAL_HEADER: &str = "x-mds-professional";
/// Header by which the software asserts how the professional signed in to it: RFC 8176
/// authentication method references, separated by spaces or commas; `mfa` (two factors,
/// EXI 23) is required.
pub const AMR_HEADER: &str = "x-mds-professional-amr";
/// Longest bearer token read; a longer one is no token at all.
pub const MAX_TOKEN_LEN: usize = 256;

/// The client certificate of a TLS connection, as every request on it carries it in its
/// extensions: the base64url SHA-256 of the leaf certificate's DER (RFC 8705 `x5t#S256`),
/// `None` when the client presented none. Absent on a connection without TLS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerCertificate(pub Option<String>);

/// What proves a software call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SoftwareCredential {
    /// `Authorization: Bearer …`.
    Token(String),
    /// The connection's verified client certificate (`x5t#S256`), without a bearer token.
    Certificate(String),
}

/// What a software call carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftwareHeaders {
    pub credential: SoftwareCredential,
    pub professional: Option<String>,
    pub two_factor_asserted: bool,
}

/// The client certificate of the request's connection, if it presented one.
pub fn peer_certificate(extensions: &Extensions) -> Option<&str> {
    extensions
        .get::<PeerCertificate>()
        .and_then(|p| p.0.as_deref())
}

/// The bearer token of a request (`Authorization: Bearer …`), trimmed; `None` without one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_LEN)
}

impl SoftwareHeaders {
    /// Reads the headers of a software call; `None` without a bearer token or a client
    /// certificate (a bearer token wins over the certificate).
    pub fn read(headers: &HeaderMap, extensions: &Extensions) -> Option<Self> {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let credential = match bearer(headers) {
            Some(token) => SoftwareCredential::Token(token.to_owned()),
            None => SoftwareCredential::Certificate(peer_certificate(extensions)?.to_owned()),
        };
        let professional = text(PROFESSIONAL_HEADER)
            .filter(|p| !p.is_empty() && p.len() <= 64)
            .map(str::to_owned);
        let two_factor_asserted = text(AMR_HEADER).is_some_and(|v| {
            v.split([' ', ','])
                .any(|m| m.trim().eq_ignore_ascii_case("mfa"))
        });
        Some(Self {
            credential,
            professional,
            two_factor_asserted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    /// What a read gives: token or certificate, professional, two factors asserted.
    type Read<'a> = Option<(SoftwareCredential, Option<&'a str>, bool)>;

    fn token(t: &str) -> SoftwareCredential {
        SoftwareCredential::Token(t.to_owned())
    }

    #[test]
    fn software_headers_decision_table() {
        let long = "x".repeat(MAX_TOKEN_LEN + 1);
        // (headers, expected token, professional, mfa)
        let cases: Vec<(HeaderMap, Read)> = vec![
            (headers(&[]), None),
            (headers(&[("authorization", "Basic abc")]), None),
            (headers(&[("authorization", "Bearer  ")]), None),
            (
                headers(&[("authorization", &format!("Bearer {long}"))]),
                None,
            ),
            (
                headers(&[("authorization", "Bearer mds-at-1")]),
                Some((token("mds-at-1"), None, false)),
            ),
            (
                headers(&[
                    ("authorization", "Bearer mds-sw-2 "),
                    ("x-mds-professional", " 10001234567 "),
                    ("x-mds-professional-amr", "pwd, MFA"),
                ]),
                Some((token("mds-sw-2"), Some("10001234567"), true)),
            ),
            (
                headers(&[
                    ("authorization", "Bearer t"),
                    ("x-mds-professional", ""),
                    ("x-mds-professional-amr", "pwd otp"),
                ]),
                Some((token("t"), None, false)),
            ),
        ];
        let none = Extensions::new();
        for (h, expected) in cases {
            let got = SoftwareHeaders::read(&h, &none);
            let got = got.as_ref().map(|s| {
                (
                    s.credential.clone(),
                    s.professional.as_deref(),
                    s.two_factor_asserted,
                )
            });
            assert_eq!(got, expected, "{h:?}");
        }
    }

    #[test]
    fn a_client_certificate_proves_the_software_only_without_a_bearer_token() {
        let with = |peer: Option<&str>| {
            let mut e = Extensions::new();
            e.insert(PeerCertificate(peer.map(str::to_owned)));
            e
        };
        let pro = [
            ("x-mds-professional", "10001234567"),
            ("x-mds-professional-amr", "mfa"),
        ];
        let bearer = [("authorization", "Bearer mds-at-1")];
        // (case, headers, extensions, expected credential)
        let cases = [
            (
                "certificate",
                headers(&pro),
                with(Some("x5t")),
                Some(SoftwareCredential::Certificate("x5t".into())),
            ),
            (
                "bearer wins",
                headers(&bearer),
                with(Some("x5t")),
                Some(token("mds-at-1")),
            ),
            ("TLS, no certificate", headers(&pro), with(None), None),
            ("no TLS", headers(&pro), Extensions::new(), None),
        ];
        for (case, h, e, expected) in cases {
            let got = SoftwareHeaders::read(&h, &e).map(|s| s.credential);
            assert_eq!(got, expected, "{case}");
        }
        let got = SoftwareHeaders::read(&headers(&pro), &with(Some("x5t")));
        assert_eq!(
            got.map(|s| (s.professional, s.two_factor_asserted)),
            Some((Some("10001234567".to_owned()), true))
        );
    }
}
