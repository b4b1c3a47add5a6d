//! What keeps anonymous self-enrolment from disclosing or being flooded (issue 14):
//! - quotas, checked before the submission is read: per client address (an hour's window)
//!   and on the requests waiting for support in total, answered `Throttled` (429);
//! - a submission naming an existing account's e-mail address, an existing record's CAFAT
//!   number or identity gets the same receipt as a new person's — nothing tells whether a
//!   person has a record —; it is recorded for support (`enrolment_duplicates` and an
//!   `enrolment_duplicate` supervision alert) and the existing address is told (once a day);
//! - support is alerted when the queue of waiting requests reaches its alert threshold.

use crate::information::notifications::{self, Message};
use crate::patients::identity::traits_key;
use crate::secrets::{random_token, token_hash};
use crate::{App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::identity::IdentityTraits;
use mds_domain::{AccountId, AlertState, PatientId, Timestamp};
use mds_policy::supervision::AlertRule;
use mds_store::supervision::{insert_alert, AlertRow};
use mds_store::{accounts, enrolments, new_id, patients, sessions, Tx};

/// Given once at submission: the status token lets the person follow the request.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReceiptOut)]
pub struct EnrolmentReceipt {
    pub request_id: String,
    /// Keep it: `POST /api/v1/enrolments/status` tells where the request stands. Shown once.
    pub status_token: String,
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Proof that a submission passed the quotas (and was counted against its address). Only
/// `admit_self_enrolment` makes one.
#[derive(Debug)]
pub struct Admission(());

/// What an enrolment named that already exists.
#[derive(Clone, Debug)]
pub(crate) struct Existing {
    /// email, cafat, amg (the number of that kind) or identity.
    pub kind: &'static str,
    pub patient_id: Option<PatientId>,
    pub account_id: Option<AccountId>,
}

impl App {
    /// Anyone. Checks the quotas before a self-enrolment is read: the requests waiting for
    /// support in total, then this address's submissions in the last hour (each admitted
    /// submission counts, well-formed or not). A refusal is `Throttled` and audited.
    pub async fn admit_self_enrolment(
        &self,
        ip: Option<&str>,
        now: Timestamp,
    ) -> Result<Admission, AppError> {
        let s = &self.settings;
        let refused =
            if enrolments::count_pending_requests(&self.db).await? >= s.enrolment_max_pending {
                Some(("pending", HOUR_MS / 1000))
            } else if let Some(ip) = ip {
                self.count_per_address_hour(&format!("enrol:{ip}"), now)
                    .await?
                    .map(|wait| ("address", wait))
            } else {
                None
            };
        let Some((quota, retry_after_seconds)) = refused else {
            return Ok(Admission(()));
        };
        let ev = NewEvent {
            detail: serde_json::json!({ "quota": quota }),
            ip: ip.map(str::to_owned),
            ..NewEvent::new(
                ActorKind::Anonymous,
                "patient.enrolment.throttled",
                Outcome::Failure,
            )
        };
        self.record_event(ev, now.millis()).await?;
        Err(AppError::Throttled {
            retry_after_seconds,
        })
    }

    /// One more submission for `key` in its hour, atomically; the seconds to wait when the
    /// hour's quota is spent.
    pub(crate) async fn count_per_address_hour(
        &self,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<i64>, AppError> {
        let max = self.settings.enrolment_max_per_address_hour;
        let mut tx = self.db.begin().await?;
        let mut t = sessions::throttle_get(&mut tx, key)
            .await?
            .filter(|t| now.millis() - t.window_start_ms < HOUR_MS)
            .unwrap_or(sessions::Throttle {
                window_start_ms: now.millis(),
                ..sessions::Throttle::default()
            });
        if t.failures >= max {
            tx.rollback().await?;
            let wait_ms = t.window_start_ms + HOUR_MS - now.millis();
            return Ok(Some(((wait_ms + 999) / 1000).max(1)));
        }
        t.failures += 1;
        t.last_failure_ms = now.millis();
        sessions::throttle_put(&mut tx, key, t).await?;
        tx.commit().await?;
        Ok(None)
    }

    /// The account or record a submission names, if any: its e-mail address first (the
    /// address that will be told), then its CAFAT number, then its exact identity.
    pub(crate) async fn existing_for(
        &self,
        traits: &IdentityTraits,
        login: &str,
    ) -> Result<Option<Existing>, AppError> {
        if let Some(a) = accounts::by_login(&self.db, login).await? {
            return Ok(Some(Existing {
                kind: "email",
                patient_id: None,
                account_id: Some(a.id),
            }));
        }
        let found =
            match patients::by_identifier(&self.db, traits.identifier_kind, traits.cafat.as_str())
                .await?
            {
                Some(p) => Some((traits.identifier_kind.as_str(), p)),
                None => {
                    let row = crate::patients::identity::new_row(
                        traits,
                        mds_domain::IdentityStatus::Provisional,
                        mds_domain::AccountState::Pending,
                        None,
                    );
                    patients::by_traits(&self.db, &traits_key(&row))
                        .await?
                        .map(|p| ("identity", p))
                }
            };
        Ok(found.map(|(kind, p)| Existing {
            kind,
            account_id: p.account_id,
            patient_id: Some(p.id),
        }))
    }

    /// Records a submission that named an existing account or record, tells that account's
    /// address (at most once a day), raises the alert for support, and answers the receipt a
    /// new person gets: its status token reads `pending` like any other.
    pub(crate) async fn record_duplicate(
        &self,
        existing: Existing,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<EnrolmentReceipt, AppError> {
        let request_id = new_id();
        let token = random_token();
        let mut tx = self.db.begin().await?;
        let told_today = match &existing.account_id {
            Some(a) => {
                enrolments::duplicates_of_account_since(&mut tx, a, now.millis() - DAY_MS).await?
                    > 0
            }
            None => true,
        };
        enrolments::insert_duplicate(
            &mut tx,
            &enrolments::EnrolmentDuplicateRow {
                id: request_id.clone(),
                status_token_hash: token_hash(&token),
                kind: existing.kind.to_owned(),
                patient_id: existing.patient_id.clone(),
                account_id: existing.account_id.clone(),
                submitted_at_ms: now.millis(),
            },
        )
        .await?;
        let mut told = false;
        if let (false, Some(account)) = (told_today, &existing.account_id) {
            if let Some(r) = notifications::recipient_of_account(&mut tx, account).await? {
                let r = match &existing.patient_id {
                    // The record's address when the account has none.
                    Some(p) => notifications::recipient_of_patient(&mut tx, p)
                        .await?
                        .unwrap_or(r),
                    None => r,
                };
                told = notifications::queue(&mut tx, &r, &Message::enrolment_attempt(), true, now)
                    .await?
                    .email;
            }
        }
        let ev = NewEvent {
            detail: serde_json::json!({
                "request_id": request_id, "kind": existing.kind,
                "existing_patient_id": existing.patient_id,
                "existing_account_id": existing.account_id,
                "emailed": told,
            }),
            ip,
            ..NewEvent::new(
                ActorKind::Anonymous,
                "patient.enrolment.duplicate",
                Outcome::Success,
            )
        };
        let stored = mds_audit::append(&mut tx, ev, now.millis()).await?;
        let subject = existing
            .account_id
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| existing.patient_id.as_ref().map(ToString::to_string))
            .unwrap_or_default();
        raise_alert(
            &mut tx,
            AlertRule::EnrolmentDuplicate,
            &subject,
            existing.patient_id,
            (stored.seq, 1),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(EnrolmentReceipt {
            request_id,
            status_token: token,
        })
    }

    /// In the transaction of a new request: alerts support when the queue reached its alert
    /// threshold (once a day).
    pub(crate) async fn watch_queue(
        &self,
        tx: &mut Tx,
        event_seq: i64,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let pending = enrolments::count_pending_requests(&mut *tx).await?;
        if pending >= self.settings.enrolment_queue_alert {
            raise_alert(
                tx,
                AlertRule::EnrolmentQueue,
                "enrolment_queue",
                None,
                (event_seq, pending),
                now,
            )
            .await?;
        }
        Ok(())
    }
}

/// Raises an alert for support (unique per rule, subject and New Caledonia day), with its
/// `system` audit event, in the caller's transaction.
async fn raise_alert(
    tx: &mut Tx,
    rule: AlertRule,
    subject: &str,
    patient_id: Option<PatientId>,
    (event_seq, count): (i64, i64),
    now: Timestamp,
) -> Result<(), AppError> {
    let day = now
        .noumea_date()
        .map_or_else(|| now.millis().to_string(), |d| d.to_string());
    let row = AlertRow {
        id: new_id(),
        rule: rule.id().to_owned(),
        subject_id: subject.to_owned(),
        day: day.clone(),
        dedup_key: day,
        event_seq,
        event_at_ms: now.millis(),
        patient_id,
        event_count: count,
        raised_at_ms: now.millis(),
        state: AlertState::Open,
        reviewed_by: None,
        reviewed_at_ms: None,
        review_comment: None,
    };
    if insert_alert(&mut *tx, &row).await? {
        let ev = NewEvent {
            rule: Some(format!("supervision.{}", row.rule)),
            detail: serde_json::json!({
                "alert_id": row.id, "subject_id": row.subject_id,
                "event_seq": row.event_seq, "count": row.event_count,
            }),
            ..NewEvent::new(
                ActorKind::System,
                "supervision.alert.raise",
                Outcome::Success,
            )
        };
        mds_audit::append(tx, ev, now.millis()).await?;
    }
    Ok(())
}
