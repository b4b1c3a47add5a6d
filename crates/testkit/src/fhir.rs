//! The FHIR surface (`/fhir`) over a real application, called in-process beside the REST
//! router, so that a test compares both answers on the same data: the demo data (loaded a day
//! ago) seen by its signed-in accounts (`World`). Every FHIR answer is checked for what it
//! must satisfy: never a 5xx, the security headers, FHIR JSON (`application/fhir+json`), and
//! an `OperationOutcome` with an issue code and a diagnostics for every error.

pub use crate::api::*;
use crate::http::{build_request, oneshot};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::Router;
use mds_app::Settings;
use serde_json::Value;

/// The base URL of `/fhir` in-process (no `Host`: `localhost`).
pub const FHIR_BASE: &str = "http://localhost/fhir";

/// A FHIR answer, read whole.
#[derive(Debug)]
pub struct FhirReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    /// The body as JSON (`Null` when it is not JSON: a document's raw content).
    pub json: Value,
}

impl FhirReply {
    /// The issue code of an `OperationOutcome`.
    pub fn issue(&self) -> &str {
        self.json["issue"][0]["code"].as_str().unwrap_or("")
    }

    /// The MDS error code of an `OperationOutcome`.
    pub fn code(&self) -> &str {
        self.json["issue"][0]["details"]["coding"][0]["code"]
            .as_str()
            .unwrap_or("")
    }

    pub fn diagnostics(&self) -> &str {
        self.json["issue"][0]["diagnostics"].as_str().unwrap_or("")
    }

    /// Asserts the status, showing the body when it differs.
    pub fn expect(self, status: StatusCode, what: &str) -> Self {
        assert_eq!(
            self.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&self.bytes)
        );
        self
    }
}

/// The path of a FHIR URL this server wrote (`http://localhost/fhir/Binary/…` →
/// `/fhir/Binary/…`).
pub fn path_of(url: &str) -> String {
    url.strip_prefix("http://localhost")
        .unwrap_or(url)
        .to_owned()
}

/// The demo world behind both routers, REST and FHIR.
pub struct FhirWorld {
    pub world: World,
    fhir: Router,
}

impl FhirWorld {
    pub async fn new(backend: TestBackend) -> Self {
        Self::with_settings(backend, Settings::default()).await
    }

    pub async fn with_settings(backend: TestBackend, settings: Settings) -> Self {
        let world = World::with_settings(backend, settings).await;
        let fhir = mds_fhir::router(world.app.clone(), mds_fhir::FhirOptions::default());
        Self { world, fhir }
    }

    /// A request to `/fhir` as `login` (no authorization when `None`), with extra headers
    /// and a body (`(content type, bytes)`), checked.
    pub async fn send(
        &mut self,
        login: Option<&str>,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<(String, Vec<u8>)>,
    ) -> FhirReply {
        let bearer = match login {
            Some(l) => Some(format!("Bearer {}", self.world.token(l).await)),
            None => None,
        };
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(b) = &bearer {
            all.push(("authorization", b.as_str()));
        }
        self.send_raw(method, uri, &all, body).await
    }

    /// A request with exactly these headers, checked.
    pub async fn send_raw(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<(String, Vec<u8>)>,
    ) -> FhirReply {
        let what = format!("{method} {uri}");
        let req = build_request(method, uri, headers, body);
        let (status, headers, bytes) = oneshot(&self.fhir, req).await;
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let reply = FhirReply {
            status,
            headers,
            bytes,
            json,
        };
        check_reply(&reply, &what);
        reply
    }

    pub async fn get(&mut self, login: &str, uri: &str) -> FhirReply {
        self.send(Some(login), Method::GET, uri, &[], None).await
    }

    pub async fn delete(&mut self, login: &str, uri: &str) -> FhirReply {
        self.send(Some(login), Method::DELETE, uri, &[], None).await
    }

    /// A `POST` of FHIR JSON as `login`.
    pub async fn post(&mut self, login: &str, uri: &str, body: &Value) -> FhirReply {
        let body = Some((
            "application/fhir+json".to_owned(),
            body.to_string().into_bytes(),
        ));
        self.send(Some(login), Method::POST, uri, &[], body).await
    }
}

/// What every FHIR answer must satisfy.
fn check_reply(reply: &FhirReply, what: &str) {
    let status = reply.status;
    assert!(
        !status.is_server_error(),
        "{what}: {status}: {}",
        String::from_utf8_lossy(&reply.bytes)
    );
    assert_security_headers(&reply.headers, what);
    let content_type = reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if status.is_client_error() {
        assert!(
            content_type.starts_with("application/fhir+json"),
            "{what}: {status}: {content_type}"
        );
        assert_eq!(reply.json["resourceType"], "OperationOutcome", "{what}");
        let issue = &reply.json["issue"][0];
        assert!(
            issue["code"].as_str().is_some_and(|c| !c.is_empty())
                && issue["diagnostics"].as_str().is_some_and(|d| !d.is_empty()),
            "{what}: {status}: {}",
            reply.json
        );
    }
    if content_type.starts_with("application/fhir+json") {
        assert!(
            reply.json["resourceType"].is_string(),
            "{what}: FHIR JSON without resourceType: {}",
            String::from_utf8_lossy(&reply.bytes)
        );
    }
}
