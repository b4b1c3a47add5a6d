//! The signed-in account's notifications (read/unread) and e-mail preferences.

use super::{EmailMode, Kind};
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::{AccountId, DocumentId, DocumentStatus, DocumentType, StructureId, Timestamp};
use mds_store::{directory, documents, notifications};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub text: String,
    /// The English text (`None` for notifications written before English was kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_en: Option<String>,
    pub created_at_ms: i64,
    pub read_at_ms: Option<i64>,
    /// The document it is about, when the account may still open it (a document the patient
    /// sees: current, not hidden from them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// The professional who acted, for grouping repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// The kind of the document (its type's label) — never its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_kind: Option<String>,
    /// Who acted: « Dr Jean Néa (médecin, Centre hospitalier X) ».
    #[serde(skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
}

impl NotificationView {
    /// Its text in `lang` (French when no English text was kept).
    pub fn text_in(&self, lang: mds_domain::Language) -> &str {
        match (lang, &self.text_en) {
            (mds_domain::Language::En, Some(en)) => en,
            _ => &self.text,
        }
    }
}

/// The professionals and structures a page of notifications names, each read once.
#[derive(Default)]
struct Names {
    /// « Dr Jean Néa (médecin » — the parenthesis is closed by the caller.
    professionals: HashMap<AccountId, Option<String>>,
    structures: HashMap<StructureId, Option<String>>,
}

impl Names {
    async fn professional(
        &mut self,
        app: &App,
        id: &AccountId,
    ) -> Result<Option<String>, AppError> {
        if let Some(p) = self.professionals.get(id) {
            return Ok(p.clone());
        }
        let p = directory::professional(&app.db, id).await?.map(|p| {
            let name = format!("{} {}", p.first_name, p.last_name);
            let name = if p.profession.is_doctor() {
                format!("Dr {name}")
            } else {
                name
            };
            format!("{name} ({}", p.profession.label_fr().to_lowercase())
        });
        self.professionals.insert(id.clone(), p.clone());
        Ok(p)
    }

    async fn structure(&mut self, app: &App, id: &StructureId) -> Result<Option<String>, AppError> {
        if let Some(s) = self.structures.get(id) {
            return Ok(s.clone());
        }
        let s = directory::structure_by_id(&app.db, id)
            .await?
            .map(|s| s.name);
        self.structures.insert(id.clone(), s.clone());
        Ok(s)
    }
}

/// Notifications as a person reads them: repeats of the same kind by the same professional on
/// the same day, unread together, on one line (« 4 nouveaux documents »).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationGroup<'a> {
    pub first: &'a NotificationView,
    pub count: usize,
}

/// Groups consecutive notifications (newest first) of the kind `document_added` from the same
/// professional, on the same New Caledonia day and in the same read state. Pure.
pub fn grouped(items: &[NotificationView]) -> Vec<NotificationGroup<'_>> {
    let day = |ms: i64| Timestamp::from_millis(ms).noumea_date();
    let mut out: Vec<NotificationGroup<'_>> = Vec::new();
    for n in items {
        if let Some(last) = out.last_mut() {
            let f = last.first;
            let same = n.kind == "document_added"
                && f.kind == n.kind
                && n.actor_id.is_some()
                && f.actor_id == n.actor_id
                && day(f.created_at_ms) == day(n.created_at_ms)
                && f.read_at_ms.is_some() == n.read_at_ms.is_some();
            if same {
                last.count += 1;
                continue;
            }
        }
        out.push(NotificationGroup { first: n, count: 1 });
    }
    out
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    /// Notifications matching the filter, all pages together.
    pub total: i64,
    pub unread: i64,
}

/// The e-mail choice for one kind.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Preference {
    pub kind: String,
    pub label: String,
    /// E-mailed at all (at once or in the digest).
    pub email: bool,
    /// How: at once, in the daily digest, never.
    pub mode: EmailMode,
    /// Sent whatever the choice (emergency accesses, account events).
    pub mandatory: bool,
}

impl App {
    /// Any signed-in account. Its notifications, newest first (`unread_only` filters).
    pub async fn notifications(
        &self,
        actor: &Actor,
        unread_only: bool,
        limit: usize,
        offset: usize,
    ) -> Result<NotificationPage, AppError> {
        let account = &actor.account_id;
        let limit = match limit {
            0 => 50,
            n => n.min(100),
        };
        let rows = notifications::for_account(
            &self.db,
            account,
            unread_only,
            i64::try_from(limit).unwrap_or(100),
            i64::try_from(offset).unwrap_or(i64::MAX),
        )
        .await?;
        let (all, unread) = notifications::counts(&self.db, account).await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut names = Names::default();
        for n in rows {
            let (document_id, document_kind, who) = self.notification_about(&n, &mut names).await?;
            items.push(NotificationView {
                id: n.id,
                kind: n.kind,
                text: n.text,
                text_en: n.text_en,
                created_at_ms: n.created_at_ms,
                read_at_ms: n.read_at_ms,
                document_id,
                actor_id: n.actor_id,
                document_kind,
                who,
            });
        }
        Ok(NotificationPage {
            items,
            total: if unread_only { unread } else { all },
            unread,
        })
    }

    /// The document a notification may link to, its kind and who acted (« Dr Jean Néa
    /// (médecin, Centre hospitalier X) »). A document that is no longer current or is hidden
    /// from the patient is neither linked nor described.
    async fn notification_about(
        &self,
        n: &notifications::NotificationRow,
        names: &mut Names,
    ) -> Result<(Option<String>, Option<String>, Option<String>), AppError> {
        let document = match n.document_id.as_deref().and_then(DocumentId::parse) {
            Some(id) => documents::by_id(&self.db, &id)
                .await?
                .filter(|d| d.status == DocumentStatus::Current && !d.hidden_from_patient),
            None => None,
        };
        let structure = match document
            .as_ref()
            .and_then(|d| d.author_structure_id.as_ref())
        {
            Some(s) => names.structure(self, s).await?,
            None => None,
        };
        let who = match n.actor_id.as_deref().and_then(AccountId::parse) {
            Some(id) => names
                .professional(self, &id)
                .await?
                .map(|p| match structure {
                    Some(s) => format!("{p}, {s})"),
                    None => format!("{p})"),
                }),
            None => None,
        };
        Ok(match (n.kind.as_str(), document) {
            ("document_added" | "document_replaced", Some(d)) => {
                let kind = DocumentType::from_code(&d.type_code)
                    .map_or_else(|| "Document".to_owned(), |t| t.label_fr().to_owned());
                (Some(d.id.to_string()), Some(kind), who)
            }
            ("document_added", None) => (None, None, None),
            (_, _) => (None, None, who),
        })
    }

    /// Any signed-in account. Marks all its notifications read; audited once.
    pub async fn mark_all_notifications_read(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<u64, AppError> {
        let account = &actor.account_id;
        let mut tx = self.db.begin().await?;
        let n = notifications::mark_all_read(&mut tx, account, now.millis()).await?;
        if n > 0 {
            let ev = NewEvent {
                actor_id: Some(account.to_string()),
                detail: serde_json::json!({ "marked": n }),
                ..NewEvent::new(actor.kind.into(), "notification.read_all", Outcome::Success)
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Any signed-in account. Marks one of its notifications read (again: no change).
    pub async fn mark_notification_read(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let account = &actor.account_id;
        if !notifications::exists(&self.db, account, id).await? {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        if notifications::mark_read(&mut tx, account, id, now.millis()).await? {
            let ev = NewEvent {
                actor_id: Some(account.to_string()),
                detail: serde_json::json!({ "notification_id": id }),
                ..NewEvent::new(actor.kind.into(), "notification.read", Outcome::Success)
            };
            mds_audit::append(&mut tx, ev, now.millis()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Any signed-in account. Its e-mail choice for every kind (`EmailMode::default_for` when
    /// never chosen; the mandatory kinds always at once).
    pub async fn notification_preferences(
        &self,
        actor: &Actor,
    ) -> Result<Vec<Preference>, AppError> {
        let chosen = notifications::preferences(&self.db, &actor.account_id).await?;
        Ok(Kind::ALL
            .into_iter()
            .map(|k| {
                let mode = EmailMode::effective(k, EmailMode::chosen(&chosen, k));
                Preference {
                    kind: k.as_str().to_owned(),
                    label: k.label_fr().to_owned(),
                    email: mode != EmailMode::Never,
                    mode,
                    mandatory: k.mandatory(),
                }
            })
            .collect())
    }

    /// Any signed-in account. Chooses how some kinds are e-mailed; any mode but "immediate"
    /// for a mandatory kind is refused (`notification_mandatory`), an unknown kind too.
    pub async fn set_notification_preferences(
        &self,
        actor: &Actor,
        choices: &[(String, EmailMode)],
        now: Timestamp,
    ) -> Result<Vec<Preference>, AppError> {
        let mut parsed = Vec::new();
        for (name, mode) in choices {
            let kind = Kind::parse(name).ok_or_else(|| {
                AppError::invalid(
                    "unknown_notification_kind",
                    format!("Type de notification inconnu : {name}."),
                )
            })?;
            if kind.mandatory() && *mode != EmailMode::Immediate {
                return Err(AppError::invalid(
                    "notification_mandatory",
                    format!(
                        "« {} » est toujours envoyé par e-mail, immédiatement : ce choix ne \
                         peut pas être modifié.",
                        kind.label_fr()
                    ),
                ));
            }
            parsed.push((kind, *mode));
        }
        let account = &actor.account_id;
        let mut tx = self.db.begin().await?;
        for (kind, mode) in &parsed {
            notifications::set_preference(
                &mut tx,
                account,
                kind.as_str(),
                mode.as_str(),
                now.millis(),
            )
            .await?;
        }
        let detail: serde_json::Map<String, serde_json::Value> = parsed
            .iter()
            .map(|(k, m)| (k.as_str().to_owned(), m.as_str().into()))
            .collect();
        let ev = NewEvent {
            actor_id: Some(account.to_string()),
            detail: serde_json::Value::Object(detail),
            ..NewEvent::new(
                actor.kind.into(),
                "notification.preferences.set",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        self.notification_preferences(actor).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: &str, kind: &str, actor: Option<&str>, at_ms: i64, read: bool) -> NotificationView {
        NotificationView {
            id: id.to_owned(),
            kind: kind.to_owned(),
            text: String::new(),
            text_en: None,
            created_at_ms: at_ms,
            read_at_ms: read.then_some(at_ms),
            document_id: None,
            actor_id: actor.map(str::to_owned),
            document_kind: None,
            who: None,
        }
    }

    #[test]
    fn repeats_of_one_professional_on_one_day_are_one_line() {
        // 2026-12-04 10:00 in Nouméa = 2026-12-03T23:00Z
        let day = 1_796_338_800_000;
        let hour = 3_600_000;
        let items = [
            n("a", "document_added", Some("dr"), day + 5 * hour, false),
            n("b", "document_added", Some("dr"), day + 4 * hour, false),
            n("c", "document_added", Some("dr"), day + 3 * hour, false),
            // read: another line
            n("d", "document_added", Some("dr"), day + 2 * hour, true),
            // another professional
            n("e", "document_added", Some("sf"), day + hour, false),
            n("f", "document_added", Some("dr"), day, false),
            // the day before in Nouméa
            n("g", "document_added", Some("dr"), day - 11 * hour, false),
            // an emergency is never grouped
            n("h", "break_glass", Some("dr"), day - 12 * hour, false),
            n("i", "break_glass", Some("dr"), day - 12 * hour, false),
            // no professional known
            n("j", "document_added", None, day - 13 * hour, false),
            n("k", "document_added", None, day - 13 * hour, false),
        ];
        let got: Vec<(&str, usize)> = grouped(&items)
            .iter()
            .map(|g| (g.first.id.as_str(), g.count))
            .collect();
        assert_eq!(
            got,
            [
                ("a", 3),
                ("d", 1),
                ("e", 1),
                ("f", 1),
                ("g", 1),
                ("h", 1),
                ("i", 1),
                ("j", 1),
                ("k", 1)
            ]
        );
    }
}
