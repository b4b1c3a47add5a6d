//! The history in a record's export: EVERY audit event about the record, newest first, as the
//! history page says it (`information::history`, one French line per event) and as data.
//! Written piece by piece, page after page of the audit, so that a record with a long life
//! costs one page of events in memory, never the whole history, and nothing is cut:
//! `history.json` (each event's time, actor, action, outcome and `line`) and `history.html`
//! (the lines, for the person).

use super::export::Archive;
use super::export_index::escape;
use crate::information::history::names::{Reader, Resolver};
use crate::information::history::render::Audience;
use crate::{App, AppError};
use mds_audit::{AuditQuery, AuditRecord};
use mds_domain::Timestamp;
use mds_store::patients::PatientRow;
use serde_json::json;

/// Events read from the audit at a time.
const PAGE: u32 = 1_000;

const HEAD: &str = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Historique de mon dossier Mon Drive Santé</title>\
<style>body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;\
margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b;line-height:1.5}\
li{margin:.4rem 0}time{color:#444;font-size:.95rem;display:block}</style></head><body>\
<h1>Historique de mon dossier</h1><p>Chaque action sur le dossier, la plus récente d'abord.</p>\
<ol>";

impl App {
    /// Writes `history.json` and `history.html` into `archive`; `audience` says whose point
    /// of view the lines take (the owner's, or an authority's for a legal export). Returns the
    /// seq of the newest event written (none for an empty history). Both files hold the same
    /// events: the second pass stops at the newest event the first one saw.
    pub(crate) async fn export_history(
        &self,
        archive: &mut Archive,
        p: &PatientRow,
        audience: Audience,
    ) -> Result<Option<i64>, AppError> {
        let reader = Reader {
            audience,
            account_id: p.account_id.as_ref().map(ToString::to_string),
            owner_account_id: p.account_id.as_ref().map(ToString::to_string),
        };
        let mut names = Resolver::new(self, reader);
        archive.start("history.json", false)?;
        archive.write(b"[")?;
        let (mut count, mut before, mut newest) = (0u64, None, None);
        loop {
            let page = self.history_events(p, before).await?;
            let Some(last) = page.last() else { break };
            before = Some(last.seq);
            newest = newest.or(page.first().map(|e| e.seq + 1));
            for ev in &page {
                let item = json!({
                    "seq": ev.seq, "id": ev.id,
                    "at": Timestamp::from_millis(ev.at_ms).to_rfc3339(),
                    "actor_kind": ev.actor_kind, "actor_id": ev.actor_id,
                    "action": ev.action, "document_id": ev.document_id,
                    "access_mode": ev.access_mode, "outcome": ev.outcome,
                    "line": names.line(ev).await?,
                });
                archive.write(if count == 0 { b"\n" } else { b",\n" })?;
                let text = serde_json::to_vec(&item)
                    .map_err(|e| AppError::Internal(format!("json: {e}")))?;
                archive.write(&text)?;
                count += 1;
            }
        }
        archive.write(b"\n]\n")?;
        archive.start("history.html", false)?;
        archive.write(HEAD.as_bytes())?;
        let mut before = newest;
        while let Some(cursor) = before {
            let page = self.history_events(p, Some(cursor)).await?;
            before = page.last().map(|e| e.seq);
            for ev in &page {
                let item = format!(
                    "<li><time>{}</time>{}</li>\n",
                    Timestamp::from_millis(ev.at_ms).to_noumea_display(),
                    escape(&names.line(ev).await?)
                );
                archive.write(item.as_bytes())?;
            }
        }
        archive.write(b"</ol></body></html>\n")?;
        archive.end()?;
        Ok(newest.map(|n| n - 1))
    }

    /// The record's events older than `before_seq` (all if `None`), newest first, one page.
    async fn history_events(
        &self,
        p: &PatientRow,
        before_seq: Option<i64>,
    ) -> Result<Vec<AuditRecord>, AppError> {
        let q = AuditQuery {
            patient_id: Some(p.id.to_string()),
            before_seq,
            newest_first: true,
            limit: PAGE,
            ..AuditQuery::default()
        };
        self.audit_events(&q).await
    }
}
