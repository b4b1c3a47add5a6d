//! Birth dates and the age of majority. Dates are calendar dates; "today" is always a
//! parameter, the local date in Nouméa (UTC+11), never read from a clock here.

use super::error::IdentityError;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

/// Age at which a person may have an account (DESIGN.md section 2).
pub const AGE_OF_MAJORITY: i32 = 18;

/// A birth date on or after 1 January 1900. Serialized as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BirthDate(Date);

impl BirthDate {
    /// Refuses dates before 1900 and after `today` (the date in Nouméa).
    pub fn new(date: Date, today: Date) -> Result<Self, IdentityError> {
        if date > today {
            return Err(IdentityError::BirthDateInFuture);
        }
        Self::not_before_1900(date)
    }

    /// Accepts `AAAA-MM-JJ` (HTML date inputs, APIs) and `JJ/MM/AAAA` (typed by people; day
    /// and month may have one digit).
    pub fn parse(text: &str, today: Date) -> Result<Self, IdentityError> {
        let date = parse_date_text(text.trim()).ok_or(IdentityError::BirthDateFormat)?;
        Self::new(date, today)
    }

    fn not_before_1900(date: Date) -> Result<Self, IdentityError> {
        if date.year() < 1900 {
            Err(IdentityError::BirthDateBefore1900)
        } else {
            Ok(Self(date))
        }
    }

    pub fn date(self) -> Date {
        self.0
    }

    /// `YYYY-MM-DD`.
    pub fn to_iso(self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }

    /// `JJ/MM/AAAA`, for people.
    pub fn to_french(self) -> String {
        format!(
            "{:02}/{:02}/{:04}",
            self.0.day(),
            u8::from(self.0.month()),
            self.0.year()
        )
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

/// Deserialization checks the format and the 1900 bound but cannot check "not in the future"
/// (no clock here): it is for stored values; input goes through [`BirthDate::parse`].
impl TryFrom<String> for BirthDate {
    type Error = IdentityError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        let date = parse_date_text(text.trim()).ok_or(IdentityError::BirthDateFormat)?;
        Self::not_before_1900(date)
    }
}

impl From<BirthDate> for String {
    fn from(date: BirthDate) -> Self {
        date.to_iso()
    }
}

fn parse_date_text(text: &str) -> Option<Date> {
    let (year, month, day) = if let Some((d, rest)) = text.split_once('/') {
        let (m, y) = rest.split_once('/')?;
        (number(y, 4, 4)?, number(m, 1, 2)?, number(d, 1, 2)?)
    } else {
        let mut parts = text.split('-');
        let ymd = (
            number(parts.next()?, 4, 4)?,
            number(parts.next()?, 2, 2)?,
            number(parts.next()?, 2, 2)?,
        );
        if parts.next().is_some() {
            return None;
        }
        ymd
    };
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

/// ASCII digits only (no sign), between `min` and `max` of them.
fn number(text: &str, min: usize, max: usize) -> Option<u32> {
    let ok = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// The first day on which a person born on `birth_date` is an adult: their 18th birthday.
///
/// Rule for 29 February: in a non-leap 18th year the person becomes adult on 1 March, the day
/// after 28 February, because only then are 18 full years complete. This is the later of the two
/// usual readings, so nobody is treated as an adult one day early.
pub fn adulthood_date(birth_date: Date) -> Date {
    let year = birth_date.year() + AGE_OF_MAJORITY;
    Date::from_calendar_date(year, birth_date.month(), birth_date.day())
        .or_else(|_| Date::from_calendar_date(year, Month::March, 1))
        .unwrap_or(Date::MAX)
}

/// Refuses a person under 18 on `today`, the date in New Caledonia on the day of creation
/// (use [`Timestamp::noumea_date`], not the UTC date, or [`check_adult_at`]).
pub fn check_adult(birth_date: Date, today: Date) -> Result<(), IdentityError> {
    let adult_on = adulthood_date(birth_date);
    if today >= adult_on {
        Ok(())
    } else {
        Err(IdentityError::Minor { adult_on })
    }
}

/// [`check_adult`] at an instant, converted to the date in Nouméa. An instant outside the
/// calendar's range is refused rather than guessed.
pub fn check_adult_at(birth_date: Date, now: Timestamp) -> Result<(), IdentityError> {
    match now.noumea_date() {
        Some(today) => check_adult(birth_date, today),
        None => Err(IdentityError::Minor {
            adult_on: adulthood_date(birth_date),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    #[test]
    fn birth_date_table() {
        let cases: [(&str, &str, Result<Date, &str>); 14] = [
            ("iso", "1980-05-01", Ok(date!(1980 - 05 - 01))),
            ("french", "01/05/1980", Ok(date!(1980 - 05 - 01))),
            (
                "french_short_day_month",
                "1/5/1980",
                Ok(date!(1980 - 05 - 01)),
            ),
            ("outer_spaces", " 1980-05-01 ", Ok(date!(1980 - 05 - 01))),
            ("today_accepted", "2026-11-22", Ok(TODAY)),
            (
                "tomorrow_refused",
                "2026-11-23",
                Err("birth_date_in_future"),
            ),
            ("first_day_of_1900", "01/01/1900", Ok(date!(1900 - 01 - 01))),
            (
                "last_day_of_1899",
                "31/12/1899",
                Err("birth_date_before_1900"),
            ),
            ("leap_day", "29/02/2004", Ok(date!(2004 - 02 - 29))),
            ("no_leap_day_2005", "29/02/2005", Err("birth_date_format")),
            ("two_digit_year", "01/05/80", Err("birth_date_format")),
            ("american_order", "1980/05/01", Err("birth_date_format")),
            ("signed_day", "+1/05/1980", Err("birth_date_format")),
            ("words", "hier", Err("birth_date_format")),
        ];
        let mut failures = Vec::new();
        for (name, input, expected) in cases {
            let got = BirthDate::parse(input, TODAY)
                .map(BirthDate::date)
                .map_err(|e| e.code());
            if got != expected {
                failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn majority_table() {
        // (name, birth date, today in Nouméa, adult?)
        let cases = [
            ("exact_18th_birthday", date!(2008 - 11 - 22), TODAY, true),
            (
                "day_before_18th_birthday",
                date!(2008 - 11 - 23),
                TODAY,
                false,
            ),
            ("long_adult", date!(1950 - 01 - 01), TODAY, true),
            ("newborn", TODAY, TODAY, false),
            (
                "leap_born_28_feb_non_leap_year",
                date!(2008 - 02 - 29),
                date!(2026 - 02 - 28),
                false,
            ),
            (
                "leap_born_1_march_non_leap_year",
                date!(2008 - 02 - 29),
                date!(2026 - 03 - 01),
                true,
            ),
            // 18 is not a multiple of 4: an 18th birthday never falls in a leap year.
            (
                "born_28_feb_adult_on_28_feb",
                date!(2008 - 02 - 28),
                date!(2026 - 02 - 28),
                true,
            ),
            (
                "born_1_march_minor_on_28_feb",
                date!(2008 - 03 - 01),
                date!(2026 - 02 - 28),
                false,
            ),
        ];
        let mut failures = Vec::new();
        for (name, birth, today, adult) in cases {
            let got = check_adult(birth, today);
            if got.is_ok() != adult {
                failures.push(format!("{name}: expected adult={adult}, got {got:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "failing cases:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn leap_day_birth_comes_of_age_on_1_march() {
        assert_eq!(adulthood_date(date!(2008 - 02 - 29)), date!(2026 - 03 - 01));
    }

    #[test]
    fn majority_is_reached_at_midnight_in_noumea_not_utc() {
        let birth = date!(2008 - 03 - 15);
        // 2026-03-14T13:00:00Z is 15/03/2026 00:00 in Nouméa: the 18th birthday has begun.
        let local_midnight = Timestamp::from_millis(1_773_493_200_000);
        assert_eq!(local_midnight.to_rfc3339(), "2026-03-14T13:00:00Z");
        assert_eq!(check_adult_at(birth, local_midnight), Ok(()));
        // One second earlier it is still 14/03 23:59:59 in Nouméa.
        let before = Timestamp::from_millis(1_773_493_199_000);
        assert_eq!(
            check_adult_at(birth, before),
            Err(IdentityError::Minor {
                adult_on: date!(2026 - 03 - 15)
            })
        );
    }

    #[test]
    fn serializes_as_iso_text() {
        let d = BirthDate::parse("01/05/1980", TODAY).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""1980-05-01""#);
        assert_eq!(d.to_french(), "01/05/1980");
        let back: BirthDate = serde_json::from_str(r#""1980-05-01""#).unwrap();
        assert_eq!(back, d);
        assert!(serde_json::from_str::<BirthDate>(r#""1899-12-31""#).is_err());
    }
}
