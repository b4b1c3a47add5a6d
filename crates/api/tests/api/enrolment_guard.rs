//! Issue 14 — anonymous self-enrolment neither discloses nor accepts without limit: a
//! submission naming an existing record's CAFAT number or an existing account's e-mail gets
//! exactly the answer a new person gets (the existing address is told, support is alerted),
//! one address may submit 5 an hour, the requests waiting are capped, and support is alerted
//! when the queue grows. Both backends, through the router.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use mds_app::Settings;
use mds_testkit::api::*;
use serde_json::{json, Value};
use std::net::SocketAddr;

const NEW: [u8; 4] = [192, 0, 2, 1];
/// Birth names of distinct people (the same traits twice would be a duplicate identity).
const NAMES: [&str; 7] = [
    "Wamytan",
    "Naisseline",
    "Tjibaou",
    "Pidjot",
    "Ukeiwé",
    "Lenormand",
    "Yeiwéné",
];

fn enrolment(cafat: &str, birth_name: &str, email: &str) -> Value {
    json!({
        "identity": { "cafat": cafat, "birth_name": birth_name, "first_names": ["Léa"],
                      "birth_date": "1999-06-12", "sex": "F", "birth_place": "98814" },
        "email": email, "password": "Lifou-Wé-Drehu-1999", "informed_of_rights": true,
    })
}

/// `POST /api/v1/enrolments` from `ip`, with real scans.
async fn submit(api: &Api, ip: [u8; 4], enrolment: &Value) -> Reply {
    let form = Multipart::new()
        .file("enrolment", "enrolment", enrolment.to_string().as_bytes())
        .file(
            "identity_document",
            "id.pdf",
            &mds_demo::drawing::minimal_pdf("Carte d'identité", "Léa"),
        )
        .file(
            "cafat_card",
            "cafat.png",
            &mds_demo::drawing::card_png([250, 250, 250], [0, 0, 0]),
        )
        .finish();
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/enrolments")
        .header(header::CONTENT_TYPE, Multipart::content_type())
        .body(Body::from(form))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    api.send(req).await
}

/// The receipt without its values (identifier and token), and the token's length.
fn shape(reply: &Reply) -> (StatusCode, Vec<String>, usize) {
    let v = reply.json();
    let mut keys: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    let token = v["status_token"].as_str().unwrap_or_default().len();
    (reply.status, keys, token)
}

async fn count(api: &Api, sql: &str) -> i64 {
    let (n,): (i64,) = mds_store::Query::new(sql)
        .fetch_one(api.app.db())
        .await
        .unwrap();
    n
}

#[test]
fn issue_14_duplicates_get_the_answer_a_new_person_gets() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let pending_before = count(
            &api,
            "SELECT COUNT(*) FROM enrolment_requests WHERE status = 'pending'",
        )
        .await;
        let new = submit(
            &api,
            NEW,
            &enrolment("888111", "Gope", "lea.gope@example.nc"),
        )
        .await;
        // Marie Wéa's CAFAT number with another e-mail, and her e-mail with another number.
        let cafat = submit(
            &api,
            [192, 0, 2, 2],
            &enrolment("1234567", "Gope", "x1@example.nc"),
        )
        .await;
        let email = submit(&api, [192, 0, 2, 3], &enrolment("888112", "Gope", PATIENT)).await;
        assert_eq!(
            shape(&new).0,
            StatusCode::ACCEPTED,
            "{backend:?}: {:?}",
            new.json()
        );
        assert_eq!(shape(&cafat), shape(&new), "{backend:?}: duplicate CAFAT");
        assert_eq!(shape(&email), shape(&new), "{backend:?}: duplicate e-mail");
        // Their status tokens read alike too.
        let mut statuses = Vec::new();
        for r in [&new, &cafat, &email] {
            let token = r.json()["status_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let s = api
                .post(
                    "/api/v1/enrolments/status",
                    None,
                    &json!({ "status_token": token }),
                )
                .await;
            statuses.push((s.status, s.body));
        }
        assert_eq!(
            statuses[1], statuses[0],
            "{backend:?}: duplicate CAFAT status"
        );
        assert_eq!(
            statuses[2], statuses[0],
            "{backend:?}: duplicate e-mail status"
        );
        // Only the new person is queued; the duplicates are recorded for support.
        assert_eq!(
            count(
                &api,
                "SELECT COUNT(*) FROM enrolment_requests WHERE status = 'pending'"
            )
            .await,
            pending_before + 1,
            "{backend:?}"
        );
        assert_eq!(
            count(&api, "SELECT COUNT(*) FROM enrolment_duplicates").await,
            2,
            "{backend:?}"
        );
        assert_eq!(
            count(
                &api,
                "SELECT COUNT(*) FROM supervision_alerts WHERE rule = 'enrolment_duplicate'"
            )
            .await,
            1,
            "{backend:?}: one alert for Marie's account today"
        );
        // Marie is told, once a day however many attempts.
        let marie = account_id(&api.app, PATIENT).await.to_string();
        let (to, account): (String, Option<String>) = mds_store::Query::new(
            "SELECT recipient, account_id FROM email_outbox WHERE kind = 'enrolment_attempt'",
        )
        .fetch_one(api.app.db())
        .await
        .unwrap();
        assert_eq!(account.as_deref(), Some(marie.as_str()), "{backend:?}");
        assert!(to.contains('@'), "{to}");
        assert_eq!(
            count(
                &api,
                "SELECT COUNT(*) FROM email_outbox WHERE kind = 'enrolment_attempt'"
            )
            .await,
            1,
            "{backend:?}"
        );
    });
}

#[test]
fn issue_14_one_address_may_submit_five_an_hour() {
    on_both(|backend| async move {
        let api = Api::demo(backend).await;
        let max = api.app.settings().enrolment_max_per_address_hour;
        assert_eq!(max, 5);
        let ip = [198, 51, 100, 9];
        for i in 0..max {
            let name = NAMES[usize::try_from(i).unwrap()];
            let e = enrolment(&format!("77700{i}"), name, &format!("p{i}@example.nc"));
            submit(&api, ip, &e)
                .await
                .expect(StatusCode::ACCEPTED, &format!("submission {i}"));
        }
        let e = enrolment("777009", NAMES[6], "p9@example.nc");
        let r = submit(&api, ip, &e).await.expect_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "sixth submission",
        );
        let retry: i64 = r
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!((1..=3600).contains(&retry), "Retry-After {retry}");
        // Another address is not affected.
        submit(&api, NEW, &e)
            .await
            .expect(StatusCode::ACCEPTED, "another address");
        assert_eq!(
            count(&api, "SELECT COUNT(*) FROM enrolment_duplicates").await,
            0,
            "{backend:?}: six distinct people"
        );
    });
}

#[test]
fn issue_14_the_waiting_requests_are_capped_and_a_long_queue_alerts_support() {
    on_both(|backend| async move {
        let settings = Settings {
            enrolment_max_pending: 3,
            enrolment_queue_alert: 2,
            ..Settings::default()
        };
        let api = Api::over(Fixture::with_settings(backend, settings).await);
        let alerts = "SELECT COUNT(*) FROM supervision_alerts WHERE rule = 'enrolment_queue'";
        for i in 0..3_u8 {
            let e = enrolment(
                &format!("66600{i}"),
                NAMES[usize::from(i)],
                &format!("q{i}@example.nc"),
            );
            submit(&api, [192, 0, 2, 10 + i], &e)
                .await
                .expect(StatusCode::ACCEPTED, &format!("submission {i}"));
            let expected = if i == 0 { 0 } else { 1 };
            assert_eq!(
                count(&api, alerts).await,
                expected,
                "{backend:?}: after {i}"
            );
        }
        let e = enrolment("666009", NAMES[6], "q9@example.nc");
        let r = submit(&api, [192, 0, 2, 20], &e).await.expect_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "past the cap",
        );
        assert!(r.headers.get(header::RETRY_AFTER).is_some());
        assert_eq!(
            count(&api, "SELECT COUNT(*) FROM enrolment_requests").await,
            3,
            "{backend:?}"
        );
    });
}
