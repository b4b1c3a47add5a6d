//! Issue 12, items 5 and 6 over HTTP: the token endpoint `POST /fhir/auth/token` (OAuth
//! answers and errors) with ES256, ES384 and RS384 assertions, the software's REST calls in
//! the name of a professional (`X-MDS-Professional`, `X-MDS-Professional-Amr: mfa`),
//! preloading as a declared purpose of reads, feeding without preload limits, the former
//! upload-side preload route gone (410), and the token router beside a FHIR router.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use mds_app::structure_access::{credentials::NewCredential, SoftwareProof};
use mds_domain::{AccountId, StructureId};
use mds_testkit::api::*;
use mds_testkit::jws::{claims, Alg, SoftwareKey};
use serde_json::{json, Value};

const TOKEN_URL: &str = "http://mds.test/fhir/auth/token";

fn with_token_endpoint(api: Api) -> Api {
    api.with_router(|app| {
        mds_api::router(app.clone()).merge(mds_api::structure_auth::router(app, None))
    })
}

fn day_after(days: i64) -> String {
    (now().noumea_date().unwrap_or_else(|| panic!("date")) + time::Duration::days(days)).to_string()
}

/// Dr Néa's structure with a keys-only credential holding one key of each algorithm.
struct World {
    api: Api,
    client_id: String,
    keys: Vec<SoftwareKey>,
    /// The registered keys' ids, in the order of `keys`.
    key_ids: Vec<String>,
    /// Support, signed in once (a second sign-in would replay its one-time code).
    support: mds_app::Actor,
    doctor: AccountId,
    patient: String,
}

async fn world(backend: TestBackend) -> World {
    let api = with_token_endpoint(Api::demo(backend).await);
    let app = &api.app;
    let support = actor(app, SUPPORT, now()).await;
    let structure: StructureId = mds_store::directory::structure_by_ridet(app.db(), "0900001.001")
        .await
        .ok()
        .flatten()
        .map(|s| s.id)
        .unwrap_or_else(|| panic!("structure"));
    let new = NewCredential {
        label: "DPI du CHT".to_owned(),
        ends_on: day_after(365),
        with_secret: false,
    };
    let c = app
        .create_software_credential(&support, &structure, &new, now())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let keys: Vec<_> = Alg::ALL
        .iter()
        .map(|a| SoftwareKey::generate(*a, a.as_str()))
        .collect();
    let refs: Vec<&SoftwareKey> = keys.iter().collect();
    let views = app
        .register_structure_keys(&support, &c.credential.id, &SoftwareKey::jwks(&refs), now())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let key_ids = keys
        .iter()
        .map(|k| {
            views
                .iter()
                .find(|v| v.kid == k.kid)
                .map(|v| v.id.clone())
                .unwrap_or_else(|| panic!("no key {}", k.kid))
        })
        .collect();
    let doctor = account_id(app, DOCTOR).await;
    app.authorise_structure_professional(
        &support,
        &structure,
        doctor.as_str(),
        &day_after(90),
        now(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e:?}"));
    let patient = patient_id_by_cafat(app, MARIE_CAFAT).await.to_string();
    World {
        api,
        client_id: c.credential.id,
        keys,
        key_ids,
        support,
        doctor,
        patient,
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A").replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&")
}

impl World {
    async fn token_request(&self, body: String) -> Reply {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/fhir/auth/token")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap_or_else(|e| panic!("{e}"));
        self.api.send_unchecked(req).await
    }

    async fn exchange(&self, assertion: &str) -> Reply {
        self.token_request(form(&[
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
        ]))
        .await
    }

    async fn token(&self, i: usize, jti: &str) -> String {
        let a = self.keys[i].assertion(&self.client_id, TOKEN_URL, now().millis(), jti);
        let r = self.exchange(&a).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        r.json()["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// A software call with the usual headers (`amr` `None`: no two-factor assertion).
    async fn call(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        professional: &str,
        amr: Option<&str>,
    ) -> Reply {
        let bearer = format!("Bearer {token}");
        let mut h = vec![
            ("authorization", bearer.as_str()),
            ("x-mds-professional", professional),
        ];
        if let Some(a) = amr {
            h.push(("x-mds-professional-amr", a));
        }
        self.api.call_with(method, uri, &h, None).await
    }
}

#[test]
fn each_algorithm_gets_a_bearer_token_that_reads_as_the_professional() {
    on_both(|backend| async move {
        let w = world(backend).await;
        let list = format!("/api/v1/software/records/{}/documents", w.patient);
        for (i, key) in w.keys.iter().enumerate() {
            let a = key.assertion(&w.client_id, TOKEN_URL, now().millis(), &format!("j{i}"));
            let r = w.exchange(&a).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{backend:?} {}: {}",
                key.kid,
                String::from_utf8_lossy(&r.body)
            );
            assert_eq!(
                r.headers
                    .get(header::CACHE_CONTROL)
                    .and_then(|v| v.to_str().ok()),
                Some("no-store")
            );
            let v = r.json();
            assert_eq!(
                (v["token_type"].as_str(), v["expires_in"].as_i64()),
                (Some("bearer"), Some(300)),
                "{v}"
            );
            let token = v["access_token"].as_str().unwrap_or_default().to_owned();
            let page = w
                .call(
                    Method::GET,
                    &list,
                    &token,
                    w.doctor.as_str(),
                    Some("pwd mfa"),
                )
                .await
                .expect(StatusCode::OK, "list as Dr Néa")
                .json();
            assert!(
                page["total"].as_u64().unwrap_or(0) > 0,
                "{backend:?}: {page}"
            );
            // The same assertion again is a replay.
            let r = w.exchange(&a).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend:?}");
            assert_eq!(r.json()["error"], "invalid_client");
            assert!(r.json()["error_description"]
                .as_str()
                .unwrap_or_default()
                .contains("jti"));
        }
    });
}

#[test]
fn the_token_endpoint_answers_oauth_errors() {
    on_both(|backend| async move {
        let w = world(backend).await;
        let es = &w.keys[0];
        let ms = now().millis();
        let mut expired = claims(&w.client_id, TOKEN_URL, ms, "e");
        expired["exp"] = json!(ms / 1000 - 600);
        let forger = SoftwareKey::generate(Alg::Es256, &es.kid);
        let cases: Vec<(&str, String, StatusCode, &str)> = vec![
            (
                "wrong signature",
                form(&[
                    ("grant_type", "client_credentials"),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    (
                        "client_assertion",
                        &forger.assertion(&w.client_id, TOKEN_URL, ms, "f"),
                    ),
                ]),
                StatusCode::UNAUTHORIZED,
                "invalid_client",
            ),
            (
                "expired",
                form(&[
                    ("grant_type", "client_credentials"),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &es.sign(&es.header(), &expired)),
                ]),
                StatusCode::UNAUTHORIZED,
                "invalid_client",
            ),
            (
                "password grant",
                form(&[
                    ("grant_type", "password"),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    (
                        "client_assertion",
                        &es.assertion(&w.client_id, TOKEN_URL, ms, "g"),
                    ),
                ]),
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
            ),
            (
                "no assertion type",
                form(&[
                    ("grant_type", "client_credentials"),
                    (
                        "client_assertion",
                        &es.assertion(&w.client_id, TOKEN_URL, ms, "t"),
                    ),
                ]),
                StatusCode::BAD_REQUEST,
                "invalid_request",
            ),
        ];
        let mut failing = Vec::new();
        for (name, body, status, code) in cases {
            let r = w.token_request(body).await;
            let got = (
                r.status,
                r.json()["error"].as_str().unwrap_or_default().to_owned(),
            );
            if got != (status, code.to_owned()) {
                failing.push(format!("{name}: {got:?}"));
            }
        }
        // Not a form at all.
        let req = Request::builder()
            .method(Method::POST)
            .uri("/fhir/auth/token")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let r = w.api.send_unchecked(req).await;
        if (r.status, r.json()["error"].as_str())
            != (StatusCode::BAD_REQUEST, Some("invalid_request"))
        {
            failing.push(format!("json body: {}", r.status));
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
    });
}

#[test]
fn software_calls_name_an_authorised_professional_signed_in_with_two_factors() {
    on_both(|backend| async move {
        let w = world(backend).await;
        let token = w.token(1, "a").await;
        let list = format!("/api/v1/software/records/{}/documents", w.patient);
        let nurse = account_id(&w.api.app, NURSE).await;
        let regulator = account_id(&w.api.app, REGULATOR).await;
        let cases = [
            (
                "no two-factor assertion",
                w.doctor.as_str(),
                None,
                StatusCode::FORBIDDEN,
                "access_denied",
            ),
            (
                "password only",
                w.doctor.as_str(),
                Some("pwd"),
                StatusCode::FORBIDDEN,
                "access_denied",
            ),
            (
                "outside the structure",
                nurse.as_str(),
                Some("mfa"),
                StatusCode::FORBIDDEN,
                "forbidden",
            ),
            (
                "off the authorised list",
                regulator.as_str(),
                Some("mfa"),
                StatusCode::FORBIDDEN,
                "access_denied",
            ),
            (
                "no professional named",
                "",
                Some("mfa"),
                StatusCode::UNAUTHORIZED,
                "professional_required",
            ),
            (
                "authorised, two factors",
                w.doctor.as_str(),
                Some("mfa"),
                StatusCode::OK,
                "",
            ),
        ];
        let mut failing = Vec::new();
        for (name, pro, amr, status, code) in cases {
            let r = w.call(Method::GET, &list, &token, pro, amr).await;
            if r.status != status || (!code.is_empty() && r.error_code() != code) {
                failing.push(format!("{name}: {} {}", r.status, r.error_code()));
            }
        }
        let r = w
            .call(
                Method::GET,
                &list,
                "mds-at-inconnu",
                w.doctor.as_str(),
                Some("mfa"),
            )
            .await;
        if r.status != StatusCode::UNAUTHORIZED {
            failing.push(format!("unknown token: {}", r.status));
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
    });
}

#[test]
fn preloading_is_a_purpose_of_reads_and_feeding_has_no_preload_limit() {
    on_both(|backend| async move {
        let w = world(backend).await;
        let token = w.token(2, "p").await;
        let base = format!("/api/v1/software/records/{}/documents", w.patient);
        let get = |uri: String| {
            let w = &w;
            let token = token.clone();
            async move {
                w.call(Method::GET, &uri, &token, w.doctor.as_str(), Some("mfa"))
                    .await
            }
        };
        get(format!("{base}?purpose=preload&care_date={}", day_after(4)))
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "preload_care_date",
                "4 days ahead",
            );
        get(format!("{base}?purpose=other&care_date={}", day_after(1)))
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_purpose",
                "unknown purpose",
            );
        get(format!("{base}?purpose=preload")).await.expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_purpose",
            "no care date",
        );
        let page = get(format!("{base}?purpose=preload&care_date={}", day_after(1)))
            .await
            .expect(StatusCode::OK, "preload")
            .json();
        let items = page["items"].as_array().cloned().unwrap_or_default();
        assert!(!items.is_empty() && items.len() <= 10, "{page}");
        let doc = items[0]["id"].as_str().unwrap_or_default();
        let r = get(format!(
            "{base}/{doc}/content?purpose=preload&care_date={}",
            day_after(1)
        ))
        .await;
        assert_eq!(r.status, StatusCode::OK, "{backend:?}");
        let ev = events_of(&w.api.app, "document.preload.read")
            .await
            .pop()
            .unwrap_or_else(|| panic!("no event"));
        assert_eq!(ev.detail["purpose"], "preload");
        assert_eq!(ev.detail["care_date"], Value::String(day_after(1)));

        // Feeding through the software route.
        let form = document_form(
            "CR",
            "cr.txt",
            b"Compte rendu transmis par le logiciel du CHT.",
        );
        let bearer = format!("Bearer {token}");
        let r = w
            .api
            .post_form(
                &base,
                None,
                &[
                    ("authorization", &bearer),
                    ("x-mds-professional", w.doctor.as_str()),
                    ("x-mds-professional-amr", "mfa"),
                ],
                form,
            )
            .await
            .expect(StatusCode::CREATED, "feed");
        assert_eq!(r.json()["source"], "software");

        // The former upload-side preload route is gone, and says where to go.
        let r = w
            .api
            .post_form(
                &format!("/api/v1/software/records/{}/preload", w.patient),
                None,
                &[("authorization", &bearer)],
                Multipart::new().text("metadata", "{}").finish(),
            )
            .await
            .expect_error(StatusCode::GONE, "preload_moved", "old route");
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains("purpose=preload"), "{message}");
    });
}

#[test]
fn the_token_router_lives_beside_a_fhir_router_answering_the_rest_of_fhir() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await.with_router(|app| {
            let fhir = Router::new()
                .route("/metadata", get(|| async { "CapabilityStatement" }))
                .fallback(|| async { (StatusCode::NOT_FOUND, "OperationOutcome") });
            Router::new()
                .nest("/fhir", fhir)
                .merge(mds_api::structure_auth::router(
                    app,
                    Some("https://mds.test/"),
                ))
        });
        let r = api
            .send_unchecked(
                Request::builder()
                    .uri("/fhir/metadata")
                    .body(Body::empty())
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .await;
        assert_eq!(
            (r.status, r.body.as_slice()),
            (StatusCode::OK, b"CapabilityStatement".as_slice())
        );
        let r = api
            .send_unchecked(
                Request::builder()
                    .uri("/fhir/Patient")
                    .body(Body::empty())
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = api
            .send_unchecked(
                Request::builder()
                    .method(Method::POST)
                    .uri("/fhir/auth/token")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("grant_type=client_credentials"))
                    .unwrap_or_else(|e| panic!("{e}")),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.json()["error"], "invalid_request");
    });
}

/// Refusals with the uniform `invalid_client`, each audited as a denied token request with
/// its rule; a key revoked by support refuses its assertions and ends its tokens at once.
#[test]
fn refused_assertions_are_uniform_and_audited_and_key_revocation_ends_tokens() {
    on_both(|backend| async move {
        let w = world(backend).await;
        let app = &w.api.app;
        let ms = now().millis();
        let list = format!("/api/v1/software/records/{}/documents", w.patient);
        let token = w.token(0, "before-revoke").await;
        w.call(Method::GET, &list, &token, w.doctor.as_str(), Some("mfa"))
            .await
            .expect(StatusCode::OK, "before revocation");

        let es = &w.keys[0];
        let mut expired = claims(&w.client_id, TOKEN_URL, ms, "x1");
        expired["exp"] = json!(ms / 1000 - 600);
        let unknown = SoftwareKey::generate(Alg::Es256, "inconnue");
        let replayed = es.assertion(&w.client_id, TOKEN_URL, ms, "x3");
        let r = w.exchange(&replayed).await;
        assert_eq!(r.status, StatusCode::OK, "{backend:?}: first use");
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "expired",
                es.sign(&es.header(), &expired),
                "assertion.expired",
            ),
            (
                "wrong audience",
                es.assertion(&w.client_id, "https://ailleurs.test/token", ms, "x2"),
                "assertion.wrong_audience",
            ),
            ("replayed jti", replayed.clone(), "assertion.replayed"),
            (
                "unknown key",
                unknown.assertion(&w.client_id, TOKEN_URL, ms, "x4"),
                "assertion.unknown_key",
            ),
        ];
        let mut failing = Vec::new();
        for (name, assertion, rule) in &cases {
            let seq = last_seq(app).await;
            let r = w.exchange(assertion).await;
            let v = r.json();
            if (r.status, v["error"].as_str()) != (StatusCode::UNAUTHORIZED, Some("invalid_client"))
            {
                failing.push(format!("{name}: {} {v}", r.status));
            }
            if v.get("access_token").is_some() {
                failing.push(format!("{name}: a token was issued"));
            }
            let denied: Vec<_> = events_of(app, "structure_software.token")
                .await
                .into_iter()
                .filter(|e| e.seq > seq)
                .collect();
            let audited = denied.len() == 1
                && denied[0].outcome == mds_audit::Outcome::Deny
                && denied[0].rule.as_deref() == Some(*rule);
            if !audited {
                let got: Vec<_> = denied.iter().map(|e| (e.outcome, e.rule.clone())).collect();
                failing.push(format!("{name}: audit {got:?}, expected deny {rule}"));
            }
        }

        // Support revokes the key: the token it obtained ends at once, its assertions too.
        app.revoke_structure_key(&w.support, &w.key_ids[0], now())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let r = w
            .call(Method::GET, &list, &token, w.doctor.as_str(), Some("mfa"))
            .await;
        if r.status != StatusCode::UNAUTHORIZED {
            failing.push(format!("token after key revocation: {}", r.status));
        }
        let seq = last_seq(app).await;
        let r = w
            .exchange(&es.assertion(&w.client_id, TOKEN_URL, now().millis(), "x5"))
            .await;
        if (r.status, r.json()["error"].as_str())
            != (StatusCode::UNAUTHORIZED, Some("invalid_client"))
        {
            failing.push(format!("revoked key: {}", r.status));
        }
        let revoked = events_of(app, "structure_software.token")
            .await
            .into_iter()
            .any(|e| e.seq > seq && e.rule.as_deref() == Some("assertion.key_revoked"));
        if !revoked {
            failing.push("revoked key: no denied audit event".to_owned());
        }
        // The other keys of the credential still work.
        let other = w.token(1, "x6").await;
        w.call(Method::GET, &list, &other, w.doctor.as_str(), Some("mfa"))
            .await
            .expect(StatusCode::OK, "another key");
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
    });
}

/// The denied `software.authenticate` events after `seq`, as their rules.
async fn refusals_after(app: &mds_app::App, seq: i64) -> Vec<(mds_audit::Outcome, Option<String>)> {
    events_of(app, "software.authenticate")
        .await
        .into_iter()
        .filter(|e| e.seq > seq)
        .map(|e| (e.outcome, e.rule))
        .collect()
}

#[test]
fn refused_professionals_leave_one_denied_audit_event_and_change_nothing() {
    on_both(|backend| async move {
        let w = world(backend).await;
        let app = &w.api.app;
        let token = w.token(2, "refusals").await;
        let list = format!("/api/v1/software/records/{}/documents", w.patient);
        let nurse = account_id(app, NURSE).await;
        let regulator = account_id(app, REGULATOR).await;
        let patient: mds_domain::PatientId = typed(&w.patient);
        let documents_before = mds_store::documents::all_for_patient(app.db(), &patient)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .len();
        let add = format!("/api/v1/software/records/{}/documents", w.patient);
        let cases = [
            (
                "no two-factor assertion",
                w.doctor.to_string(),
                None,
                "two_factor_missing",
            ),
            (
                "outside the structure",
                nurse.to_string(),
                Some("mfa"),
                "not_structure_member",
            ),
            (
                "off the authorised list",
                regulator.to_string(),
                Some("mfa"),
                "not_authorised",
            ),
            (
                "unknown professional",
                "inconnu-42".to_owned(),
                Some("mfa"),
                "unknown_professional",
            ),
        ];
        let mut failing = Vec::new();
        for (name, pro, amr, rule) in &cases {
            for (method, uri) in [(Method::GET, &list), (Method::POST, &add)] {
                let seq = last_seq(app).await;
                let r = w.call(method.clone(), uri, &token, pro, *amr).await;
                if r.status.is_success() {
                    failing.push(format!("{name} {method}: {}", r.status));
                }
                let got = refusals_after(app, seq).await;
                let expected = vec![(mds_audit::Outcome::Deny, Some(format!("software.{rule}")))];
                if got != expected {
                    failing.push(format!("{name} {method}: audit {got:?}"));
                }
            }
        }

        // The authorisation's end date passes: refused from the next day on, audited.
        let later = now().plus_seconds(91 * 24 * 3600);
        let es = &w.keys[0];
        let req = mds_app::structure_access::token::TokenRequest {
            grant_type: "client_credentials".to_owned(),
            client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                .to_owned(),
            client_assertion: es.assertion(&w.client_id, TOKEN_URL, later.millis(), "later"),
            scope: None,
        };
        let audience = mds_app::structure_access::token::Audience::Url(TOKEN_URL.to_owned());
        let late = app
            .issue_structure_token(&req, &audience, None, later)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let seq = last_seq(app).await;
        let r = app
            .authenticate_software_call(
                SoftwareProof::Token(&late.access_token),
                w.doctor.as_str(),
                true,
                None,
                later,
            )
            .await;
        if r.is_ok() {
            failing.push("authorisation past its end date: accepted".to_owned());
        }
        let got = refusals_after(app, seq).await;
        let expired = vec![(
            mds_audit::Outcome::Deny,
            Some("software.authorisation_expired".to_owned()),
        )];
        if got != expired {
            failing.push(format!("authorisation past its end date: audit {got:?}"));
        }
        // The day before it ends, the same professional is accepted.
        let on_time = now().plus_seconds(89 * 24 * 3600);
        let req = mds_app::structure_access::token::TokenRequest {
            client_assertion: es.assertion(&w.client_id, TOKEN_URL, on_time.millis(), "on-time"),
            ..req
        };
        let t = app
            .issue_structure_token(&req, &audience, None, on_time)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        if let Err(e) = app
            .authenticate_software_call(
                SoftwareProof::Token(&t.access_token),
                w.doctor.as_str(),
                true,
                None,
                on_time,
            )
            .await
        {
            failing.push(format!("authorisation before its end date: {e:?}"));
        }

        // Support suspends the authorised professional: refused on the next call, audited.
        app.set_suspended(&w.support, &w.doctor, true, "Enquête en cours", now())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let seq = last_seq(app).await;
        let r = w
            .call(Method::GET, &list, &token, w.doctor.as_str(), Some("mfa"))
            .await;
        if r.status.is_success() {
            failing.push(format!("suspended: {}", r.status));
        }
        let got = refusals_after(app, seq).await;
        let inactive = vec![(
            mds_audit::Outcome::Deny,
            Some("software.professional_inactive".to_owned()),
        )];
        if got != inactive {
            failing.push(format!("suspended: audit {got:?}"));
        }

        let documents_after = mds_store::documents::all_for_patient(app.db(), &patient)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .len();
        if documents_after != documents_before {
            failing.push(format!("documents {documents_before} -> {documents_after}"));
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
    });
}
