//! Sign-in over the REST API: bearer sessions, `/auth/me`, logout, the single answer for bad
//! credentials (including a replayed TOTP code) and throttling with `Retry-After`. Real clock,
//! both backends.

use axum::http::{header, Method, StatusCode};
use mds_testkit::api::*;
use serde_json::json;

#[test]
fn login_gives_a_bearer_token_for_me_and_logout_ends_it() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let body = api.login_body(DOCTOR).await;
        let v = api
            .post("/api/v1/auth/login", None, &body)
            .await
            .expect(StatusCode::OK, "login")
            .json();
        let token = v["token"].as_str().unwrap_or_default().to_owned();
        assert!(token.len() >= 43, "token {token:?}");
        assert_eq!(v["account"]["kind"], "professional");
        assert!(
            v["expires_at"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z') || t.contains('+')),
            "{}",
            v["expires_at"]
        );

        let me = api
            .get("/api/v1/auth/me", Some(&token))
            .await
            .expect(StatusCode::OK, "me")
            .json();
        assert_eq!(me, v["account"], "me describes the signed-in account");

        let oversized = format!("Bearer {}", "a".repeat(200));
        let anonymous = [
            ("no header", None),
            (
                "unknown token",
                Some("Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ),
            ("basic scheme", Some("Basic ZG9jdG9yOnB3")),
            ("empty bearer", Some("Bearer ")),
            ("oversized token", Some(oversized.as_str())),
        ];
        for (name, auth) in anonymous {
            let mut b = axum::http::Request::builder().uri("/api/v1/auth/me");
            if let Some(a) = auth {
                b = b.header(header::AUTHORIZATION, a);
            }
            let req = b
                .body(axum::body::Body::empty())
                .unwrap_or_else(|e| panic!("{e}"));
            api.send(req)
                .await
                .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated", name);
        }

        api.call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await
            .expect(StatusCode::NO_CONTENT, "logout");
        api.get("/api/v1/auth/me", Some(&token)).await.expect_error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "me after logout",
        );
        api.call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated", "logout twice");
    });
}

#[test]
fn bad_credentials_including_a_replayed_code_get_one_answer() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let body = api.login_body(PATIENT).await;
        api.post("/api/v1/auth/login", None, &body)
            .await
            .expect(StatusCode::OK, "first use of the code");
        let replay = api
            .post("/api/v1/auth/login", None, &body)
            .await
            .expect_error(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "replayed code",
            );

        let code = api.next_code(&mds_demo::demo_totp_secret(DOCTOR)).await;
        let wrong_password =
            json!({ "login": DOCTOR, "password": "Demo-MDS-2025", "totp_code": code });
        let wrong = api
            .post("/api/v1/auth/login", None, &wrong_password)
            .await
            .expect_error(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong password",
            );
        let unknown = json!({ "login": "personne@demo.mds.nc", "password": mds_demo::DEMO_PASSWORD, "totp_code": code });
        let unknown = api
            .post("/api/v1/auth/login", None, &unknown)
            .await
            .expect_error(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "unknown login",
            );
        // Byte for byte the same answer: nothing tells which part was wrong.
        assert_eq!(replay.body, wrong.body);
        assert_eq!(replay.body, unknown.body);
    });
}

/// A sign-in request from `ip`, as the server sees a connection's address.
fn login_from(body: &serde_json::Value, ip: [u8; 4]) -> axum::http::Request<axum::body::Body> {
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            ip, 40_000,
        ))));
    req
}

#[test]
fn issue_14_guesses_from_one_address_get_429_while_the_owner_signs_in_from_another() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let attacker = [203, 0, 113, 66];
        // Ten wrong passwords from the attacker's address, each once its delay was over, in
        // the last 130 s (the delays add up to 127 s; the last one, 128 s, still runs now).
        let now = mds_domain::Timestamp::from_millis(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0)),
        );
        let mut t = now.millis() - 130_000;
        for i in 0..10_i64 {
            let req = mds_app::accounts::sign_in::LoginRequest {
                login: REGULATOR.to_owned(),
                password: format!("Essai-{i}"),
                totp_code: "000000".to_owned(),
                ip: Some("203.0.113.66".to_owned()),
                channel: mds_app::accounts::sign_in::Channel::Api,
            };
            let r = api
                .app
                .login(req, mds_domain::Timestamp::from_millis(t))
                .await;
            assert!(
                matches!(r, Err(mds_app::AppError::InvalidCredentials)),
                "guess {i}: {:?}",
                r.map(|s| s.actor)
            );
            t += if i < 2 { 1 } else { 1000 << (i - 2) };
        }
        // The attacker's next attempt is refused unchecked, even with the right credentials.
        let right = api.login_body(REGULATOR).await;
        let r = api.send(login_from(&right, attacker)).await.expect_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "attacker's address",
        );
        let retry: i64 = r
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "Retry-After missing or not a number: {:?}",
                    r.headers.get(header::RETRY_AFTER)
                )
            });
        assert!((1..=900).contains(&retry), "Retry-After {retry}");
        // The owner, from their own address, signs in with password and second factor.
        let right = api.login_body(REGULATOR).await;
        api.send(login_from(&right, [198, 51, 100, 7]))
            .await
            .expect(StatusCode::OK, "the owner from another address");
        // Other accounts behind the attacker's address still sign in.
        let other = api.login_body(SUPPORT).await;
        api.send(login_from(&other, attacker))
            .await
            .expect(StatusCode::OK, "another account behind the same address");
    });
}

#[test]
fn a_signed_in_account_changes_its_password() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (token, _) = api.login(PATIENT).await;
        let new = "Kaori-Bourail-1987-lagon";
        api.post(
            "/api/v1/auth/password",
            Some(&token),
            &json!({ "current_password": "wrong", "new_password": new }),
        )
        .await
        .expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_password",
            "wrong current",
        );
        api.post(
            "/api/v1/auth/password",
            Some(&token),
            &json!({ "current_password": mds_demo::DEMO_PASSWORD, "new_password": "short" }),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "weak_password", "weak");
        api.post(
            "/api/v1/auth/password",
            None,
            &json!({ "current_password": mds_demo::DEMO_PASSWORD, "new_password": new }),
        )
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated", "anonymous");
        let changed = api
            .post(
                "/api/v1/auth/password",
                Some(&token),
                &json!({ "current_password": mds_demo::DEMO_PASSWORD, "new_password": new }),
            )
            .await
            .expect(StatusCode::OK, "changed")
            .json();
        assert_eq!(changed, json!({ "other_sessions_ended": 0 }));
        api.get("/api/v1/auth/me", Some(&token))
            .await
            .expect(StatusCode::OK, "this session goes on");
    });
}

#[test]
fn a_forgotten_password_is_reset_through_the_e_mailed_link_and_the_second_factor() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        for login in [PATIENT, "personne@example.nc"] {
            api.post(
                "/api/v1/auth/password/forgotten",
                None,
                &json!({ "login": login }),
            )
            .await
            .expect(StatusCode::ACCEPTED, "the same answer for any login");
        }
        api.post(
            "/api/v1/auth/password/forgotten",
            None,
            &json!({ "login": " " }),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "login_required", "blank");
        let mails = mds_store::outbox::all(api.app.db()).await.unwrap();
        let mail = mails
            .iter()
            .find(|m| m.kind == "password_reset")
            .expect("a link was e-mailed");
        assert_eq!(mail.recipient, PATIENT);
        let token = mail.body.split("?token=").nth(1).unwrap();
        let token = token.split_whitespace().next().unwrap();
        let new = "Kaori-Bourail-1987-lagon";
        let code = api.next_code(&mds_demo::demo_totp_secret(PATIENT)).await;
        let body = json!({ "token": token, "new_password": new, "totp_code": code });
        api.post("/api/v1/auth/password/reset", None, &body)
            .await
            .expect(StatusCode::NO_CONTENT, "reset");
        api.post("/api/v1/auth/password/reset", None, &body)
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_reset_link",
                "a link serves once",
            );
    });
}

#[test]
fn support_reissues_an_enrolment_others_may_not() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (support, _) = api.login(SUPPORT).await;
        let (patient, _) = api.login(PATIENT).await;
        let (_, doctor) = api.login(DOCTOR).await;
        let path = format!("/api/v1/accounts/{doctor}/enrolment");
        let evidence = json!({ "evidence": "Annuaire comparé, appel au cabinet" });
        api.post(&path, Some(&patient), &evidence)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden", "a patient");
        api.post(&path, Some(&support), &json!({ "evidence": "  " }))
            .await
            .expect_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "evidence_required",
                "no evidence",
            );
        let r = api
            .post(&path, Some(&support), &evidence)
            .await
            .expect(StatusCode::OK, "re-issued")
            .json();
        assert_eq!(r["account_id"], doctor.as_str());
        assert_eq!(r["second_factor_removed"], true);
        assert_eq!(r["code_emailed"], false);
        assert!(
            r["enrolment_code"].as_str().is_some_and(|c| c.len() == 12),
            "{r}"
        );
    });
}
