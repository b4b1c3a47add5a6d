//! Shared setup of the record API tests: a real application (fresh SQLite or PostgreSQL
//! database, local vault, demo data) behind the real router, signed-in demo accounts, and
//! small helpers to call the router with `oneshot` and read the audit. The API reads the
//! real clock, so sessions are opened at the real "now".
#![allow(dead_code)] // each test binary uses a different subset

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use mds_app::auth::{Channel, LoginRequest};
use mds_app::{demo, totp, App, Settings};
use mds_audit::{AuditQuery, AuditRecord, MAX_QUERY_LIMIT};
use mds_domain::Timestamp;
use mds_store::testing::{TestBackend, BOTH};
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use tempfile::TempDir;
use tower::ServiceExt;

pub const PATIENT: &str = "marie.wea@demo.mds.nc"; // active, Dr Néa's patient
pub const OTHER_PATIENT: &str = "celine.dk@demo.mds.nc"; // active
pub const DOCTOR: &str = "dr.nea@demo.mds.nc"; // care team of Marie Wéa
pub const REGULATOR: &str = "dr.wamytan@demo.mds.nc"; // SAMU regulator, no care team
pub const NURSE: &str = "inf.kaloi@demo.mds.nc";
pub const PHARMACIST: &str = "ph.leroux@demo.mds.nc";
pub const PSYCHOLOGIST: &str = "psy.hnawia@demo.mds.nc";
pub const MIDWIFE: &str = "sf.gope@demo.mds.nc";
pub const ASSISTANT: &str = "sec.tiaou@demo.mds.nc"; // Dr Néa's assistant
pub const SUPPORT: &str = "support@demo.mds.nc";
pub const MARIE_CAFAT: &str = "1234567";
pub const CELINE_CAFAT: &str = "2345678";
pub const JOSEPH_CAFAT: &str = "7654321"; // inactive account

pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp::from_millis(ms)
}

/// Runs `test` once per backend on its own runtime, naming the backend when it fails.
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

/// The application with the demo data, its router and signed-in accounts.
pub struct World {
    pub app: App,
    pub backend: TestBackend,
    pub dir: TempDir,
    tokens: HashMap<String, String>,
}

/// An HTTP answer: status and body (JSON when it parses).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub bytes: Vec<u8>,
    pub json: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

impl World {
    pub async fn new(backend: TestBackend) -> Self {
        Self::with_settings(backend, Settings::default()).await
    }

    pub async fn with_settings(backend: TestBackend, settings: Settings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = mds_store::testing::fresh(backend, dir.path())
            .await
            .unwrap();
        let (keys, _) =
            mds_vault::KeyRing::load_or_create(&dir.path().join("master.keys")).unwrap();
        let local = mds_vault::LocalDir::open(&dir.path().join("vault")).unwrap();
        let vault = mds_vault::Vault::new(mds_vault::Backend::Local(local), keys);
        let app = App::new(db, vault, settings).unwrap();
        app.load_demo(Timestamp::from_millis(now().millis() - 86_400_000))
            .await
            .unwrap();
        Self {
            app,
            backend,
            dir,
            tokens: HashMap::new(),
        }
    }

    /// The bearer token of `login`, signing in once (demo password and TOTP).
    pub async fn token(&mut self, login: &str) -> String {
        if let Some(t) = self.tokens.get(login) {
            return t.clone();
        }
        let t = now();
        let code =
            totp::code_at_step(&demo::demo_totp_secret(login), totp::step_at(t.millis())).unwrap();
        let req = LoginRequest {
            login: login.to_owned(),
            password: demo::DEMO_PASSWORD.to_owned(),
            totp_code: code,
            ip: None,
            channel: Channel::Api,
        };
        let s = self
            .app
            .login(req, t)
            .await
            .unwrap_or_else(|e| panic!("sign in {login}: {e:?}"));
        self.tokens.insert(login.to_owned(), s.token.clone());
        s.token
    }

    pub async fn send(
        &mut self,
        login: &str,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Answer {
        let token = self.token(login).await;
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.call(b.body(body).unwrap()).await
    }

    pub async fn call(&self, req: Request<Body>) -> Answer {
        let res = mds_api::router(self.app.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            bytes,
            json,
        }
    }

    pub async fn get(&mut self, login: &str, uri: &str) -> Answer {
        self.send(login, Method::GET, uri, None).await
    }

    pub async fn post(&mut self, login: &str, uri: &str, body: Value) -> Answer {
        self.send(login, Method::POST, uri, Some(body)).await
    }

    pub async fn put(&mut self, login: &str, uri: &str, body: Value) -> Answer {
        self.send(login, Method::PUT, uri, Some(body)).await
    }

    pub async fn delete(&mut self, login: &str, uri: &str) -> Answer {
        self.send(login, Method::DELETE, uri, None).await
    }

    /// Whether `login` can list the record (200) or not (404).
    pub async fn lists(&mut self, login: &str, patient_id: &str) -> bool {
        let a = self
            .get(login, &format!("/api/v1/records/{patient_id}/documents"))
            .await;
        match a.status {
            StatusCode::OK => true,
            StatusCode::NOT_FOUND => false,
            other => panic!("{:?}: listing answered {other}: {:?}", self.backend, a.json),
        }
    }

    /// A multipart upload of `content` with the given form fields.
    pub async fn upload(
        &mut self,
        login: &str,
        uri: &str,
        fields: &[(&str, &str)],
        content: &[u8],
    ) -> Answer {
        let token = self.token(login).await;
        let boundary = "mds-test-boundary-7d1f";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .into_bytes(),
            );
        }
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes());
        body.extend_from_slice(content);
        body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.call(req).await
    }

    /// Uploads a plain-text report to `patient_id` as `login` (confirming the information
    /// duty) and returns the answer.
    pub async fn add_text(&mut self, login: &str, patient_id: &str, text: &str) -> Answer {
        let uri = format!("/api/v1/records/{patient_id}/documents");
        self.upload(
            login,
            &uri,
            &[
                ("type_code", "11488-4"),
                ("title", "Compte rendu de test"),
                ("act_date", "2026-11-20"),
                ("confirms_patient_informed", "true"),
            ],
            text.as_bytes(),
        )
        .await
    }

    pub async fn patient_id(&self, cafat: &str) -> String {
        mds_store::patients::by_cafat(self.app.db().pool(), cafat)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    pub async fn account_id(&self, login: &str) -> String {
        mds_store::accounts::by_login(self.app.db().pool(), login)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// Current documents of a record, straight from the store.
    pub async fn document_ids(&self, cafat: &str) -> Vec<String> {
        let pid = self.patient_id(cafat).await;
        mds_store::documents::current_for_patient(self.app.db().pool(), &pid)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect()
    }

    pub async fn last_seq(&self) -> i64 {
        self.events_after(0).await.last().map_or(0, |e| e.seq)
    }

    pub async fn events_after(&self, seq: i64) -> Vec<AuditRecord> {
        let q = AuditQuery {
            after_seq: Some(seq),
            limit: MAX_QUERY_LIMIT,
            ..AuditQuery::default()
        };
        mds_audit::query(self.app.db(), &q).await.unwrap()
    }

    /// The single event on a record written since `seq` (sign-ins aside), asserting there is
    /// exactly one.
    pub async fn only_event_after(&self, seq: i64) -> AuditRecord {
        let mut evs: Vec<_> = self
            .events_after(seq)
            .await
            .into_iter()
            .filter(|e| !e.action.starts_with("auth."))
            .collect();
        assert_eq!(evs.len(), 1, "{:?}: events {evs:#?}", self.backend);
        evs.remove(0)
    }
}
