//! The free text the audit keeps about a person (a break-glass reason, a SAMU call reference,
//! the reference support types for a request made by phone or letter), sealed under the
//! record's own key (issue 15, item 11).
//!
//! Contract:
//! - A use case that puts such a text in an event's `detail` puts [`App::seal_for_audit`]'s
//!   value instead: `{"sealed": "<base64url>"}` (`mds_vault::RecordKey`, context
//!   `<record id>:<field>`). The record's key is made on first use and stored sealed under the
//!   current master key (`record_audit_keys`); the hash chain covers the sealed bytes.
//! - Every use case reads the audit through [`App::audit_events`], which opens these values in
//!   place, so the history, the exports, the audit extraction and the FHIR AuditEvent view show
//!   the text as before; a reader that never shows them (the policy simulation) takes
//!   `audit_events_unopened`. Nothing else calls `mds_audit::query` (the layers test checks
//!   it).
//! - Erasing a record destroys its key ([`destroy_record_key`], in the erasure's transaction):
//!   its sealed texts stay in the audit as unreadable bytes, read as absent, and
//!   `mds audit verify` still passes. A record that does not exist has no key: its text is kept
//!   as typed (there is no person to erase).
//! - Master key rotation seals every record key again under the new key
//!   ([`App::reseal_record_keys`]); retirement keeps the keys record keys still use.

use crate::{App, AppError};
use mds_audit::{AuditQuery, AuditRecord};
use mds_domain::PatientId;
use mds_store::{patients, record_audit_keys, Tx};
use mds_vault::RecordKey;
use serde_json::Value;
use std::collections::HashMap;

/// The key of a sealed value in a `detail` field: `{"sealed": "..."}`.
const SEALED: &str = "sealed";

fn key_context(patient: &PatientId) -> String {
    format!("audit-key:{patient}")
}

fn text_context(patient: &str, field: &str) -> String {
    format!("{patient}:{field}")
}

/// The sealed text of a `detail` value, if it is one.
fn sealed_of(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get(SEALED)?.as_str(),
        _ => None,
    }
}

/// Whether `value` holds a sealed value at any depth (an event may nest its detail).
fn holds_sealed(value: &Value) -> bool {
    match value {
        Value::Object(map) => sealed_of(value).is_some() || map.values().any(holds_sealed),
        Value::Array(items) => items.iter().any(holds_sealed),
        _ => false,
    }
}

/// Calls `open` on every sealed value in `value`'s objects, at any depth, with the key it is
/// stored under (the field named in its context).
fn each_sealed(value: &mut Value, open: &mut impl FnMut(&str, &mut Value)) {
    match value {
        Value::Object(map) => {
            for (field, v) in map.iter_mut() {
                if sealed_of(v).is_some() {
                    open(field, v);
                } else {
                    each_sealed(v, open);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| each_sealed(v, open)),
        _ => {}
    }
}

/// Destroys the record's key, in the erasure's transaction: its sealed texts are unreadable
/// for good.
pub(crate) async fn destroy_record_key(tx: &mut Tx, patient: &PatientId) -> Result<(), AppError> {
    record_audit_keys::destroy(tx, patient).await?;
    Ok(())
}

impl App {
    /// The value to put under `field` in an event on `patient`'s record in place of `text`.
    pub(crate) async fn seal_for_audit(
        &self,
        patient: &PatientId,
        field: &str,
        text: &str,
        now_ms: i64,
    ) -> Result<Value, AppError> {
        let Some(key) = self.record_key(patient, true, now_ms).await? else {
            return Ok(Value::String(text.to_owned()));
        };
        // Bounded as the audit bounds a string in clear; the sealed value is then kept whole.
        let text = mds_audit::bounded_text(text);
        let sealed = key.seal_text(&text_context(patient.as_str(), field), &text)?;
        Ok(serde_json::json!({ SEALED: sealed }))
    }

    /// [`mds_audit::query`] with the sealed texts opened.
    pub(crate) async fn audit_events(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>, AppError> {
        let mut events = self.audit_events_unopened(q).await?;
        self.open_audit_texts(&mut events).await?;
        Ok(events)
    }

    /// [`mds_audit::query`] with the sealed texts left sealed: for a reader that never shows
    /// a detail's free text (the policy simulation reads only the decisions' stamps and
    /// inputs), so that no record key is opened for nothing.
    pub(crate) async fn audit_events_unopened(
        &self,
        q: &AuditQuery,
    ) -> Result<Vec<AuditRecord>, AppError> {
        Ok(mds_audit::query(&self.db, q).await?)
    }

    /// Opens in place the sealed texts of `events`. A text whose record key was destroyed is
    /// removed from the detail (`null`): it reads as absent, never as bytes.
    pub async fn open_audit_texts(&self, events: &mut [AuditRecord]) -> Result<(), AppError> {
        let mut keys: HashMap<String, Option<RecordKey>> = HashMap::new();
        for ev in events.iter_mut() {
            if !holds_sealed(&ev.detail) {
                continue;
            }
            let patient = ev.patient_id.clone().unwrap_or_default();
            if !keys.contains_key(&patient) {
                let key = match PatientId::parse(&patient) {
                    Some(id) => self.record_key(&id, false, 0).await?,
                    None => None,
                };
                keys.insert(patient.clone(), key);
            }
            let key = keys.get(&patient).and_then(Option::as_ref);
            let seq = ev.seq;
            each_sealed(&mut ev.detail, &mut |field, value| {
                let sealed = sealed_of(value).unwrap_or_default();
                let opened = key.map(|k| k.open_text(&text_context(&patient, field), sealed));
                *value = match opened {
                    Some(Ok(text)) => Value::String(text.to_string()),
                    Some(Err(e)) => {
                        tracing::warn!(seq, field = %field, error = %e, "an audit text does not open");
                        Value::Null
                    }
                    None => Value::Null,
                };
            });
        }
        Ok(())
    }

    /// The record's key; made and stored when `create` and the record exists but has none.
    async fn record_key(
        &self,
        patient: &PatientId,
        create: bool,
        now_ms: i64,
    ) -> Result<Option<RecordKey>, AppError> {
        if let Some((sealed, key_id)) = record_audit_keys::get(&self.db, patient).await? {
            return self.open_record_key(patient, &sealed, &key_id).map(Some);
        }
        if !create || patients::by_id(&self.db, patient).await?.is_none() {
            return Ok(None);
        }
        let key = RecordKey::generate();
        let (sealed, key_id) = self
            .vault
            .seal_secret(&key_context(patient), key.as_bytes())?;
        let mut tx = self.db.begin().await?;
        let stored =
            record_audit_keys::insert_if_absent(&mut tx, patient, &sealed, &key_id, now_ms).await?;
        tx.commit().await?;
        if stored {
            return Ok(Some(key));
        }
        // Another request made it first: use that one.
        match record_audit_keys::get(&self.db, patient).await? {
            Some((sealed, key_id)) => self.open_record_key(patient, &sealed, &key_id).map(Some),
            None => Ok(None),
        }
    }

    fn open_record_key(
        &self,
        patient: &PatientId,
        sealed: &str,
        key_id: &str,
    ) -> Result<RecordKey, AppError> {
        let bytes = self.open_master_sealed(&key_context(patient), sealed, key_id)?;
        Ok(RecordKey::from_bytes(&bytes)?)
    }

    /// Seals under the current master key every record key that is not under it yet; returns
    /// how many. A key destroyed or replaced meanwhile is left alone.
    pub async fn reseal_record_keys(&self) -> Result<u64, AppError> {
        let current = self.vault.current_key_id();
        let mut done = 0u64;
        let mut after = String::new();
        loop {
            let page = record_audit_keys::not_under(&self.db, &current, &after, 500).await?;
            let Some(last) = page.last() else { break };
            after = last.0.to_string();
            for (patient, sealed, key_id) in page {
                let key = self.open_record_key(&patient, &sealed, &key_id)?;
                let (resealed, new_id) = self
                    .vault
                    .seal_secret(&key_context(&patient), key.as_bytes())?;
                if record_audit_keys::reseal(&self.db, &patient, &sealed, &resealed, &new_id)
                    .await?
                {
                    done += 1;
                }
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lone_sealed_string_is_a_sealed_value() {
        assert_eq!(
            sealed_of(&serde_json::json!({ "sealed": "abc" })),
            Some("abc")
        );
        for not in [
            serde_json::json!("abc"),
            serde_json::json!({ "sealed": 1 }),
            serde_json::json!({ "sealed": "abc", "other": 1 }),
            serde_json::json!({ "text": "abc" }),
            serde_json::json!(null),
        ] {
            assert_eq!(sealed_of(&not), None, "{not}");
        }
    }

    #[test]
    fn sealed_values_are_found_at_any_depth_with_their_field() {
        let mut detail = serde_json::json!({
            "detail": { "reason": { "sealed": "a" } },
            "list": [{ "request": { "sealed": "b" } }],
            "plain": "c",
        });
        assert!(holds_sealed(&detail));
        let mut seen = Vec::new();
        each_sealed(&mut detail, &mut |field, v| {
            seen.push(format!("{field}={}", sealed_of(v).unwrap_or_default()));
            *v = Value::Null;
        });
        assert_eq!(seen, ["reason=a", "request=b"]);
        assert!(!holds_sealed(&detail));
        assert!(!holds_sealed(&serde_json::json!({ "reason": "in clear" })));
    }
}
