//! A structure's idle timeout for the sessions of its professionals and assistants (issue
//! 18: with 15 minutes a doctor signs in again at almost every consultation). The authority
//! bounds it in the configuration (`Settings::session_idle_min_minutes` and `…_max_minutes`);
//! support sets it per structure within those bounds; a session takes the timeout of the
//! structure its professional acts from when it opens (for an assistant, their professional's),
//! clamped to the bounds of the day, or the service's default.

use super::directory::support_event;
use crate::{Actor, App, AppError, Settings};
use mds_domain::{AccountId, AccountKind, StructureId, Timestamp};
use mds_store::directory;

/// The idle timeout (minutes) of a session whose structure chose `chosen`: the choice within
/// the authority's bounds, or the default. Pure.
pub fn idle_minutes(s: &Settings, chosen: Option<i64>) -> i64 {
    match chosen {
        Some(m) => m.clamp(s.session_idle_min_minutes, s.session_idle_max_minutes),
        None => s.session_idle_minutes,
    }
}

impl App {
    /// The idle timeout, in ms, of a new session of `account` (`kind`): its structure's for
    /// professionals and assistants, the default for everyone else.
    pub(crate) async fn session_idle_ms(
        &self,
        account: &AccountId,
        kind: AccountKind,
    ) -> Result<i64, AppError> {
        let professional = match kind {
            AccountKind::Professional => Some(account.clone()),
            AccountKind::Assistant => directory::assistant(&self.db, account)
                .await?
                .map(|a| a.professional_account_id),
            _ => None,
        };
        let structure = match &professional {
            Some(p) => directory::professional_facts(&self.db, p)
                .await?
                .and_then(|(_, _, structure)| structure),
            None => None,
        };
        let chosen = match &structure {
            Some(s) => directory::structure_session_idle(&self.db, s).await?,
            None => None,
        };
        Ok(idle_minutes(&self.settings, chosen) * 60_000)
    }

    /// Support only. Sets a structure's idle timeout (`None`: back to the default), within
    /// the authority's bounds; audited. Sessions opened from then on take it.
    pub async fn set_structure_session_idle(
        &self,
        actor: &Actor,
        structure: &StructureId,
        minutes: Option<i64>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        let (min, max) = (
            self.settings.session_idle_min_minutes,
            self.settings.session_idle_max_minutes,
        );
        if let Some(m) = minutes {
            if !(min..=max).contains(&m) {
                return Err(AppError::invalid(
                    "invalid_session_idle",
                    format!(
                        "Le délai d'inactivité doit être compris entre {min} et {max} minutes."
                    ),
                ));
            }
        }
        let mut tx = self.db.begin().await?;
        if !directory::set_structure_session_idle(&mut tx, structure, minutes).await? {
            return Err(AppError::NotFound);
        }
        let ev = mds_audit::NewEvent {
            structure_id: Some(structure.to_string()),
            detail: serde_json::json!({ "session_idle_minutes": minutes }),
            ..support_event(actor, "directory.structure.session_idle")
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Support only. A structure's chosen idle timeout, if any.
    pub async fn structure_session_idle(
        &self,
        actor: &Actor,
        structure: &StructureId,
    ) -> Result<Option<i64>, AppError> {
        actor.require(AccountKind::Support)?;
        Ok(directory::structure_session_idle(&self.db, structure).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_structure_chooses_within_the_authority_bounds() {
        let s = Settings::default();
        // (chosen, minutes) with the defaults 15 within [5, 60]
        for (chosen, want) in [
            (None, 15),
            (Some(30), 30),
            (Some(5), 5),
            (Some(60), 60),
            (Some(2), 5),
            (Some(600), 60),
        ] {
            assert_eq!(idle_minutes(&s, chosen), want, "{chosen:?}");
        }
    }
}
