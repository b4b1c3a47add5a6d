//! Settings the use cases need, filled by the binary from its configuration.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Idle timeout of a session, in minutes (professionals and support: 15 by default).
    pub session_idle_minutes: i64,
    /// Absolute lifetime of a session, in hours (12 by default).
    pub session_absolute_hours: i64,
    /// Failed attempts allowed per account and per address within the window.
    pub login_max_failures: i64,
    pub login_window_minutes: i64,
    /// How long an account or address stays locked after too many failures.
    pub login_lockout_minutes: i64,
    /// Lifetime of an enrolment token sent to a new account, in hours.
    pub enrolment_token_hours: i64,
    /// Minimum password length (characters).
    pub password_min_length: usize,
    /// Grace period before a vault object without a database row is considered an orphan
    /// (an upload in flight has content for a moment before its row commits).
    pub orphan_grace_minutes: i64,
    /// Keep the identity scans of a self-enrolment after support's decision (deleted from the
    /// vault by default: once the identity is checked they are no longer needed).
    pub keep_identity_scans: bool,
    /// Days within which an erasure request is carried out (3 months by default). The
    /// retention job carries out pending requests at its next run, well before.
    pub erasure_deadline_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 15,
            session_absolute_hours: 12,
            login_max_failures: 5,
            login_window_minutes: 15,
            login_lockout_minutes: 15,
            enrolment_token_hours: 24 * 7,
            password_min_length: 12,
            orphan_grace_minutes: 60,
            keep_identity_scans: false,
            erasure_deadline_days: 92,
        }
    }
}
