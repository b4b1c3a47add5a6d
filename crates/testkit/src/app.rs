//! A real application for the use-case tests and the surfaces above them: a fresh database of
//! the run's backend, a local vault, no mocks. The use cases take a fixed clock (`T0`, `at`);
//! the surfaces read the real one (`now`). Demo sign-ins, TOTP codes, sample inputs, and
//! what tests look up in the store and the audit trail.

pub use crate::vault::*;
use mds_app::accounts::sign_in::{Channel, LoginRequest, NewSession};
use mds_app::accounts::totp;
use mds_app::operator::directory::{NewProfessional, NewStructure};
use mds_app::patients::creation::NewPatient;
use mds_app::{Actor, App, AppError, Settings};
use mds_audit::{AuditQuery, AuditRecord, VerifyOutcome, MAX_QUERY_LIMIT};
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountId, PatientId, StructureId, Timestamp};
use tempfile::TempDir;

/// The fixed clock: an instant in September 2026 at the start of a TOTP step, far from the
/// real "now" so that a test reading the system clock by mistake would fail.
pub const T0: i64 = 1_789_999_980_000;
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
/// One TOTP step.
pub const STEP: i64 = totp::STEP_SECONDS * 1000;

/// `T0 + offset_ms` as a timestamp.
pub fn at(offset_ms: i64) -> Timestamp {
    Timestamp::from_millis(T0 + offset_ms)
}

/// The real clock, for the surfaces that read it (handlers, the binary).
pub fn now() -> Timestamp {
    Timestamp::from_millis(now_ms())
}

/// A real application on a fresh database; the temporary directory (SQLite file, vault, key
/// file) lives as long as the fixture.
pub struct Fixture {
    pub app: App,
    pub backend: TestBackend,
    pub dir: TempDir,
}

impl Fixture {
    pub async fn empty(backend: TestBackend) -> Self {
        Self::with_settings(backend, Settings::default()).await
    }

    pub async fn with_settings(backend: TestBackend, settings: Settings) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let db = fresh_db(backend, dir.path()).await;
        let vault = local_vault(dir.path());
        let app = App::new(db, vault, settings).unwrap_or_else(|e| panic!("app: {e:?}"));
        Self { app, backend, dir }
    }

    /// With the demo data loaded one day before `T0`.
    pub async fn demo(backend: TestBackend) -> Self {
        Self::empty(backend).await.with_demo(at(-DAY)).await
    }

    /// The same, with the demo data loaded at `now`.
    pub async fn with_demo(self, now: Timestamp) -> Self {
        mds_demo::load(&self.app, now)
            .await
            .unwrap_or_else(|e| panic!("load demo: {e:?}"));
        self
    }

    /// Another `App` on the same database, vault directory and key file, as a second process
    /// (`mds serve` and an `mds` command) would open them.
    pub fn second_process(&self) -> App {
        let vault = local_vault(self.dir.path());
        App::new(self.app.db().clone(), vault, Settings::default())
            .unwrap_or_else(|e| panic!("app: {e:?}"))
    }

    pub fn key_file(&self) -> std::path::PathBuf {
        self.dir.path().join("master.keys")
    }
}

/// The TOTP code of `secret` at `now`.
pub fn code(secret: &str, now: Timestamp) -> String {
    code_at_step(secret, totp::step_at(now.millis()))
}

pub fn code_at_step(secret: &str, step: i64) -> String {
    totp::code_at_step(secret, step).unwrap_or_else(|| panic!("TOTP code of step {step}"))
}

/// The code of a demo account at `now`.
pub fn demo_code(login: &str, now: Timestamp) -> String {
    code(&mds_demo::demo_totp_secret(login), now)
}

/// The current code of a demo account, by the real clock (each account signs in once per
/// step).
pub fn code_now(login: &str) -> String {
    demo_code(login, now())
}

pub fn request(login: &str, password: &str, totp_code: &str, ip: Option<&str>) -> LoginRequest {
    LoginRequest {
        login: login.to_owned(),
        password: password.to_owned(),
        totp_code: totp_code.to_owned(),
        ip: ip.map(str::to_owned),
        channel: Channel::Api,
    }
}

/// The right password and current code of a demo account.
pub fn demo_request(login: &str, now: Timestamp) -> LoginRequest {
    request(login, mds_demo::DEMO_PASSWORD, &demo_code(login, now), None)
}

/// Signs a demo account in at `now` (its TOTP step at `now` must not be spent yet).
pub async fn sign_in(app: &App, login: &str, now: Timestamp) -> NewSession {
    app.login(demo_request(login, now), now)
        .await
        .unwrap_or_else(|e| panic!("sign in {login}: {e:?}"))
}

pub async fn actor(app: &App, login: &str, now: Timestamp) -> Actor {
    sign_in(app, login, now).await.actor
}

/// `"ok"` or the stable code of the error: what decision tables compare.
pub fn outcome<T>(result: &Result<T, AppError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// The one-time code of a consent request, as the notification and its e-mail give it
/// (« … ce code : 123456 … »).
pub fn one_time_code(text: &str) -> String {
    let after = text
        .split("ce code : ")
        .nth(1)
        .unwrap_or_else(|| panic!("no one-time code in {text:?}"));
    after.chars().take(6).collect()
}

/// A valid structure input; tests change one field.
pub fn structure(ridet: &str) -> NewStructure {
    NewStructure {
        name: "Cabinet médical de Poindimié".to_owned(),
        ridet: ridet.to_owned(),
        kind: "practice".to_owned(),
        commune: "98821".to_owned(),
    }
}

/// A valid professional input working in `structure_id`; tests change one field.
pub fn professional(
    login: &str,
    professional_id: &str,
    structure_id: &StructureId,
) -> NewProfessional {
    NewProfessional {
        login: login.to_owned(),
        email: None,
        first_name: "Alice".to_owned(),
        last_name: "Gowé".to_owned(),
        profession: "infirmier".to_owned(),
        professional_id: professional_id.to_owned(),
        structure_ids: vec![structure_id.clone()],
        samu_regulator: false,
    }
}

/// A patient identity born in Poindimié; tests change the traits they look at.
pub fn identity(cafat: &str, name: &str, first: &str, birth: &str, sex: &str) -> IdentityInput {
    IdentityInput {
        identifier_kind: String::new(),
        cafat: cafat.to_owned(),
        birth_name: name.to_owned(),
        first_names: vec![first.to_owned()],
        birth_date: birth.to_owned(),
        sex: sex.to_owned(),
        birth_place: "98818".to_owned(),
    }
}

/// A creation by a professional with every check done and the consent form scanned.
pub fn new_patient(identity: IdentityInput) -> NewPatient {
    NewPatient {
        identity,
        email: None,
        phone: Some("25 12 34".to_owned()),
        identity_document_checked: true,
        cafat_card_checked: true,
        consent_signed: true,
        informed_of_rights: true,
        care_team: vec![],
        exclude_creator: false,
        consent_form: Some(crate::files::PDF.to_vec()),
    }
}

/// The id of some demo structure.
pub async fn any_structure_id(app: &App, actor: &Actor) -> StructureId {
    let all = app
        .list_structures(actor)
        .await
        .unwrap_or_else(|e| panic!("list structures: {e:?}"));
    all.first()
        .map(|s| s.id.clone())
        .unwrap_or_else(|| panic!("no structure"))
}

/// The account id of a login.
pub async fn account_id(app: &App, login: &str) -> AccountId {
    find_account_id(app, login)
        .await
        .unwrap_or_else(|| panic!("no account {login}"))
}

/// The account id of a login, if there is one.
pub async fn find_account_id(app: &App, login: &str) -> Option<AccountId> {
    mds_store::accounts::by_login(app.db(), login)
        .await
        .unwrap_or_else(|e| panic!("account {login}: {e:?}"))
        .map(|a| a.id)
}

/// The record id of a CAFAT number.
pub async fn patient_id_by_cafat(app: &App, cafat: &str) -> PatientId {
    mds_store::patients::by_identifier(app.db(), mds_domain::IdentifierKind::Cafat, cafat)
        .await
        .unwrap_or_else(|e| panic!("record {cafat}: {e:?}"))
        .unwrap_or_else(|| panic!("no record {cafat}"))
        .id
}

/// The number of rows of `table`.
pub async fn count(app: &App, table: &str) -> i64 {
    let row: (i64,) = mds_store::Query::new(format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.db())
        .await
        .unwrap_or_else(|e| panic!("count {table}: {e}"));
    row.0
}

/// Every audit event after `seq`, in chain order, with the texts sealed under a record's key
/// opened as the service reads them ([`stored_events_after`] for the stored bytes).
pub async fn events_after(app: &App, seq: i64) -> Vec<AuditRecord> {
    let mut events = stored_events_after(app, seq).await;
    opened(app, &mut events).await;
    events
}

/// Every audit event after `seq` exactly as stored (sealed texts left sealed).
pub async fn stored_events_after(app: &App, seq: i64) -> Vec<AuditRecord> {
    let q = AuditQuery {
        after_seq: Some(seq),
        limit: MAX_QUERY_LIMIT,
        ..AuditQuery::default()
    };
    mds_audit::query(app.db(), &q)
        .await
        .unwrap_or_else(|e| panic!("audit query: {e:?}"))
}

async fn opened(app: &App, events: &mut [AuditRecord]) {
    app.open_audit_texts(events)
        .await
        .unwrap_or_else(|e| panic!("opening sealed audit texts: {e:?}"));
}

/// The audit events whose action is `action`, in chain order.
pub async fn events_of(app: &App, action: &str) -> Vec<AuditRecord> {
    let q = AuditQuery {
        actions: vec![action.to_owned()],
        limit: MAX_QUERY_LIMIT,
        ..AuditQuery::default()
    };
    let mut events = mds_audit::query(app.db(), &q)
        .await
        .unwrap_or_else(|e| panic!("audit query {action}: {e:?}"));
    opened(app, &mut events).await;
    events
}

/// The sequence number of the last audit event (0 when there is none).
pub async fn last_seq(app: &App) -> i64 {
    events_after(app, 0).await.last().map_or(0, |e| e.seq)
}

/// Asserts that the audit chain verifies and returns its length.
pub async fn assert_chain_intact(app: &App) -> i64 {
    match mds_audit::verify(app.db(), None).await {
        Ok(VerifyOutcome::Intact { events, .. }) => events,
        other => panic!("audit chain not intact: {other:?}"),
    }
}
