//! The audit trail of the use cases: each sign-in (success or failure), sign-out, directory
//! change and audit read appends exactly one event with the right actor and outcome; a refused
//! audit read is recorded as `deny`; the chain verifies afterwards. Both backends, fixed clock.

use mds_app::{Actor, App, AppError};
use mds_audit::{AuditQuery, AuditRecord, Outcome, VerifyOutcome};
use mds_domain::ActorKind;
use mds_testkit::app::*;
use mds_testkit::typed;

/// Follows the chain: each call returns the single event appended since the previous one.
struct Trail {
    seq: i64,
}

impl Trail {
    async fn start(app: &App) -> Self {
        Self {
            seq: last_seq(app).await,
        }
    }

    async fn one(&mut self, app: &App, step: &str) -> AuditRecord {
        let mut new = events_after(app, self.seq).await;
        assert_eq!(
            new.len(),
            1,
            "{step}: events appended: {:?}",
            new.iter().map(|e| &e.action).collect::<Vec<_>>()
        );
        let e = new.remove(0);
        self.seq = e.seq;
        e
    }
}

fn expect(e: &AuditRecord, action: &str, outcome: Outcome, actor: Option<&Actor>, step: &str) {
    assert_eq!((e.action.as_str(), e.outcome), (action, outcome), "{step}");
    if let Some(a) = actor {
        assert_eq!(
            e.actor_id.as_deref(),
            Some(a.account_id.as_str()),
            "{step}: actor"
        );
        assert_eq!(
            e.actor_kind,
            typed::<ActorKind>(a.kind.as_str()),
            "{step}: actor kind"
        );
    }
}

#[test]
fn every_audited_action_appends_one_event_and_the_chain_verifies() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let mut trail = Trail::start(app).await;
        let ip = Some("203.0.113.50");

        let mut req = demo_request(SUPPORT, at(0));
        req.ip = ip.map(str::to_owned);
        let support = app
            .login(req, at(0))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = trail.one(app, "sign-in").await;
        expect(
            &e,
            "auth.login",
            Outcome::Success,
            Some(&support.actor),
            "sign-in",
        );
        assert_eq!(e.ip.as_deref(), ip, "sign-in address");
        let support = support.actor;

        let secret_guess = "Mot-De-Passe-Secret-Devine";
        let r = app
            .login(request(DOCTOR, secret_guess, "000000", ip), at(1000))
            .await;
        assert!(matches!(r, Err(AppError::InvalidCredentials)));
        let e = trail.one(app, "failed sign-in").await;
        expect(&e, "auth.login", Outcome::Failure, None, "failed sign-in");
        assert_eq!(
            (e.actor_kind.as_str(), e.actor_id.as_deref()),
            ("anonymous", None)
        );
        assert_eq!(
            e.detail["login"], DOCTOR,
            "failed sign-in names the login tried"
        );

        let r = app
            .login(
                request("personne@cht.nc", mds_demo::DEMO_PASSWORD, "000000", None),
                at(2000),
            )
            .await;
        assert!(matches!(r, Err(AppError::InvalidCredentials)));
        let e = trail.one(app, "unknown login").await;
        expect(&e, "auth.login", Outcome::Failure, None, "unknown login");

        let s = app
            .create_structure(&support, structure("5555555.001"), at(3000))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = trail.one(app, "structure").await;
        expect(
            &e,
            "directory.structure.create",
            Outcome::Success,
            Some(&support),
            "structure",
        );
        assert_eq!(e.structure_id.as_deref(), Some(s.id.as_str()));

        let p = app
            .create_professional(
                &support,
                professional("h.tein@cht.nc", "90900000001", &s.id),
                at(4000),
            )
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = trail.one(app, "professional").await;
        expect(
            &e,
            "directory.professional.create",
            Outcome::Success,
            Some(&support),
            "professional",
        );
        assert_eq!(e.detail["account_id"], p.item.account_id.as_str());

        let doctor = account_id(app, DOCTOR).await;
        app.set_suspended(&support, &doctor, true, "enquête", at(5000))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = trail.one(app, "suspend").await;
        expect(
            &e,
            "directory.account.suspend",
            Outcome::Success,
            Some(&support),
            "suspend",
        );
        assert_eq!(e.detail["reason"], "enquête");
        app.set_suspended(&support, &doctor, false, "fin d'enquête", at(6000))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = trail.one(app, "reactivate").await;
        expect(
            &e,
            "directory.account.reactivate",
            Outcome::Success,
            Some(&support),
            "reactivate",
        );

        let q = AuditQuery {
            limit: 1000,
            ..AuditQuery::default()
        };
        let rows = app
            .read_audit(&support, q, None, at(7000))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = trail.one(app, "audit read").await;
        expect(
            &e,
            "audit.read",
            Outcome::Success,
            Some(&support),
            "audit read",
        );
        assert_eq!(
            rows.last().map(|r| r.id.as_str()),
            Some(e.id.as_str()),
            "the read is recorded before the rows are returned"
        );

        let regulator = sign_in(app, REGULATOR, at(8000)).await.actor;
        trail.one(app, "regulator sign-in").await;
        let r = app
            .read_audit(
                &regulator,
                AuditQuery {
                    limit: 10,
                    ..AuditQuery::default()
                },
                None,
                at(9000),
            )
            .await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
        let e = trail.one(app, "refused audit read").await;
        expect(
            &e,
            "audit.read",
            Outcome::Deny,
            Some(&regulator),
            "refused audit read",
        );

        app.logout(&support, ip.map(str::to_owned), at(10_000))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = trail.one(app, "logout").await;
        expect(
            &e,
            "auth.logout",
            Outcome::Success,
            Some(&support),
            "logout",
        );

        let events = assert_chain_intact(app).await;
        assert_eq!(events, trail.seq, "every event is in the verified chain");
        // Passwords never reach the audit, not even a wrong one.
        let all = serde_json::to_string(&events_after(app, 0).await).unwrap_or_default();
        for secret in [secret_guess, mds_demo::DEMO_PASSWORD] {
            assert!(!all.contains(secret), "a password is in the audit trail");
        }
        // Verification through the use case agrees, and is itself recorded.
        let v = app
            .verify_audit(None, at(11_000))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            matches!(v, VerifyOutcome::Intact { events: n, .. } if n == events),
            "{v:?}"
        );
        expect(
            &trail.one(app, "verify").await,
            "audit.verify",
            Outcome::Success,
            None,
            "verify",
        );
    });
}

#[test]
fn no_one_but_support_reads_the_audit_and_each_refusal_is_recorded() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let patient_id = mds_store::patients::by_identifier(
            f.app.db(),
            mds_domain::IdentifierKind::Cafat,
            "1234567",
        )
        .await
        .ok()
        .flatten()
        .map(|p| p.id);
        let mut failing = Vec::new();
        for login in [DOCTOR, REGULATOR, ASSISTANT, PATIENT] {
            let who = actor(&f.app, login, at(0)).await;
            let before = last_seq(&f.app).await;
            let q = AuditQuery {
                patient_id: patient_id.as_ref().map(|x| x.to_string()),
                limit: 100,
                ..AuditQuery::default()
            };
            let r = f
                .app
                .read_audit(&who, q, Some("198.51.100.7".into()), at(1000))
                .await;
            let new = events_after(&f.app, before).await;
            let recorded = matches!(new.as_slice(), [e] if e.action == "audit.read"
                && e.outcome == Outcome::Deny
                && e.actor_id.as_deref() == Some(who.account_id.as_str())
                && e.patient_id == patient_id.as_ref().map(|x| x.to_string())
                && e.ip.as_deref() == Some("198.51.100.7"));
            if !matches!(r, Err(AppError::Forbidden)) || !recorded {
                failing.push(format!(
                    "{login}: {} / deny recorded: {recorded}",
                    outcome(&r)
                ));
            }
        }
        assert!(failing.is_empty(), "failing cases: {failing:?}");
        assert_chain_intact(&f.app).await;
    });
}

#[test]
fn a_throttled_attempt_is_recorded_as_a_failure() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let ip = Some("203.0.113.9");
        for i in 0..f.app.settings().login_max_failures {
            let r = f
                .app
                .login(request(DOCTOR, "Mauvais", "000000", ip), at(i))
                .await;
            assert!(
                matches!(r, Err(AppError::InvalidCredentials)),
                "failure {i}"
            );
        }
        let mut trail = Trail::start(&f.app).await;
        let mut req = demo_request(DOCTOR, at(1000));
        req.ip = ip.map(str::to_owned);
        let r = f.app.login(req, at(1000)).await;
        assert!(
            matches!(r, Err(AppError::Throttled { .. })),
            "{:?}",
            r.map(|s| s.actor)
        );
        let e = trail.one(&f.app, "throttled attempt").await;
        expect(
            &e,
            "auth.login",
            Outcome::Failure,
            None,
            "throttled attempt",
        );
        assert_eq!(
            (e.detail["login"].as_str(), e.detail["throttled"].as_bool()),
            (Some(DOCTOR), Some(true))
        );
        assert_eq!(e.ip.as_deref(), ip);
        assert_chain_intact(&f.app).await;
    });
}
