//! Rows behind the access rules of a record (DESIGN.md 4.3): consents, emergency sessions,
//! blocks, feeding oppositions, emergency settings and the information duty. Rows, not rules:
//! whether any of these grants or refuses anything is decided by `mds-policy`.

use crate::sql::{FromRow, Row};
use crate::{Ex, Query, StoreError};
use mds_domain::{AccountId, ConsentState, EmergencyKind, PatientId};

/// A consent request and, once granted, the temporary access it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRow {
    pub id: String,
    pub patient_id: PatientId,
    pub professional_account_id: AccountId,
    pub purpose: String,
    pub state: ConsentState,
    pub code_hash: Option<String>,
    pub code_expires_at_ms: Option<i64>,
    pub code_failures: i64,
    pub attested: bool,
    pub granted_how: Option<String>,
    pub requested_at_ms: i64,
    pub decided_at_ms: Option<i64>,
    pub expires_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

const CONSENT_COLUMNS: &str = "id, patient_id, professional_account_id, purpose, state, \
     code_hash, code_expires_at_ms, code_failures, attested, granted_how, \
     requested_at_ms, decided_at_ms, expires_at_ms, revoked_at_ms";

impl FromRow for ConsentRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            professional_account_id: r.get(2)?,
            purpose: r.get(3)?,
            state: r.get(4)?,
            code_hash: r.get(5)?,
            code_expires_at_ms: r.get(6)?,
            code_failures: r.get(7)?,
            attested: r.get::<bool>(8)?,
            granted_how: r.get(9)?,
            requested_at_ms: r.get(10)?,
            decided_at_ms: r.get(11)?,
            expires_at_ms: r.get(12)?,
            revoked_at_ms: r.get(13)?,
        })
    }
}

pub async fn insert_consent(ex: impl Into<Ex<'_>>, c: &ConsentRow) -> Result<(), StoreError> {
    Query::new(format!(
        "INSERT INTO consents ({CONSENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14)"
    ))
    .bind(&c.id)
    .bind(&c.patient_id)
    .bind(&c.professional_account_id)
    .bind(&c.purpose)
    .bind(c.state)
    .bind(&c.code_hash)
    .bind(c.code_expires_at_ms)
    .bind(c.code_failures)
    .bind(c.attested)
    .bind(&c.granted_how)
    .bind(c.requested_at_ms)
    .bind(c.decided_at_ms)
    .bind(c.expires_at_ms)
    .bind(c.revoked_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn consent_by_id(
    ex: impl Into<Ex<'_>>,
    id: &str,
) -> Result<Option<ConsentRow>, StoreError> {
    Query::new(format!(
        "SELECT {CONSENT_COLUMNS} FROM consents WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Every consent row of a record, newest request first.
pub async fn consents_for_patient(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<Vec<ConsentRow>, StoreError> {
    Query::new(format!(
        "SELECT {CONSENT_COLUMNS} FROM consents WHERE patient_id = $1 \
         ORDER BY requested_at_ms DESC, id"
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await
}

/// Moves a consent to its decided state. Only a row still in `from_state` changes (so two
/// concurrent decisions cannot both succeed); the code's hash is always cleared.
pub async fn decide_consent(
    ex: impl Into<Ex<'_>>,
    id: &str,
    from_state: ConsentState,
    to_state: ConsentState,
    granted_how: Option<&str>,
    decided_at_ms: i64,
    expires_at_ms: Option<i64>,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE consents SET state = $1, granted_how = $2, decided_at_ms = $3, \
         expires_at_ms = $4, code_hash = NULL \
         WHERE id = $5 AND state = $6",
    )
    .bind(to_state)
    .bind(granted_how)
    .bind(decided_at_ms)
    .bind(expires_at_ms)
    .bind(id)
    .bind(from_state)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

pub async fn revoke_consent(
    ex: impl Into<Ex<'_>>,
    id: &str,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE consents SET state = 'revoked', revoked_at_ms = $1, code_hash = NULL \
         WHERE id = $2 AND state IN ('requested', 'granted')",
    )
    .bind(at_ms)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

pub async fn count_code_failure(ex: impl Into<Ex<'_>>, id: &str) -> Result<(), StoreError> {
    Query::new("UPDATE consents SET code_failures = code_failures + 1 WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Names the signed attestation file of an in-person consent (an identity file of the patient).
pub async fn set_attestation_file(
    ex: impl Into<Ex<'_>>,
    consent_id: &str,
    file_id: &str,
) -> Result<(), StoreError> {
    Query::new("UPDATE consents SET attestation_file_id = $1 WHERE id = $2")
        .bind(file_id)
        .bind(consent_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Names the signed attestation file of a consent that has none yet; false when it has one
/// (a concurrent attachment came first).
pub async fn set_attestation_file_once(
    ex: impl Into<Ex<'_>>,
    consent_id: &str,
    file_id: &str,
) -> Result<bool, StoreError> {
    let done = Query::new(
        "UPDATE consents SET attestation_file_id = $1 WHERE id = $2 AND attestation_file_id IS NULL",
    )
    .bind(file_id)
    .bind(consent_id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// The consents `professional` attested as given in person on the record, granted, whose
/// signed form is not attached yet; newest first.
pub async fn in_person_without_form(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    professional: &AccountId,
) -> Result<Vec<ConsentRow>, StoreError> {
    Query::new(format!(
        "SELECT {CONSENT_COLUMNS} FROM consents WHERE patient_id = $1 \
         AND professional_account_id = $2 AND attested = $3 AND granted_how = 'attestation' \
         AND state = 'granted' AND attestation_file_id IS NULL \
         ORDER BY requested_at_ms DESC, id"
    ))
    .bind(patient_id)
    .bind(professional)
    .bind(true)
    .fetch_all(ex)
    .await
}

/// The attestation file of a consent, if one was attached.
pub async fn attestation_file_id(
    ex: impl Into<Ex<'_>>,
    consent_id: &str,
) -> Result<Option<String>, StoreError> {
    let row: Option<(Option<String>,)> =
        Query::new("SELECT attestation_file_id FROM consents WHERE id = $1")
            .bind(consent_id)
            .fetch_optional(ex)
            .await?;
    Ok(row.and_then(|r| r.0))
}

/// An emergency access session (break-glass or SAMU regulation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencySessionRow {
    pub id: String,
    pub patient_id: PatientId,
    pub professional_account_id: AccountId,
    pub kind: EmergencyKind,
    pub reason: Option<String>,
    pub call_reference: Option<String>,
    pub opened_at_ms: i64,
    pub expires_at_ms: i64,
}

pub async fn insert_emergency_session(
    ex: impl Into<Ex<'_>>,
    s: &EmergencySessionRow,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO emergency_sessions (id, patient_id, professional_account_id, kind, reason, \
         call_reference, opened_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&s.id)
    .bind(&s.patient_id)
    .bind(&s.professional_account_id)
    .bind(s.kind)
    .bind(&s.reason)
    .bind(&s.call_reference)
    .bind(s.opened_at_ms)
    .bind(s.expires_at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

impl FromRow for EmergencySessionRow {
    fn from_row(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.get(0)?,
            patient_id: r.get(1)?,
            professional_account_id: r.get(2)?,
            kind: r.get(3)?,
            reason: r.get(4)?,
            call_reference: r.get(5)?,
            opened_at_ms: r.get(6)?,
            expires_at_ms: r.get(7)?,
        })
    }
}

/// Sessions of a record still open at `now_ms`.
pub async fn open_emergency_sessions(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    now_ms: i64,
) -> Result<Vec<EmergencySessionRow>, StoreError> {
    Query::new(
        "SELECT id, patient_id, professional_account_id, kind, reason, call_reference, \
         opened_at_ms, expires_at_ms FROM emergency_sessions \
         WHERE patient_id = $1 AND expires_at_ms > $2 ORDER BY opened_at_ms, id",
    )
    .bind(patient_id)
    .bind(now_ms)
    .fetch_all(ex)
    .await
}

/// The pair tables (patient, professional) that only record presence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairTable {
    Blocks,
    FeedingOppositions,
    InformationDuty,
}

impl PairTable {
    fn name(self) -> &'static str {
        match self {
            Self::Blocks => "record_blocks",
            Self::FeedingOppositions => "feeding_oppositions",
            Self::InformationDuty => "information_duty",
        }
    }

    fn at_column(self) -> &'static str {
        match self {
            Self::Blocks => "blocked_at_ms",
            Self::FeedingOppositions => "recorded_at_ms",
            Self::InformationDuty => "confirmed_at_ms",
        }
    }
}

/// Adds the pair; false if it was already there.
pub async fn add_pair(
    ex: impl Into<Ex<'_>>,
    table: PairTable,
    patient_id: &PatientId,
    professional_account_id: &AccountId,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let done = Query::new(format!(
        "INSERT INTO {} (patient_id, professional_account_id, {}) VALUES ($1, $2, $3) \
         ON CONFLICT (patient_id, professional_account_id) DO NOTHING",
        table.name(),
        table.at_column()
    ))
    .bind(patient_id)
    .bind(professional_account_id)
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// Removes the pair; false if it was not there.
pub async fn remove_pair(
    ex: impl Into<Ex<'_>>,
    table: PairTable,
    patient_id: &PatientId,
    professional_account_id: &AccountId,
) -> Result<bool, StoreError> {
    let done = Query::new(format!(
        "DELETE FROM {} WHERE patient_id = $1 AND professional_account_id = $2",
        table.name()
    ))
    .bind(patient_id)
    .bind(professional_account_id)
    .execute(ex)
    .await?;
    Ok(done == 1)
}

/// The professionals paired with a record in `table`.
pub async fn pairs(
    ex: impl Into<Ex<'_>>,
    table: PairTable,
    patient_id: &PatientId,
) -> Result<Vec<AccountId>, StoreError> {
    let rows: Vec<(AccountId,)> = Query::new(format!(
        "SELECT professional_account_id FROM {} WHERE patient_id = $1 \
         ORDER BY professional_account_id",
        table.name()
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The professionals paired with a record in `table`, with the instant of each pairing,
/// oldest first.
pub async fn pairs_since(
    ex: impl Into<Ex<'_>>,
    table: PairTable,
    patient_id: &PatientId,
) -> Result<Vec<(AccountId, i64)>, StoreError> {
    Query::new(format!(
        "SELECT professional_account_id, {} FROM {} WHERE patient_id = $1 \
         ORDER BY {}, professional_account_id",
        table.at_column(),
        table.name(),
        table.at_column()
    ))
    .bind(patient_id)
    .fetch_all(ex)
    .await
}

/// `(oppose_break_glass, oppose_samu)`; both false when the patient never chose.
pub async fn emergency_settings(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
) -> Result<(bool, bool), StoreError> {
    let row: Option<(bool, bool)> = Query::new(
        "SELECT oppose_break_glass, oppose_samu FROM emergency_settings WHERE patient_id = $1",
    )
    .bind(patient_id)
    .fetch_optional(ex)
    .await?;
    Ok(row.unwrap_or((false, false)))
}

pub async fn set_emergency_settings(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    oppose_break_glass: bool,
    oppose_samu: bool,
    at_ms: i64,
) -> Result<(), StoreError> {
    Query::new(
        "INSERT INTO emergency_settings (patient_id, oppose_break_glass, oppose_samu, updated_at_ms) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (patient_id) DO UPDATE SET \
         oppose_break_glass = excluded.oppose_break_glass, oppose_samu = excluded.oppose_samu, \
         updated_at_ms = excluded.updated_at_ms",
    )
    .bind(patient_id)
    .bind(oppose_break_glass)
    .bind(oppose_samu)
    .bind(at_ms)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every access fact of a record that the policy reads, as of `now_ms`: the care team, the
/// consents that were granted (live, expired or revoked), the emergency sessions still open,
/// blocks, feeding oppositions, information duty and emergency settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessFacts {
    /// `(professional, attending physician)`.
    pub care_team: Vec<(AccountId, bool)>,
    /// `(professional, expires_at_ms, revoked)`.
    pub consents: Vec<(AccountId, i64, bool)>,
    /// `(professional, kind, expires_at_ms)`.
    pub emergency_sessions: Vec<(AccountId, EmergencyKind, i64)>,
    pub blocked: Vec<AccountId>,
    pub feeding_oppositions: Vec<AccountId>,
    pub informed: Vec<AccountId>,
    /// `(oppose_break_glass, oppose_samu)`; both false when the patient never chose.
    pub emergency_settings: (bool, bool),
    /// When the last access of the professional named to [`access_facts`] was told to the
    /// patient (`first_accesses`); `None`: they never accessed the record.
    pub access_told_at_ms: Option<i64>,
    /// The patient limited the record's use (`record_limitations`).
    pub limited: bool,
    /// `(representative, ends_at_ms)`: the representations not ended by support.
    pub representatives: Vec<(AccountId, i64)>,
}

/// Loads [`AccessFacts`] in ONE query (a `UNION ALL` over the ten tables, each branch
/// tagged): every request on a record needs them, and one round trip costs far less than
/// eight on either backend. `professional`: the professional who acts (or for whom an
/// assistant or a software acts), whose earlier access to the record is looked up too.
pub async fn access_facts(
    ex: impl Into<Ex<'_>>,
    patient_id: &PatientId,
    professional: Option<&AccountId>,
    now_ms: i64,
) -> Result<AccessFacts, StoreError> {
    const NO_TEXT: &str = "CAST(NULL AS TEXT)";
    const NO_INT: &str = "CAST(NULL AS BIGINT)";
    let sql = format!(
        "SELECT CAST(1 AS BIGINT), professional_account_id, attending_physician, {NO_INT} \
         FROM care_team WHERE patient_id = $1 \
         UNION ALL SELECT CAST(2 AS BIGINT), professional_account_id, \
         CAST(CASE WHEN state = 'revoked' THEN 1 ELSE 0 END AS BIGINT), expires_at_ms \
         FROM consents WHERE patient_id = $1 AND state IN ('granted', 'revoked') \
         AND expires_at_ms IS NOT NULL \
         UNION ALL SELECT CAST(3 AS BIGINT), professional_account_id, \
         CAST(CASE WHEN kind = 'samu' THEN 1 ELSE 0 END AS BIGINT), expires_at_ms \
         FROM emergency_sessions WHERE patient_id = $1 AND expires_at_ms > $2 \
         UNION ALL SELECT CAST(4 AS BIGINT), professional_account_id, {NO_INT}, {NO_INT} \
         FROM record_blocks WHERE patient_id = $1 \
         UNION ALL SELECT CAST(5 AS BIGINT), professional_account_id, {NO_INT}, {NO_INT} \
         FROM feeding_oppositions WHERE patient_id = $1 \
         UNION ALL SELECT CAST(6 AS BIGINT), professional_account_id, {NO_INT}, {NO_INT} \
         FROM information_duty WHERE patient_id = $1 \
         UNION ALL SELECT CAST(7 AS BIGINT), {NO_TEXT}, oppose_break_glass, oppose_samu \
         FROM emergency_settings WHERE patient_id = $1 \
         UNION ALL SELECT CAST(8 AS BIGINT), professional_account_id, \
         COALESCE(last_told_at_ms, first_at_ms), {NO_INT} FROM first_accesses \
         WHERE patient_id = $1 AND professional_account_id = $3 \
         UNION ALL SELECT CAST(9 AS BIGINT), {NO_TEXT}, since_ms, {NO_INT} \
         FROM record_limitations WHERE patient_id = $1 \
         UNION ALL SELECT CAST(10 AS BIGINT), representative_account_id, ends_at_ms, {NO_INT} \
         FROM representations WHERE patient_id = $1 AND ended_at_ms IS NULL"
    );
    /// `(tag, professional, first number, second number)`.
    type Tagged = (i64, Option<AccountId>, Option<i64>, Option<i64>);
    let rows: Vec<Tagged> = Query::new(&sql)
        .bind(patient_id)
        .bind(now_ms)
        .bind(professional)
        .fetch_all(ex)
        .await?;
    let mut f = AccessFacts::default();
    for (tag, account, a, b) in rows {
        let (a, b) = (a.unwrap_or(0), b.unwrap_or(0));
        if tag == 7 {
            f.emergency_settings = (a != 0, b != 0);
            continue;
        }
        if tag == 9 {
            f.limited = true;
            continue;
        }
        let account = account.ok_or_else(|| {
            StoreError::Corrupt(format!("access fact {tag} without a professional"))
        })?;
        match tag {
            1 => f.care_team.push((account, a != 0)),
            2 => f.consents.push((account, b, a != 0)),
            3 => {
                let kind = if a != 0 {
                    EmergencyKind::Samu
                } else {
                    EmergencyKind::BreakGlass
                };
                f.emergency_sessions.push((account, kind, b));
            }
            4 => f.blocked.push(account),
            5 => f.feeding_oppositions.push(account),
            6 => f.informed.push(account),
            10 => f.representatives.push((account, a)),
            _ => f.access_told_at_ms = Some(a),
        }
    }
    Ok(f)
}

/// Deletes every access fact of a patient (consents, emergency sessions, blocks, oppositions,
/// emergency settings, information duty) — the erasure of a record. Returns the rows removed.
pub async fn remove_all_for_patient(
    tx: &mut crate::Tx,
    patient_id: &PatientId,
) -> Result<u64, StoreError> {
    let mut removed = 0;
    for table in [
        "consents",
        "emergency_sessions",
        "record_blocks",
        "feeding_oppositions",
        "emergency_settings",
        "information_duty",
    ] {
        let done = Query::new(format!("DELETE FROM {table} WHERE patient_id = $1"))
            .bind(patient_id)
            .execute(&mut *tx)
            .await?;
        removed += done;
    }
    Ok(removed)
}
