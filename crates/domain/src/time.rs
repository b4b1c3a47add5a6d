//! Instants as milliseconds since the Unix epoch (UTC). Callers pass `now`; nothing here reads
//! the clock. New Caledonia local time is UTC+11 all year (no daylight saving).

use serde::{Deserialize, Serialize};

/// Offset of Pacific/Noumea from UTC, in seconds. Fixed: the territory has no daylight saving.
pub const NOUMEA_OFFSET_SECONDS: i32 = 11 * 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub const fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0 + seconds * 1000)
    }

    pub fn to_offset_datetime(self) -> Option<time::OffsetDateTime> {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).ok()
    }

    /// RFC 3339 in UTC, for APIs and logs.
    pub fn to_rfc3339(self) -> String {
        self.to_offset_datetime()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| self.0.to_string())
    }

    /// « 22/11/2026 14:32 » in New Caledonia time, for people.
    pub fn to_noumea_display(self) -> String {
        let Ok(offset) = time::UtcOffset::from_whole_seconds(NOUMEA_OFFSET_SECONDS) else {
            return self.to_rfc3339();
        };
        let fmt = time::macros::format_description!("[day]/[month]/[year] [hour]:[minute]");
        self.to_offset_datetime()
            .and_then(|t| t.to_offset(offset).format(&fmt).ok())
            .unwrap_or_else(|| self.to_rfc3339())
    }

    /// The calendar date in New Caledonia at this instant.
    pub fn noumea_date(self) -> Option<time::Date> {
        let offset = time::UtcOffset::from_whole_seconds(NOUMEA_OFFSET_SECONDS).ok()?;
        Some(self.to_offset_datetime()?.to_offset(offset).date())
    }

    /// Midnight at the start of a New Caledonia calendar day.
    pub fn noumea_midnight(date: time::Date) -> Option<Self> {
        let offset = time::UtcOffset::from_whole_seconds(NOUMEA_OFFSET_SECONDS).ok()?;
        Some(Self(
            date.midnight().assume_offset(offset).unix_timestamp() * 1000,
        ))
    }

    /// The same calendar day (UTC) `years` later; 29 February becomes 1 March.
    pub fn years_later(self, years: i32) -> Self {
        let Some(t) = self.to_offset_datetime() else {
            return self;
        };
        let date = t.date();
        let target = time::Date::from_calendar_date(date.year() + years, date.month(), date.day())
            .or_else(|_| {
                time::Date::from_calendar_date(date.year() + years, time::Month::March, 1)
            });
        match target {
            Ok(d) => {
                let later = t.replace_date(d);
                let ms = later.unix_timestamp_nanos() / 1_000_000;
                Self(i64::try_from(ms).unwrap_or(i64::MAX))
            }
            Err(_) => Self(i64::MAX),
        }
    }
}

/// A calendar day as people type it in a filter: `AAAA-MM-JJ` or `JJ/MM/AAAA`.
pub fn parse_day(text: &str) -> Option<time::Date> {
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let fr = time::macros::format_description!("[day]/[month]/[year]");
    let text = text.trim();
    time::Date::parse(text, &iso)
        .or_else(|_| time::Date::parse(text, &fr))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noumea_display_is_utc_plus_eleven() {
        // 2026-11-22T03:32:00Z is 14:32 in Nouméa.
        let t = Timestamp::from_millis(1_795_318_320_000);
        assert_eq!(t.to_rfc3339(), "2026-11-22T03:32:00Z");
        assert_eq!(t.to_noumea_display(), "22/11/2026 14:32");
    }

    #[test]
    fn days_are_read_in_both_forms_and_start_at_noumea_midnight() {
        let day = parse_day(" 22/11/2026 ");
        assert_eq!(day, parse_day("2026-11-22"));
        assert_eq!(parse_day("22-11-2026"), None);
        let midnight = day.and_then(Timestamp::noumea_midnight);
        // 22/11/2026 00:00 in Nouméa is 21/11 13:00 UTC.
        assert_eq!(midnight, Some(Timestamp::from_millis(1_795_266_000_000)));
    }

    #[test]
    fn ten_years_later_keeps_the_calendar_day() {
        // 2016-02-29T00:00:00Z: no 29 February in 2026, so 1 March.
        let leap = Timestamp::from_millis(1_456_704_000_000);
        assert_eq!(leap.years_later(10).to_rfc3339(), "2026-03-01T00:00:00Z");
        let t = Timestamp::from_millis(1_795_318_320_000);
        assert_eq!(t.years_later(10).to_rfc3339(), "2036-11-22T03:32:00Z");
    }

    #[test]
    fn noumea_date_changes_at_local_midnight() {
        // 2026-11-21T13:00:00Z is already 22/11 00:00 in Nouméa.
        let t = Timestamp::from_millis(1_795_266_000_000);
        assert_eq!(
            t.noumea_date().map(|d| d.to_string()).as_deref(),
            Some("2026-11-22")
        );
    }
}
