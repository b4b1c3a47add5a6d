//! The full audit trail of a record or of a professional, extracted by support for an
//! authority (DESIGN.md 6: within 48 h), as JSON or CSV: the raw columns plus the French line.
//! The extraction is audited first (`audit.extract`, with the reason of the request) and covers
//! every event up to that one, read from the store one page at a time — never capped.

use crate::information::history::names::{Reader, Resolver};
use crate::information::history::render::Audience;
use crate::{Actor, App, AppError};
use mds_audit::{AuditQuery, AuditRecord, NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, PatientId, Timestamp};
use mds_store::{accounts, patients};

/// Events read from the store per page while extracting.
const BATCH: u32 = 1_000;

/// Whose trail is extracted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtractTarget {
    /// Every event about this record (patient id).
    Record(PatientId),
    /// Every event by this account, or done in its name.
    Professional(AccountId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtractFormat {
    Json,
    Csv,
}

impl ExtractFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The instants an extraction covers: `from_ms` inclusive, `to_ms` exclusive; `None` is
/// unbounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtractPeriod {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// An extraction ready to hand over.
#[derive(Clone, Debug)]
pub struct Extraction {
    pub format: ExtractFormat,
    pub file_name: String,
    pub events: usize,
    pub body: Vec<u8>,
}

/// The raw columns, then the French line.
const CSV_HEADER: [&str; 19] = [
    "seq",
    "id",
    "at",
    "at_noumea",
    "actor_kind",
    "actor_id",
    "on_behalf_of",
    "structure_id",
    "action",
    "patient_id",
    "document_id",
    "access_mode",
    "outcome",
    "rule",
    "detail",
    "ip",
    "prev_hash",
    "hash",
    "text",
];

/// One CSV field, quoted as RFC 4180 requires (comma, quote, CR or LF inside).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_row(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn columns(ev: &AuditRecord, text: String) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let at = Timestamp::from_millis(ev.at_ms);
    vec![
        ev.seq.to_string(),
        ev.id.clone(),
        at.to_rfc3339(),
        at.to_noumea_display(),
        ev.actor_kind.as_str().to_owned(),
        opt(&ev.actor_id),
        opt(&ev.on_behalf_of),
        opt(&ev.structure_id),
        ev.action.clone(),
        opt(&ev.patient_id),
        opt(&ev.document_id),
        opt(&ev.access_mode),
        ev.outcome.as_str().to_owned(),
        opt(&ev.rule),
        mds_audit::canonical::canonical_json(&ev.detail),
        opt(&ev.ip),
        ev.prev_hash.clone(),
        ev.hash.clone(),
        text,
    ]
}

fn json_object(ev: &AuditRecord, text: String) -> serde_json::Value {
    let at = Timestamp::from_millis(ev.at_ms);
    serde_json::json!({
        "seq": ev.seq, "id": ev.id, "at": at.to_rfc3339(), "at_noumea": at.to_noumea_display(),
        "actor_kind": ev.actor_kind, "actor_id": ev.actor_id, "on_behalf_of": ev.on_behalf_of,
        "structure_id": ev.structure_id, "action": ev.action, "patient_id": ev.patient_id,
        "document_id": ev.document_id, "access_mode": ev.access_mode,
        "outcome": ev.outcome.as_str(), "rule": ev.rule, "detail": ev.detail, "ip": ev.ip,
        "prev_hash": ev.prev_hash, "hash": ev.hash, "text": text,
    })
}

impl App {
    /// Support only, with the reason or reference of the authority's request (3 to 500
    /// characters). Others get an audited denial and `Forbidden`; an unknown record answers
    /// `NotFound`.
    pub async fn extract_audit(
        &self,
        actor: &Actor,
        target: &ExtractTarget,
        reason: &str,
        format: ExtractFormat,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Extraction, AppError> {
        let all = ExtractPeriod::default();
        self.extract_audit_period(actor, target, all, reason, format, ip, now)
            .await
    }

    /// As [`App::extract_audit`], limited to the events of `period` (the extraction event
    /// itself is always the last line when it falls in the period).
    #[allow(clippy::too_many_arguments)]
    pub async fn extract_audit_period(
        &self,
        actor: &Actor,
        target: &ExtractTarget,
        period: ExtractPeriod,
        reason: &str,
        format: ExtractFormat,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Extraction, AppError> {
        let reason = reason.trim();
        let (patient_id, professional) = match target {
            ExtractTarget::Record(p) => (Some(p.to_string()), None),
            ExtractTarget::Professional(a) => (None, Some(a.to_string())),
        };
        // The authority's reference may name the person: sealed under the record's key.
        let short: String = reason.chars().take(500).collect();
        let sealed = match target {
            ExtractTarget::Record(p) => {
                self.seal_for_audit(p, "reason", &short, now.millis())
                    .await?
            }
            ExtractTarget::Professional(_) => serde_json::Value::String(short),
        };
        let base = NewEvent {
            actor_id: Some(actor.account_id.to_string()),
            patient_id: patient_id.clone(),
            detail: serde_json::json!({
                "professional": professional,
                "reason": sealed,
                "format": match format { ExtractFormat::Json => "json", ExtractFormat::Csv => "csv" },
                "from_ms": period.from_ms, "to_ms": period.to_ms,
            }),
            ip,
            ..NewEvent::new(actor.kind.into(), "audit.extract", Outcome::Success)
        };
        if actor.kind != AccountKind::Support {
            let ev = NewEvent {
                outcome: Outcome::Deny,
                ..base
            };
            mds_audit::record(&self.db, ev, now.millis()).await?;
            return Err(AppError::Forbidden);
        }
        let n = reason.chars().count();
        if !(3..=500).contains(&n) {
            return Err(AppError::invalid(
                "reason_required",
                "Indiquez la référence de la demande de l'autorité (3 à 500 caractères).",
            ));
        }
        AppError::check_typed("reason_required", "référence de la demande", reason, true)?;
        if let (Some(from), Some(to)) = (period.from_ms, period.to_ms) {
            if from >= to {
                return Err(AppError::invalid(
                    "invalid_period",
                    "La fin de la période doit être postérieure à son début.",
                ));
            }
        }
        // What is named must exist: an empty extraction would read as "nothing happened".
        let (exists, owner) = match target {
            ExtractTarget::Record(p) => match patients::by_id(&self.db, p).await? {
                Some(row) => (true, row.account_id.map(|a| a.to_string())),
                None => (false, None),
            },
            ExtractTarget::Professional(a) => {
                let found = accounts::by_id(&self.db, a).await?;
                (found.is_some(), None)
            }
        };
        if !exists {
            let ev = NewEvent {
                outcome: Outcome::Failure,
                ..base
            };
            mds_audit::record(&self.db, ev, now.millis()).await?;
            return Err(AppError::NotFound);
        }
        let stored = mds_audit::record(&self.db, base, now.millis()).await?;
        let reader = Reader {
            audience: Audience::Authority,
            account_id: None,
            owner_account_id: owner,
        };
        let q = AuditQuery {
            patient_id,
            involving: professional,
            from_ms: period.from_ms,
            to_ms: period.to_ms,
            limit: BATCH,
            ..AuditQuery::default()
        };
        let mut out = Output::new(format);
        let mut resolver = Resolver::new(self, reader);
        let mut after = None;
        'pages: loop {
            let page = self
                .audit_events(&AuditQuery {
                    after_seq: after,
                    ..q.clone()
                })
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.seq);
            for ev in &page {
                if ev.seq > stored.seq {
                    break 'pages;
                }
                let text = resolver.line(ev).await?;
                out.push(ev, text)?;
            }
        }
        let stamp = now.noumea_date().map(|d| d.to_string()).unwrap_or_default();
        let ext = match format {
            ExtractFormat::Json => "json",
            ExtractFormat::Csv => "csv",
        };
        Ok(Extraction {
            format,
            file_name: format!("mds-audit-{stamp}-{}.{ext}", stored.seq),
            events: out.events,
            body: out.finish(),
        })
    }
}

/// The document being written, one event at a time.
struct Output {
    format: ExtractFormat,
    events: usize,
    body: Vec<u8>,
}

impl Output {
    fn new(format: ExtractFormat) -> Self {
        let body = match format {
            ExtractFormat::Json => b"[".to_vec(),
            ExtractFormat::Csv => csv_row(&CSV_HEADER.map(str::to_owned)).into_bytes(),
        };
        Self {
            format,
            events: 0,
            body,
        }
    }

    fn push(&mut self, ev: &AuditRecord, text: String) -> Result<(), AppError> {
        match self.format {
            ExtractFormat::Json => {
                if self.events > 0 {
                    self.body.push(b',');
                }
                serde_json::to_writer(&mut self.body, &json_object(ev, text))
                    .map_err(|e| AppError::Internal(format!("extraction: {e}")))?;
            }
            ExtractFormat::Csv => self
                .body
                .extend_from_slice(csv_row(&columns(ev, text)).as_bytes()),
        }
        self.events += 1;
        Ok(())
    }

    fn finish(mut self) -> Vec<u8> {
        if self.format == ExtractFormat::Json {
            self.body.push(b']');
        }
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_as_rfc_4180_says() {
        let cases = [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\rhere", "\"cr\rhere\""),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(csv_field(input), want, "{input:?}");
        }
    }
}
