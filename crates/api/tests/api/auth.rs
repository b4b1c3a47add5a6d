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

#[test]
fn too_many_failures_give_429_with_retry_after() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let settings = api.app.settings().clone();
        for i in 0..settings.login_max_failures {
            let bad = json!({ "login": REGULATOR, "password": format!("Essai-{i}"), "totp_code": "000000" });
            api.post("/api/v1/auth/login", None, &bad)
                .await
                .expect_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_credentials",
                    &format!("failure {i}"),
                );
        }
        let right = api.login_body(REGULATOR).await;
        let r = api
            .post("/api/v1/auth/login", None, &right)
            .await
            .expect_error(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "right credentials while locked",
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
        assert!(
            (1..=settings.login_lockout_minutes * 60).contains(&retry),
            "Retry-After {retry}"
        );
        // Other accounts still sign in.
        api.login(SUPPORT).await;
    });
}
