//! Browser sessions over the REST API: a login with `"cookie": true` sets an `HttpOnly`,
//! `SameSite=Strict` cookie (`Secure` and `__Host-` when served over TLS) and returns an
//! anti-CSRF token instead of a bearer token; GET works with the cookie alone, other methods
//! need `X-CSRF-Token`; logout clears the cookie. Real clock, both backends.

use axum::http::{header, Method, StatusCode};
use mds_api::ApiOptions;
use mds_testkit::api::*;
use serde_json::{json, Value};

/// Signs a demo account in with a cookie session; returns (Set-Cookie, CSRF token).
async fn cookie_login(api: &Api, login: &str) -> (String, String) {
    let mut body = api.login_body(login).await;
    body["cookie"] = Value::Bool(true);
    let r = api
        .post("/api/v1/auth/login", None, &body)
        .await
        .expect(StatusCode::OK, "cookie login");
    let v = r.json();
    assert!(
        v.get("token").is_none(),
        "no bearer token in the body of a cookie login: {v}"
    );
    let csrf = v["csrf_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no csrf_token in {v}"))
        .to_owned();
    let set_cookie = r
        .headers
        .get(header::SET_COOKIE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or_else(|| panic!("no Set-Cookie"));
    (set_cookie.to_owned(), csrf)
}

/// `name=value` of a `Set-Cookie` value, to send back in `Cookie`.
fn pair(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_owned())
        .collect()
}

#[test]
fn a_cookie_session_needs_the_csrf_token_for_changes() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let (set_cookie, csrf) = cookie_login(&api, SUPPORT).await;
        assert!(set_cookie.starts_with("mds_session="), "{set_cookie}");
        let attrs = attributes(&set_cookie);
        let absolute = api.app.settings().session_absolute_hours * 3600;
        for expected in ["Path=/", "HttpOnly", "SameSite=Strict"] {
            assert!(
                attrs.iter().any(|a| a == expected),
                "{expected} missing: {set_cookie}"
            );
        }
        let max_age: i64 = attrs
            .iter()
            .find_map(|a| a.strip_prefix("Max-Age="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1);
        assert!(
            (absolute - 5..=absolute).contains(&max_age),
            "Max-Age {max_age}: {set_cookie}"
        );
        assert!(
            !attrs.iter().any(|a| a == "Secure"),
            "plain HTTP by default: {set_cookie}"
        );

        let cookie = pair(&set_cookie);
        let me = api
            .call_with(Method::GET, "/api/v1/auth/me", &[("cookie", &cookie)], None)
            .await
            .expect(StatusCode::OK, "me with the cookie")
            .json();
        assert_eq!(me["kind"], "support");

        let structure = |ridet: &str| json!({ "name": "Dispensaire de Hienghène", "ridet": ridet, "kind": "dispensary", "commune": "98808" });
        let refused: [(&str, Vec<(&str, &str)>); 3] = [
            ("no CSRF token", vec![("cookie", &cookie)]),
            (
                "wrong CSRF token",
                vec![("cookie", &cookie), ("x-csrf-token", "AAAA")],
            ),
            (
                "another cookie's token",
                vec![("cookie", "mds_session=forged"), ("x-csrf-token", &csrf)],
            ),
        ];
        let expected = [
            ("csrf_failed", StatusCode::FORBIDDEN),
            ("csrf_failed", StatusCode::FORBIDDEN),
            ("unauthenticated", StatusCode::UNAUTHORIZED),
        ];
        for ((name, headers), (code, status)) in refused.iter().zip(expected) {
            api.call_with(
                Method::POST,
                "/api/v1/structures",
                headers,
                Some(&structure("3692581.001")),
            )
            .await
            .expect_error(status, code, name);
        }
        let with_csrf = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
        api.call_with(
            Method::POST,
            "/api/v1/structures",
            &with_csrf,
            Some(&structure("3692581.001")),
        )
        .await
        .expect(StatusCode::CREATED, "with the CSRF token");

        let out = api
            .call_with(Method::POST, "/api/v1/auth/logout", &with_csrf, None)
            .await
            .expect(StatusCode::NO_CONTENT, "logout");
        let cleared = out
            .headers
            .get(header::SET_COOKIE)
            .and_then(|c| c.to_str().ok())
            .unwrap_or_default();
        assert!(
            cleared.starts_with("mds_session=;")
                && attributes(cleared).iter().any(|a| a == "Max-Age=0"),
            "cookie cleared: {cleared}"
        );
        api.call_with(Method::GET, "/api/v1/auth/me", &[("cookie", &cookie)], None)
            .await
            .expect_error(StatusCode::UNAUTHORIZED, "unauthenticated", "after logout");
    });
}

#[test]
fn behind_tls_the_cookie_is_secure_and_host_prefixed() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await.with_options(ApiOptions {
            secure_cookies: true,
        });
        let (set_cookie, _) = cookie_login(&api, DOCTOR).await;
        assert!(
            set_cookie.starts_with("__Host-mds_session="),
            "{set_cookie}"
        );
        let attrs = attributes(&set_cookie);
        assert!(
            attrs.iter().any(|a| a == "Secure") && attrs.iter().any(|a| a == "Path=/"),
            "{set_cookie}"
        );
        assert!(
            !attrs
                .iter()
                .any(|a| a.to_ascii_lowercase().starts_with("domain=")),
            "a __Host- cookie has no Domain: {set_cookie}"
        );
        let cookie = pair(&set_cookie);
        api.call_with(Method::GET, "/api/v1/auth/me", &[("cookie", &cookie)], None)
            .await
            .expect(StatusCode::OK, "me");
    });
}

#[test]
fn behind_tls_only_the_host_prefixed_cookie_is_accepted() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await.with_options(ApiOptions {
            secure_cookies: true,
        });
        let (set_cookie, _) = cookie_login(&api, DOCTOR).await;
        let token = pair(&set_cookie)
            .split_once('=')
            .map(|(_, t)| t.to_owned())
            .unwrap_or_default();
        // A cookie without the prefix can be planted by a sibling subdomain.
        let tossed = format!("mds_session={token}");
        api.call_with(Method::GET, "/api/v1/auth/me", &[("cookie", &tossed)], None)
            .await
            .expect_error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "unprefixed cookie",
            );
    });
}
