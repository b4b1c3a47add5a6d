//! Periodic housekeeping (the job `jobs::Housekeeping`, every ten minutes): master keys
//! reloaded, orphan vault objects and half-written uploads swept, ended sessions and idle
//! sign-in throttle counters removed.

use crate::{App, AppError};
use mds_domain::Timestamp;

impl App {
    /// One pass of periodic housekeeping (the service runs it every ten minutes): orphan
    /// vault objects and half-written uploads; sessions (pending sign-ins included) ended, and
    /// sign-in throttle counters idle (beyond their window), for more than a day. The vault is
    /// swept from the key after `orphans_after`, `orphans_budget` objects at most (see
    /// [`App::sweep_orphans_from`]). Returns (objects, rows) removed and where the next sweep
    /// starts.
    pub async fn run_housekeeping(
        &self,
        now: Timestamp,
        orphans_after: Option<String>,
        orphans_budget: usize,
    ) -> Result<(u64, u64, Option<String>), AppError> {
        self.reload_master_keys()?;
        let held = self.purge_held_uploads(now).await?;
        let (swept, next) = self
            .sweep_orphans_from(now, orphans_after, orphans_budget)
            .await?;
        let orphans = swept + held;
        let day_ago = now.millis() - 86_400_000;
        let sessions = mds_store::sessions::purge(&self.db, day_ago).await?;
        let window = self.settings.login_window_minutes * 60_000;
        let idle_since = now.millis() - window.max(86_400_000);
        let counters = mds_store::sessions::throttle_purge(&self.db, idle_since).await?;
        Ok((orphans, sessions + counters, next))
    }
}
