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
    fn noumea_date_changes_at_local_midnight() {
        // 2026-11-21T13:00:00Z is already 22/11 00:00 in Nouméa.
        let t = Timestamp::from_millis(1_795_266_000_000);
        assert_eq!(
            t.noumea_date().map(|d| d.to_string()).as_deref(),
            Some("2026-11-22")
        );
    }
}
