//! The REST API over a real application, called in-process (`tower::ServiceExt::oneshot`).
//! Handlers read the real clock, so TOTP codes come from the real time.
//!
//! Two clients: `Api` signs in through the API itself, one TOTP step used once per secret, and
//! checks what every answer must satisfy (security headers, never a 5xx, the JSON error
//! shape); `World` is the demo data seen by its signed-in accounts, one session per login, for
//! the record tests that compare answers and audit events.

pub use crate::app::*;
use crate::http::{build_request, multipart_body, oneshot};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use mds_app::accounts::totp;
use mds_app::{App, Settings};
use mds_audit::AuditRecord;
use mds_domain::{AccountId, DocumentId, PatientId};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use tempfile::TempDir;

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// `application/json` with `{"error": {"code", "message"}}`, both non-empty.
    pub fn is_json_error(&self) -> bool {
        let json_type = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            == Some("application/json");
        let v: Value = serde_json::from_slice(&self.body).unwrap_or_default();
        json_type
            && v["error"]["code"].as_str().is_some_and(|c| !c.is_empty())
            && v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
    }

    /// The `error.code` of a JSON error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Asserts the status, showing the body when it differs.
    pub fn expect(self, status: StatusCode, what: &str) -> Self {
        assert_eq!(
            self.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts an error status and code.
    pub fn expect_error(self, status: StatusCode, code: &str, what: &str) -> Self {
        let s = self.expect(status, what);
        assert_eq!(s.error_code(), code, "{what}");
        s
    }
}

/// The real router over a real application.
pub struct Api {
    pub app: App,
    router: Router,
    pub backend: TestBackend,
    pub dir: TempDir,
    /// Last TOTP step used per secret: a step is accepted once per account.
    steps: Mutex<HashMap<String, i64>>,
}

impl Api {
    /// The API in front of `fixture`'s application.
    pub fn over(fixture: Fixture) -> Self {
        let Fixture { app, backend, dir } = fixture;
        Self {
            router: mds_api::router(app.clone()),
            app,
            backend,
            dir,
            steps: Mutex::new(HashMap::new()),
        }
    }

    pub async fn empty(backend: TestBackend) -> Self {
        Self::over(Fixture::empty(backend).await)
    }

    /// With the demo data loaded now.
    pub async fn demo(backend: TestBackend) -> Self {
        Self::over(Fixture::empty(backend).await.with_demo(now()).await)
    }

    /// Serves through a router built with `options` (same application).
    pub fn with_options(mut self, options: mds_api::ApiOptions) -> Self {
        self.router = mds_api::router_with(self.app.clone(), options);
        self
    }

    /// Serves through `router` instead, built over the same application (e.g. the REST API
    /// merged with the token endpoint of structure software).
    pub fn with_router(mut self, router: impl FnOnce(App) -> Router) -> Self {
        self.router = router(self.app.clone());
        self
    }

    /// Sends one request through the router and checks what every response must satisfy.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let what = format!("{} {}", req.method(), req.uri());
        let reply = self.send_unchecked(req).await;
        let status = reply.status;
        assert!(
            !status.is_server_error(),
            "{what}: {status}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_security_headers(&reply.headers, &what);
        if status.is_client_error() {
            assert!(
                reply.is_json_error(),
                "{what}: {status}: not a JSON error: {}",
                String::from_utf8_lossy(&reply.body)
            );
        }
        reply
    }

    /// Sends one request and returns whatever comes back.
    pub async fn send_unchecked(&self, req: Request<Body>) -> Reply {
        let (status, headers, body) = oneshot(&self.router, req).await;
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A request with the bearer `token`, when given, and a JSON body, when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let bearer = token.map(|t| format!("Bearer {t}"));
        self.call_with(method, path, &authorization(&bearer), body)
            .await
    }

    /// A request with the given headers (and a JSON body, when given).
    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        self.send(build_request(method, path, headers, body.map(json_body)))
            .await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// A multipart `POST` (a `Multipart` body, finished) with the bearer `token`, when given,
    /// and the other `headers`.
    pub async fn post_form(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        form: Vec<u8>,
    ) -> Reply {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let mut all = authorization(&bearer);
        all.extend_from_slice(headers);
        let body = Some(multipart_body(form));
        self.send(build_request(Method::POST, path, &all, body))
            .await
    }

    /// A code of `secret` the server accepts now and that was not used yet: the current step,
    /// or the next one (one step of drift is accepted) when the current one is spent; waits
    /// when both are spent.
    pub async fn next_code(&self, secret: &str) -> String {
        loop {
            let now_step = totp::step_at(now_ms());
            let step = {
                let mut steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
                let last = steps.get(secret).copied().unwrap_or(0);
                let step = now_step.max(last + 1);
                if step <= now_step + 1 {
                    steps.insert(secret.to_owned(), step);
                    Some(step)
                } else {
                    None
                }
            };
            match step {
                Some(step) => return code_at_step(secret, step),
                None => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            }
        }
    }

    /// The code `next_code` would give now, without marking its step as used: for requests
    /// that are refused before the code is consumed.
    pub fn unspent_code(&self, secret: &str) -> String {
        let steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        let step = totp::step_at(now_ms()).max(steps.get(secret).map_or(0, |s| s + 1));
        code_at_step(secret, step)
    }

    pub async fn login_body(&self, login: &str) -> Value {
        let code = self.next_code(&mds_demo::demo_totp_secret(login)).await;
        json!({ "login": login, "password": mds_demo::DEMO_PASSWORD, "totp_code": code })
    }

    /// Signs a demo account in; returns the bearer token and the account id.
    pub async fn login(&self, login: &str) -> (String, String) {
        let body = self.login_body(login).await;
        let v = self
            .post("/api/v1/auth/login", None, &body)
            .await
            .expect(StatusCode::OK, login)
            .json();
        let token = v["token"]
            .as_str()
            .unwrap_or_else(|| panic!("{login}: no token in {v}"));
        let id = v["account"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{login}: no account id in {v}"));
        (token.to_owned(), id.to_owned())
    }
}

/// A JSON body for `build_request`.
fn json_body(value: &Value) -> (String, Vec<u8>) {
    (
        "application/json".to_owned(),
        value.to_string().into_bytes(),
    )
}

/// The `authorization` header of a bearer, when there is one.
fn authorization(bearer: &Option<String>) -> Vec<(&str, &str)> {
    bearer
        .iter()
        .map(|b| ("authorization", b.as_str()))
        .collect()
}

/// The headers every answer carries.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    ("cache-control", "no-store"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

pub fn assert_security_headers(headers: &HeaderMap, what: &str) {
    for (name, value) in SECURITY_HEADERS {
        let got = headers.get(*name).and_then(|v| v.to_str().ok());
        assert_eq!(got, Some(*value), "{what}: header {name}");
    }
}

/// An HTTP answer: status and body (JSON when it parses).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

/// The demo data (loaded a day ago) behind the real router, seen by its accounts: each call
/// names the login it is made as, signed in once through the use case.
pub struct World {
    pub app: App,
    pub backend: TestBackend,
    pub dir: TempDir,
    router: Router,
    tokens: HashMap<String, String>,
}

impl World {
    pub async fn new(backend: TestBackend) -> Self {
        Self::with_settings(backend, Settings::default()).await
    }

    pub async fn with_settings(backend: TestBackend, settings: Settings) -> Self {
        let a_day_ago = mds_domain::Timestamp::from_millis(now_ms() - DAY);
        let Fixture { app, backend, dir } = Fixture::with_settings(backend, settings)
            .await
            .with_demo(a_day_ago)
            .await;
        Self {
            router: mds_api::router(app.clone()),
            app,
            backend,
            dir,
            tokens: HashMap::new(),
        }
    }

    /// Serves another application over the same database and sessions from now on (e.g. one
    /// with other settings or another vault), as a second instance would.
    pub fn with_app(mut self, app: App) -> Self {
        self.router = mds_api::router(app.clone());
        self.app = app;
        self
    }

    /// The bearer token of `login`, signing in once (demo password and TOTP).
    pub async fn token(&mut self, login: &str) -> String {
        if let Some(t) = self.tokens.get(login) {
            return t.clone();
        }
        let s = sign_in(&self.app, login, now()).await;
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
        let bearer = format!("Bearer {}", self.token(login).await);
        let req = build_request(
            method,
            uri,
            &[("authorization", &bearer)],
            body.as_ref().map(json_body),
        );
        self.call(req).await
    }

    /// A request with an explicit bearer token (`&self`: callable from concurrent tasks).
    pub async fn send_as(
        &self,
        token: &str,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Answer {
        let bearer = format!("Bearer {token}");
        let req = build_request(
            method,
            uri,
            &[("authorization", &bearer)],
            body.as_ref().map(json_body),
        );
        self.call(req).await
    }

    /// A multipart `POST` (a `Multipart` body, finished) with an explicit bearer token.
    pub async fn post_form_as(&self, token: &str, uri: &str, form: Vec<u8>) -> Answer {
        let bearer = format!("Bearer {token}");
        let req = build_request(
            Method::POST,
            uri,
            &[("authorization", &bearer)],
            Some(multipart_body(form)),
        );
        self.call(req).await
    }

    pub async fn call(&self, req: Request<Body>) -> Answer {
        let (status, headers, bytes) = oneshot(&self.router, req).await;
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
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

    /// A multipart `POST` as `login` (a `Multipart` body, finished).
    pub async fn post_form(&mut self, login: &str, uri: &str, form: Vec<u8>) -> Answer {
        let bearer = format!("Bearer {}", self.token(login).await);
        let req = build_request(
            Method::POST,
            uri,
            &[("authorization", &bearer)],
            Some(multipart_body(form)),
        );
        self.call(req).await
    }

    /// A multipart upload of `content` (as the `file` part) after the given form fields.
    pub async fn upload(
        &mut self,
        login: &str,
        uri: &str,
        fields: &[(&str, &str)],
        content: &[u8],
    ) -> Answer {
        let form = fields
            .iter()
            .fold(Multipart::new(), |form, (k, v)| form.text(k, v))
            .file("file", "doc", content)
            .finish();
        self.post_form(login, uri, form).await
    }

    /// Uploads a plain-text report to `patient_id` as `login` (confirming the information
    /// duty) and returns the answer.
    pub async fn add_text(&mut self, login: &str, patient_id: &str, text: &str) -> Answer {
        let uri = format!("/api/v1/records/{patient_id}/documents");
        let form = document_form("Compte rendu de test", "doc", text.as_bytes());
        self.post_form(login, &uri, form).await
    }

    pub async fn patient_id(&self, cafat: &str) -> PatientId {
        patient_id_by_cafat(&self.app, cafat).await
    }

    pub async fn account_id(&self, login: &str) -> AccountId {
        account_id(&self.app, login).await
    }

    /// Current documents of a record, straight from the store.
    pub async fn document_ids(&self, cafat: &str) -> Vec<DocumentId> {
        let pid = self.patient_id(cafat).await;
        mds_store::documents::current_for_patient(self.app.db(), &pid)
            .await
            .unwrap_or_else(|e| panic!("documents of {cafat}: {e:?}"))
            .into_iter()
            .map(|d| d.id)
            .collect()
    }

    pub async fn last_seq(&self) -> i64 {
        last_seq(&self.app).await
    }

    pub async fn events_after(&self, seq: i64) -> Vec<AuditRecord> {
        events_after(&self.app, seq).await
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
