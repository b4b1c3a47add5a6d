//! Shared setup of the REST API tests: the real router over a real `App` (fresh SQLite or
//! PostgreSQL database, local vault), called with `tower::ServiceExt::oneshot`. Handlers read
//! the system clock, so TOTP codes are computed from the real time, each step used once per
//! secret. Every response is checked for the security headers, for never being a 5xx, and for
//! the JSON error shape when it is an error.
#![allow(dead_code)] // each test binary uses a different subset

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use mds_app::{demo, totp, App, Settings};
use mds_store::testing::{TestBackend, BOTH};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use tempfile::TempDir;
use tower::ServiceExt;

pub const SUPPORT: &str = "support@demo.mds.nc";
pub const DOCTOR: &str = "dr.nea@demo.mds.nc";
pub const REGULATOR: &str = "dr.wamytan@demo.mds.nc";
pub const ASSISTANT: &str = "sec.tiaou@demo.mds.nc";
pub const PATIENT: &str = "marie.wea@demo.mds.nc";

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

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

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
    pub async fn empty(backend: TestBackend) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let db = mds_store::testing::fresh(backend, dir.path())
            .await
            .unwrap_or_else(|e| panic!("fresh {backend:?} database: {e}"));
        let (keys, _) = mds_vault::KeyRing::load_or_create(&dir.path().join("master.keys"))
            .unwrap_or_else(|e| panic!("vault keys: {e}"));
        let local = mds_vault::LocalDir::open(&dir.path().join("vault"))
            .unwrap_or_else(|e| panic!("vault directory: {e}"));
        let vault = mds_vault::Vault::new(mds_vault::Backend::Local(local), keys);
        let app = App::new(db, vault, Settings::default()).unwrap_or_else(|e| panic!("app: {e:?}"));
        let router = mds_api::router(app.clone());
        Self {
            app,
            router,
            backend,
            dir,
            steps: Mutex::new(HashMap::new()),
        }
    }

    /// Serves through a router built with `options` (same application).
    pub fn with_options(mut self, options: mds_api::ApiOptions) -> Self {
        self.router = mds_api::router_with(self.app.clone(), options);
        self
    }

    /// With the demo data loaded.
    pub async fn demo(backend: TestBackend) -> Self {
        let api = Self::empty(backend).await;
        let now = mds_domain::Timestamp::from_millis(now_ms());
        api.app
            .load_demo(now)
            .await
            .unwrap_or_else(|e| panic!("load demo: {e:?}"));
        api
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
        let what = format!("{} {}", req.method(), req.uri());
        let response = self
            .router
            .clone()
            .oneshot(req)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{what}: body: {e}"))
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<_> = bearer
            .iter()
            .map(|b| ("authorization", b.as_str()))
            .collect();
        self.call_with(method, path, &headers, body).await
    }

    /// A request with the given headers (and a JSON body, when given).
    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            b = b.header(*name, *value);
        }
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap_or_else(|e| panic!("request: {e}")))
            .await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
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
                Some(step) => {
                    return totp::code_at_step(secret, step)
                        .unwrap_or_else(|| panic!("TOTP code of step {step}"));
                }
                None => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            }
        }
    }

    /// The code `next_code` would give now, without marking its step as used: for requests
    /// that are refused before the code is consumed.
    pub fn unspent_code(&self, secret: &str) -> String {
        let steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        let step = totp::step_at(now_ms()).max(steps.get(secret).map_or(0, |s| s + 1));
        totp::code_at_step(secret, step).unwrap_or_else(|| panic!("TOTP code of step {step}"))
    }

    pub async fn login_body(&self, login: &str) -> Value {
        let code = self.next_code(&demo::demo_totp_secret(login)).await;
        json!({ "login": login, "password": demo::DEMO_PASSWORD, "totp_code": code })
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
];

pub fn assert_security_headers(headers: &HeaderMap, what: &str) {
    for (name, value) in SECURITY_HEADERS {
        let got = headers.get(*name).and_then(|v| v.to_str().ok());
        assert_eq!(got, Some(*value), "{what}: header {name}");
    }
}
