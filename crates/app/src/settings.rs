//! Settings the use cases need, filled by the binary from its configuration.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Idle timeout of a session, in minutes (professionals and support: 15 by default).
    pub session_idle_minutes: i64,
    /// The bounds within which a structure may set its professionals' idle timeout (the
    /// authority's limits; 5 and 60 minutes by default).
    pub session_idle_min_minutes: i64,
    pub session_idle_max_minutes: i64,
    /// Absolute lifetime of a session, in hours (12 by default).
    pub session_absolute_hours: i64,
    /// Sign-in throttling (`mds_policy::throttle`, no lockout: growing delays). Failures of
    /// one login from one address before its attempts there wait (1 s, 2 s, 4 s… 15 min at
    /// most); a success there clears them.
    pub login_max_failures: i64,
    /// Failures of one login from every address before each address that failed for it
    /// waits between attempts (up to a minute). An address where the login never failed is
    /// not delayed: the guesses made elsewhere do not block the owner.
    pub login_max_failures_per_login: i64,
    /// Failures from one client address across logins before attempts from it wait (up to a
    /// minute). High: many people sign in from one hospital's address; successes never count.
    pub login_max_failures_per_address: i64,
    /// A sign-in counter is forgotten after this long without a failure.
    pub login_window_minutes: i64,
    /// The account's owner is e-mailed when its login's failures (every address) reach this,
    /// once per run of failures.
    pub login_owner_alert_failures: i64,
    /// Self-enrolments accepted from one client address per hour (well-formed or not).
    pub enrolment_max_per_address_hour: i64,
    /// Self-enrolments waiting for support beyond which new ones are refused (429).
    pub enrolment_max_pending: i64,
    /// Support is alerted when the self-enrolments waiting reach this many.
    pub enrolment_queue_alert: i64,
    /// Lifetime of an activation code issued to a new account, in hours (short: with the
    /// attempt limit it bounds guessing, `mds_domain::enrolment_code`).
    pub enrolment_token_hours: i64,
    /// Minimum password length (characters).
    pub password_min_length: usize,
    /// Grace period before a vault object without a database row is considered an orphan
    /// (an upload in flight has content for a moment before its row commits).
    pub orphan_grace_minutes: i64,
    /// Largest document accepted from a professional, assistant or software, in bytes
    /// (20 MB by default).
    pub max_document_bytes: usize,
    /// Largest document a patient may upload, in bytes (5 MB by default).
    pub max_patient_document_bytes: usize,
    /// Lifetime of a consented access once granted, in hours (24 by default).
    pub consent_hours: i64,
    /// Lifetime of the one-time code of a consent request, in minutes (30 by default).
    pub consent_code_minutes: i64,
    /// Lifetime of a break-glass session, in hours (24 by default).
    pub break_glass_hours: i64,
    /// Lifetime of a SAMU regulation access, in hours (24 by default).
    pub samu_hours: i64,
    /// Whether the declared attending physician also sees documents masked from
    /// professionals (French law says yes; the MDS matrix is silent). Default: no.
    pub attending_physician_sees_confidential: bool,
    /// Keep the identity scans of a self-enrolment after support's decision (deleted from the
    /// vault by default: once the identity is checked they are no longer needed).
    pub keep_identity_scans: bool,
    /// Days within which an erasure request is carried out (3 months by default). The
    /// retention job carries out pending requests at its next run, well before.
    pub erasure_deadline_days: i64,
    /// Days after its deposit at which the patient is told that a document hidden from them
    /// awaits a consultation with a professional (2 weeks by default).
    pub hidden_reminder_days: i64,
    /// Days after its deposit at which a document still hidden from the patient becomes
    /// visible (or its depositor is reminded, without auto-release). "One month" = 30 days.
    pub hidden_release_days: i64,
    /// Whether a hidden document becomes visible by itself after `hidden_release_days`; if
    /// not, the depositor is reminded instead.
    pub hidden_auto_release: bool,
    /// Announcement delays (issue 17, item 6), in days (1 to 90), by document type code or
    /// by class (`class:<code>`; the type's entry wins): a professional's or software's
    /// deposit of such a document is hidden from the patient until an announcement
    /// consultation — released after that many days (the reminder at half of it, at most
    /// `hidden_reminder_days`) — unless the depositor makes it visible at once. Empty by
    /// default: every deposit is visible unless its depositor hides it.
    pub announcement_delay_days: BTreeMap<String, i64>,
    /// Supervision: alert when a professional reads more than this many distinct records
    /// in 24 h (50 by default).
    pub supervision_distinct_patients_24h: usize,
    /// Supervision: alert when a professional opens more than this many break-glass
    /// accesses in 24 h (3 by default).
    pub supervision_break_glass_24h: usize,
    /// Supervision: accesses from this hour (New Caledonia time, 22 by default) up to
    /// `supervision_night_end_hour` (5, excluded) raise an alert.
    pub supervision_night_start_hour: i64,
    pub supervision_night_end_hour: i64,
    /// Supervision: alert when one actor is denied more than `supervision_denied_burst`
    /// times (10) within `supervision_denied_burst_minutes` (10).
    pub supervision_denied_burst: usize,
    pub supervision_denied_burst_minutes: i64,
    /// Structure software: most documents read for one patient in a preload (10).
    pub software_preload_max_documents: usize,
    /// Structure software: most distinct patients whose records a professional's software
    /// may preload (read ahead of care) in 24 h (50). Feeding has no such limit.
    pub software_max_patients_24h: usize,
    /// Structure software: a preload reads no earlier than this many days before the
    /// declared care date (3).
    pub software_preload_days_ahead: i64,
    /// Free space, in MiB, kept on the database's and the local vault's file systems:
    /// below it uploads answer "storage unavailable" and `/readyz` answers 503 (512).
    pub min_free_megabytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 15,
            session_idle_min_minutes: 5,
            session_idle_max_minutes: 60,
            session_absolute_hours: 12,
            login_max_failures: 3,
            login_max_failures_per_login: 20,
            login_max_failures_per_address: 100,
            login_window_minutes: 60,
            login_owner_alert_failures: 10,
            enrolment_max_per_address_hour: 5,
            enrolment_max_pending: 1000,
            enrolment_queue_alert: 200,
            enrolment_token_hours: 72,
            password_min_length: 12,
            orphan_grace_minutes: 60,
            max_document_bytes: 20 * 1024 * 1024,
            max_patient_document_bytes: 5 * 1024 * 1024,
            consent_hours: 24,
            consent_code_minutes: 30,
            break_glass_hours: 24,
            samu_hours: 24,
            attending_physician_sees_confidential: false,
            keep_identity_scans: false,
            erasure_deadline_days: 92,
            hidden_reminder_days: 14,
            hidden_release_days: 30,
            hidden_auto_release: true,
            announcement_delay_days: BTreeMap::new(),
            supervision_distinct_patients_24h: 50,
            supervision_break_glass_24h: 3,
            supervision_night_start_hour: 22,
            supervision_night_end_hour: 5,
            supervision_denied_burst: 10,
            supervision_denied_burst_minutes: 10,
            software_preload_max_documents: 10,
            software_max_patients_24h: 50,
            software_preload_days_ahead: 3,
            min_free_megabytes: 512,
        }
    }
}

impl Settings {
    /// The policy settings these carry.
    pub fn policy_settings(&self) -> mds_policy::PolicySettings {
        mds_policy::PolicySettings {
            attending_physician_sees_confidential: self.attending_physician_sees_confidential,
        }
    }

    /// The announcement delay of a document type, in days: its own entry, else its class's.
    pub fn announcement_delay(&self, type_code: &str, class_code: &str) -> Option<i64> {
        self.announcement_delay_days
            .get(type_code)
            .or_else(|| {
                self.announcement_delay_days
                    .get(&format!("class:{class_code}"))
            })
            .copied()
    }
}
