//! The headers of a call made by a structure's software (the REST API and FHIR read them the
//! same way): its bearer token (an access token of the token endpoint, `mds-at-…`, or a
//! credential secret, `mds-sw-…`; which is which is the use case's business), the professional
//! it acts for and whether it asserts their two-factor sign-in.

use axum::http::{header, HeaderMap};

/// Header naming the professional a structure's software acts for: their MDS account id
/// or their professional number.
pub const PROFESSIONAL_HEADER: &str = "x-mds-professional";
/// Header by which the software asserts how the professional signed in to it: RFC 8176
/// authentication method references, separated by spaces or commas; `mfa` (two factors,
/// EXI 23) is required.
pub const AMR_HEADER: &str = "x-mds-professional-amr";
/// Longest bearer token read; a longer one is no token at all.
pub const MAX_TOKEN_LEN: usize = 256;

/// What a software call carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftwareHeaders {
    pub token: String,
    pub professional: Option<String>,
    pub two_factor_asserted: bool,
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
    /// Reads the headers of a software call; `None` without a bearer token.
    pub fn read(headers: &HeaderMap) -> Option<Self> {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let token = bearer(headers)?.to_owned();
        let professional = text(PROFESSIONAL_HEADER)
            .filter(|p| !p.is_empty() && p.len() <= 64)
            .map(str::to_owned);
        let two_factor_asserted = text(AMR_HEADER).is_some_and(|v| {
            v.split([' ', ','])
                .any(|m| m.trim().eq_ignore_ascii_case("mfa"))
        });
        Some(Self {
            token,
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

    /// What a read gives: token, professional, two factors asserted.
    type Read<'a> = Option<(&'a str, Option<&'a str>, bool)>;

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
                Some(("mds-at-1", None, false)),
            ),
            (
                headers(&[
                    ("authorization", "Bearer mds-sw-2 "),
                    ("x-mds-professional", " 10001234567 "),
                    ("x-mds-professional-amr", "pwd, MFA"),
                ]),
                Some(("mds-sw-2", Some("10001234567"), true)),
            ),
            (
                headers(&[
                    ("authorization", "Bearer t"),
                    ("x-mds-professional", ""),
                    ("x-mds-professional-amr", "pwd otp"),
                ]),
                Some(("t", None, false)),
            ),
        ];
        for (h, expected) in cases {
            let got = SoftwareHeaders::read(&h);
            let got = got.as_ref().map(|s| {
                (
                    s.token.as_str(),
                    s.professional.as_deref(),
                    s.two_factor_asserted,
                )
            });
            assert_eq!(got, expected, "{h:?}");
        }
    }
}
