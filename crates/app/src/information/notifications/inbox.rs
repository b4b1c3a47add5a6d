//! The signed-in account's notifications (read/unread) and e-mail preferences.

use super::Kind;
use crate::{Actor, App, AppError};
use mds_audit::{NewEvent, Outcome};
use mds_domain::Timestamp;
use mds_store::notifications;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub created_at_ms: i64,
    pub read_at_ms: Option<i64>,
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
    pub email: bool,
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
        Ok(NotificationPage {
            items: rows
                .into_iter()
                .map(|n| NotificationView {
                    id: n.id,
                    kind: n.kind,
                    text: n.text,
                    created_at_ms: n.created_at_ms,
                    read_at_ms: n.read_at_ms,
                })
                .collect(),
            total: if unread_only { unread } else { all },
            unread,
        })
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

    /// Any signed-in account. Its e-mail choice for every kind (on by default).
    pub async fn notification_preferences(
        &self,
        actor: &Actor,
    ) -> Result<Vec<Preference>, AppError> {
        let chosen = notifications::preferences(&self.db, &actor.account_id).await?;
        Ok(Kind::ALL
            .into_iter()
            .map(|k| Preference {
                kind: k.as_str().to_owned(),
                label: k.label_fr().to_owned(),
                email: k.mandatory()
                    || chosen
                        .iter()
                        .find(|(c, _)| c == k.as_str())
                        .is_none_or(|(_, e)| *e),
                mandatory: k.mandatory(),
            })
            .collect())
    }

    /// Any signed-in account. Switches e-mail on or off for some kinds; switching off a
    /// mandatory kind is refused (`notification_mandatory`), an unknown kind too.
    pub async fn set_notification_preferences(
        &self,
        actor: &Actor,
        choices: &[(String, bool)],
        now: Timestamp,
    ) -> Result<Vec<Preference>, AppError> {
        let mut parsed = Vec::new();
        for (name, email) in choices {
            let kind = Kind::parse(name).ok_or_else(|| {
                AppError::invalid(
                    "unknown_notification_kind",
                    format!("Type de notification inconnu : {name}."),
                )
            })?;
            if kind.mandatory() && !email {
                return Err(AppError::invalid(
                    "notification_mandatory",
                    format!(
                        "« {} » est toujours envoyé par e-mail : ce choix ne peut pas être \
                         désactivé.",
                        kind.label_fr()
                    ),
                ));
            }
            parsed.push((kind, *email));
        }
        let account = &actor.account_id;
        let mut tx = self.db.begin().await?;
        for (kind, email) in &parsed {
            notifications::set_preference(&mut tx, account, kind.as_str(), *email, now.millis())
                .await?;
        }
        let detail: serde_json::Map<String, serde_json::Value> = parsed
            .iter()
            .map(|(k, e)| (k.as_str().to_owned(), serde_json::Value::Bool(*e)))
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
