//! Shared setup of the use-case tests: a real `App` (fresh SQLite or PostgreSQL database, local
//! vault, no mocks) with a fixed clock, the demo accounts, TOTP codes and sign-in helpers. Each
//! scenario is written once and run on both backends by `on_both`.
#![allow(dead_code)] // each test binary uses a different subset

use mds_app::auth::{Channel, LoginRequest, NewSession};
use mds_app::directory::{NewProfessional, NewStructure};
use mds_app::{demo, totp, Actor, App, AppError, Settings};
use mds_audit::{AuditQuery, AuditRecord, VerifyOutcome, MAX_QUERY_LIMIT};
use mds_domain::Timestamp;
use mds_store::testing::{TestBackend, BOTH};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use tempfile::TempDir;

/// The fixed clock: an instant in September 2026 at the start of a TOTP step, far from the
/// real "now" so that a test reading the system clock by mistake would fail.
pub const T0: i64 = 1_789_999_980_000;
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 60 * MINUTE;
/// One TOTP step.
pub const STEP: i64 = totp::STEP_SECONDS * 1000;

pub const SUPPORT: &str = "support@demo.mds.nc";
pub const DOCTOR: &str = "dr.nea@demo.mds.nc";
pub const REGULATOR: &str = "dr.wamytan@demo.mds.nc";
pub const ASSISTANT: &str = "sec.tiaou@demo.mds.nc";
pub const PATIENT: &str = "marie.wea@demo.mds.nc";

/// `T0 + offset_ms` as a timestamp.
pub fn at(offset_ms: i64) -> Timestamp {
    Timestamp::from_millis(T0 + offset_ms)
}

/// Runs `test` once per backend, each on its own runtime, and names the backend when it fails.
/// (A runtime per run rather than `#[tokio::test]` + `spawn`: the scenario's future need not be
/// `Send`, and the first failing backend is reported by name.)
pub fn on_both<F, Fut>(test: F)
where
    F: Fn(TestBackend) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in BOTH {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("tokio runtime: {e}"));
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(test(backend))));
        if let Err(p) = run {
            let message = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("on the {backend:?} backend: {message}");
        }
    }
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
        let db = mds_store::testing::fresh(backend, dir.path())
            .await
            .unwrap_or_else(|e| panic!("fresh {backend:?} database: {e}"));
        let (keys, _) = mds_vault::KeyRing::load_or_create(&dir.path().join("master.keys"))
            .unwrap_or_else(|e| panic!("vault keys: {e}"));
        let local = mds_vault::LocalDir::open(&dir.path().join("vault"))
            .unwrap_or_else(|e| panic!("vault directory: {e}"));
        let vault = mds_vault::Vault::new(mds_vault::Backend::Local(local), keys);
        let app = App::new(db, vault, settings).unwrap_or_else(|e| panic!("app: {e:?}"));
        Self { app, backend, dir }
    }

    /// With the demo data loaded one day before `T0`.
    pub async fn demo(backend: TestBackend) -> Self {
        let f = Self::empty(backend).await;
        f.app
            .load_demo(at(-24 * HOUR))
            .await
            .unwrap_or_else(|e| panic!("load demo: {e:?}"));
        f
    }
}

impl Fixture {
    /// Another `App` on the same database, vault directory and key file, as a second process
    /// (`mds serve` and an `mds` command) would open them.
    pub fn second_process(&self) -> App {
        let keys = mds_vault::KeyRing::load(&self.key_file())
            .unwrap_or_else(|e| panic!("vault keys: {e}"));
        let local = mds_vault::LocalDir::open(&self.dir.path().join("vault"))
            .unwrap_or_else(|e| panic!("vault directory: {e}"));
        let vault = mds_vault::Vault::new(mds_vault::Backend::Local(local), keys);
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

/// The current code of a demo account.
pub fn demo_code(login: &str, now: Timestamp) -> String {
    code(&demo::demo_totp_secret(login), now)
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
    request(login, demo::DEMO_PASSWORD, &demo_code(login, now), None)
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
pub fn professional(login: &str, professional_id: &str, structure_id: &str) -> NewProfessional {
    NewProfessional {
        login: login.to_owned(),
        email: None,
        first_name: "Alice".to_owned(),
        last_name: "Gowé".to_owned(),
        profession: "infirmier".to_owned(),
        professional_id: professional_id.to_owned(),
        structure_ids: vec![structure_id.to_owned()],
        samu_regulator: false,
    }
}

/// The id of some demo structure.
pub async fn any_structure_id(app: &App, actor: &Actor) -> String {
    let all = app
        .list_structures(actor)
        .await
        .unwrap_or_else(|e| panic!("list structures: {e:?}"));
    all.first()
        .map(|s| s.id.clone())
        .unwrap_or_else(|| panic!("no structure"))
}

/// The account id of a login.
pub async fn account_id(app: &App, login: &str) -> String {
    mds_store::accounts::by_login(app.db().pool(), login)
        .await
        .unwrap_or_else(|e| panic!("account {login}: {e:?}"))
        .unwrap_or_else(|| panic!("no account {login}"))
        .id
}

/// Every audit event after `seq`, in chain order.
pub async fn events_after(app: &App, seq: i64) -> Vec<AuditRecord> {
    let q = AuditQuery {
        after_seq: Some(seq),
        limit: MAX_QUERY_LIMIT,
        ..AuditQuery::default()
    };
    mds_audit::query(app.db(), &q)
        .await
        .unwrap_or_else(|e| panic!("audit query: {e:?}"))
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
