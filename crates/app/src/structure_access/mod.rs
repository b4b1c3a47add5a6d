//! Structure authentication, the DMP's "AIR simplifié" (DESIGN.md 1 and 7, référentiel EXI
//! 23 to 29), and preloading as a declared purpose of reads (EXI 11 and 12).
//!
//! - `credentials`: support creates and revokes a structure software's credentials (with an
//!   end date, EXI 29) and the secret-bearing call is authenticated;
//! - `keys`: support registers a credential's public keys (JWK or JWKS) or TLS client
//!   certificates, lists and revokes them; `certificates`: a call proved by a client
//!   certificate instead of a token; `authorised`: each structure's list of authorised professionals with end dates.
//! - `token`: the token endpoint's use case (a `private_key_jwt` assertion, SMART Backend
//!   Services style, for a short-lived access token) and the authentication of each call
//!   made with such a token in the name of a named professional.
//! - `professional`: the checks every software call passes, whatever its credential.
//! - `preload`: reading ahead of a planned care episode, with its three limits.
//!
//! What a professional may then do is decided by the record's gate exactly as for that
//! professional in person; nothing here decides on a record.

pub mod authorised;
pub mod certificates;
pub mod credentials;
pub mod jws;
pub mod keys;
pub mod preload;
mod professional;
pub mod token;

pub(crate) use professional::Call as SoftwareCall;

use crate::{Actor, App, AppError};
use mds_domain::Timestamp;

/// Prefix of the access tokens issued at the token endpoint.
pub const ACCESS_TOKEN_PREFIX: &str = "mds-at-";
/// Lifetime of an access token (5 minutes).
pub const ACCESS_TOKEN_SECONDS: i64 = 300;
/// Longest lifetime of an assertion (`exp` at most this far ahead).
pub const ASSERTION_MAX_SECONDS: i64 = 300;
/// Clock difference tolerated between the software and the service.
pub const CLOCK_SKEW_SECONDS: i64 = 60;
/// The `client_assertion_type` of a JWT assertion (RFC 7523).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// The path of the token endpoint, the `aud` of every assertion.
pub const TOKEN_PATH: &str = "/fhir/auth/token";
/// Longest end date of a software credential or of an authorisation (EXI 28, 29).
pub const MAX_YEARS: i32 = 3;

/// Whether a bearer token is a structure software's (an access token or a credential
/// secret) rather than a person's session: the surfaces route it by this, and only this.
pub fn is_software_token(token: &str) -> bool {
    token.starts_with(ACCESS_TOKEN_PREFIX) || token.starts_with(credentials::TOKEN_PREFIX)
}

/// What proves a software call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoftwareProof<'a> {
    /// A bearer token: an access token of the token endpoint or a credential secret.
    Token(&'a str),
    /// The SHA-256 (`x5t#S256`) of the TLS client certificate the connection presented and
    /// the TLS layer verified against the configured CA.
    Certificate(&'a str),
}

impl App {
    /// One call of a structure's software, whatever proves it: an access token of the token
    /// endpoint, a credential secret or a registered client certificate
    /// (`App::authenticate_structure_token`, `App::authenticate_software`,
    /// `App::authenticate_certificate`: the same checks of the named professional). Every
    /// surface (`/api/v1/software`, `/fhir`) authenticates software through this one seam.
    pub async fn authenticate_software_call(
        &self,
        proof: SoftwareProof<'_>,
        professional: &str,
        two_factor_asserted: bool,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Actor, AppError> {
        match proof {
            SoftwareProof::Token(token) if token.starts_with(credentials::TOKEN_PREFIX) => {
                self.authenticate_software(token, professional, two_factor_asserted, ip, now)
                    .await
            }
            SoftwareProof::Token(token) => {
                self.authenticate_structure_token(token, professional, two_factor_asserted, ip, now)
                    .await
            }
            SoftwareProof::Certificate(thumbprint) => {
                self.authenticate_certificate(
                    thumbprint,
                    professional,
                    two_factor_asserted,
                    ip,
                    now,
                )
                .await
            }
        }
    }
}

/// An end date: a New Caledonia calendar day, included, from today to `MAX_YEARS` years
/// ahead. Returns the day and the instant it ends (refused from then on).
pub(crate) fn end_date(text: &str, now: Timestamp) -> Result<(String, i64), AppError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let invalid = || {
        AppError::invalid(
            "invalid_end_date",
            format!(
                "Date de fin invalide : une date (AAAA-MM-JJ) d'aujourd'hui à {MAX_YEARS} ans \
                 au plus."
            ),
        )
    };
    let day = time::Date::parse(text.trim(), &fmt).map_err(|_| invalid())?;
    let today = now
        .noumea_date()
        .ok_or_else(|| AppError::Internal("date out of range".into()))?;
    let limit = add_years(today, MAX_YEARS).ok_or_else(invalid)?;
    if day < today || day > limit {
        return Err(invalid());
    }
    let next = day.next_day().ok_or_else(invalid)?;
    Ok((day.to_string(), start_of_noumea_day(next)))
}

/// The same day `years` later (28 February for 29 February).
fn add_years(day: time::Date, years: i32) -> Option<time::Date> {
    let year = day.year() + years;
    time::Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| time::Date::from_calendar_date(year, day.month(), day.day() - 1))
        .ok()
}

/// Midnight of `day` in New Caledonia, in milliseconds since the epoch.
pub(crate) fn start_of_noumea_day(day: time::Date) -> i64 {
    let utc_midnight = day.midnight().assume_utc().unix_timestamp();
    (utc_midnight - i64::from(mds_domain::time::NOUMEA_OFFSET_SECONDS)) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-22T03:32:00Z, 14:32 in Nouméa.
    const NOW: Timestamp = Timestamp::from_millis(1_795_318_320_000);

    #[test]
    fn end_dates_run_from_today_to_three_years_ahead() {
        let cases = [
            ("today", "2026-11-22", true),
            ("yesterday", "2026-11-21", false),
            ("three years", "2029-11-22", true),
            ("three years and a day", "2029-11-23", false),
            ("not a date", "22/11/2029", false),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, d, ok)| end_date(d, NOW).is_ok() != *ok)
            .map(|c| c.0)
            .collect();
        assert!(failing.is_empty(), "{failing:?}");
        let (_, ends) = end_date("2026-11-22", NOW).unwrap_or_default();
        // The end of 22/11 in Nouméa is 2026-11-22T13:00:00Z.
        assert_eq!(
            Timestamp::from_millis(ends).to_rfc3339(),
            "2026-11-22T13:00:00Z"
        );
    }

    #[test]
    fn twenty_ninth_of_february_ends_on_the_twenty_eighth() {
        let day = time::Date::from_calendar_date(2028, time::Month::February, 29)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            add_years(day, 3).map(|d| d.to_string()).as_deref(),
            Some("2031-02-28")
        );
    }
}
