//! Issue 12, item 5 — structure authentication ("AIR simplifié"): support registers a
//! credential's public keys and the structure's authorised professionals; the software
//! exchanges a signed assertion (ES256, ES384, RS384) for a short-lived access token, then
//! acts for a named professional who signed in to it with two factors, decided exactly as
//! that professional in person. Decision tables of refusals: each refused, nothing changed,
//! one denied audit event. Both backends, fixed clock.

use mds_app::information::history::{HistoryFilter, PageRequest};
use mds_app::record::documents::DocumentQuery;
use mds_app::structure_access::credentials::NewCredential;
use mds_app::structure_access::token::{Audience, TokenRequest};
use mds_app::structure_access::JWT_BEARER;
use mds_app::{Actor, App};
use mds_domain::{AccountId, ActorKind, PatientId, StructureId, Timestamp};
use mds_testkit::app::*;
use mds_testkit::jws::{claims, Alg, SoftwareKey};
use mds_testkit::typed;
use serde_json::json;

/// Dr Néa's structure in the demo data (also Dr Wamytan's and the psychologist's).
pub const NEA_RIDET: &str = "0900001.001";
/// The token URL the assertions are addressed to.
pub const AUD: &str = "https://mds.test/fhir/auth/token";

pub fn audience() -> Audience {
    Audience::Url(AUD.to_owned())
}

/// The New Caledonia day `days` after that of `t`, `YYYY-MM-DD`.
pub fn day_after(t: Timestamp, days: i64) -> String {
    let d = t.noumea_date().unwrap() + time::Duration::days(days);
    d.to_string()
}

pub async fn structure_id(app: &App, ridet: &str) -> StructureId {
    mds_store::directory::structure_by_ridet(app.db(), ridet)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A structure whose software holds one key of each algorithm, acting for Dr Néa.
pub struct Software {
    pub f: Fixture,
    pub support: Actor,
    pub structure: StructureId,
    pub client_id: String,
    pub keys: Vec<SoftwareKey>,
    pub doctor: AccountId,
}

impl Software {
    pub async fn new(backend: mds_testkit::TestBackend) -> Self {
        let f = Fixture::demo(backend).await;
        let app = &f.app;
        let support = actor(app, SUPPORT, at(0)).await;
        let structure = structure_id(app, NEA_RIDET).await;
        let new = NewCredential {
            label: "DPI du CHT".to_owned(),
            ends_on: day_after(at(0), 365),
            with_secret: false,
        };
        let c = app
            .create_software_credential(&support, &structure, &new, at(0))
            .await
            .unwrap();
        assert!(c.token.is_none(), "keys only: no secret");
        let keys: Vec<_> = Alg::ALL
            .iter()
            .map(|a| SoftwareKey::generate(*a, &format!("cle-{}", a.as_str())))
            .collect();
        let refs: Vec<&SoftwareKey> = keys.iter().collect();
        let registered = app
            .register_structure_keys(&support, &c.credential.id, &SoftwareKey::jwks(&refs), at(0))
            .await
            .unwrap();
        assert_eq!(registered.len(), 3);
        let doctor = account_id(app, DOCTOR).await;
        app.authorise_structure_professional(
            &support,
            &structure,
            doctor.as_str(),
            &day_after(at(0), 365),
            at(0),
        )
        .await
        .unwrap();
        Self {
            f,
            support,
            structure,
            client_id: c.credential.id,
            keys,
            doctor,
        }
    }

    pub fn app(&self) -> &App {
        &self.f.app
    }

    pub fn request(assertion: String) -> TokenRequest {
        TokenRequest {
            grant_type: "client_credentials".to_owned(),
            client_assertion_type: JWT_BEARER.to_owned(),
            client_assertion: assertion,
            scope: None,
        }
    }

    /// An access token obtained with key `i` at `now`.
    pub async fn token(&self, i: usize, now: Timestamp, jti: &str) -> String {
        let a = self.keys[i].assertion(&self.client_id, AUD, now.millis(), jti);
        self.app()
            .issue_structure_token(&Self::request(a), &audience(), None, now)
            .await
            .unwrap_or_else(|e| panic!("token with {}: {e:?}", self.keys[i].kid))
            .access_token
    }
}

#[test]
fn each_algorithm_obtains_a_short_lived_token_that_acts_as_the_professional() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        for (i, key) in s.keys.iter().enumerate() {
            let t = at(MINUTE);
            let a = key.assertion(&s.client_id, AUD, t.millis(), &format!("jti-{i}"));
            let before = last_seq(app).await;
            let token = app
                .issue_structure_token(&Software::request(a), &audience(), None, t)
                .await
                .unwrap_or_else(|e| panic!("{backend:?} {}: {e:?}", key.kid));
            assert_eq!(
                (token.token_type, token.expires_in, token.scope.as_str()),
                ("bearer", 300, "system/*.cruds"),
                "{backend:?} {}",
                key.kid
            );
            assert!(token.access_token.starts_with("mds-at-"));
            let evs = events_after(app, before).await;
            assert_eq!(evs.len(), 1, "{backend:?}");
            assert_eq!(evs[0].action, "structure_software.token");
            assert_eq!(evs[0].actor_id.as_deref(), Some(s.client_id.as_str()));
            assert!(!evs[0].detail.to_string().contains(&token.access_token));

            let sw = app
                .authenticate_structure_token(&token.access_token, s.doctor.as_str(), true, None, t)
                .await
                .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
            assert_eq!(sw.account_id, s.doctor);
            let page = app
                .list_documents(&sw, &marie, DocumentQuery::default(), None, t)
                .await
                .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
            assert!(page.total > 0, "{backend:?}: decided as Dr Néa (care team)");
            let ev = events_after(app, before).await.pop().unwrap();
            assert_eq!(ev.actor_kind, typed::<ActorKind>("structure_software"));
            assert_eq!(ev.actor_id.as_deref(), Some(s.client_id.as_str()));
            assert_eq!(ev.on_behalf_of.as_deref(), Some(s.doctor.as_str()));
            assert_eq!(ev.structure_id.as_deref(), Some(s.structure.as_str()));
            assert_eq!(ev.access_mode.as_deref(), Some("care_team"));
            // Five minutes later the token is over.
            let later = at(MINUTE + 5 * MINUTE);
            let r = app
                .authenticate_structure_token(
                    &token.access_token,
                    s.doctor.as_str(),
                    true,
                    None,
                    later,
                )
                .await;
            assert_eq!(outcome(&r), "unauthenticated", "{backend:?}");
        }
        assert_eq!(count(app, "structure_access_tokens").await, 3);
        assert_eq!(
            app.purge_structure_tokens(at(DAY)).await.unwrap(),
            6,
            "{backend:?}: three tokens and three jtis purged"
        );
        assert_chain_intact(app).await;
    });
}

#[test]
fn refused_assertions_change_nothing_and_are_audited_one_by_one() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let ms = t.millis();
        let es256 = &s.keys[0];
        let cid = s.client_id.as_str();
        // An accepted assertion whose jti is then replayed.
        let used = es256.assertion(cid, AUD, ms, "deja-vu");
        s.token(0, t, "deja-vu").await;
        // A key registered then revoked.
        let old = SoftwareKey::generate(Alg::Es256, "ancienne");
        let k = app
            .register_structure_keys(&s.support, cid, &old.public_jwk().to_string(), t)
            .await
            .unwrap();
        app.revoke_structure_key(&s.support, &k[0].id, t)
            .await
            .unwrap();
        // Another key pair signing under a registered kid: a wrong signature.
        let forger = SoftwareKey::generate(Alg::Es256, &es256.kid);
        let mut expired = claims(cid, AUD, ms, "expiree");
        expired["exp"] = json!(ms / 1000 - 120);
        let mut too_long = claims(cid, AUD, ms, "trop-longue");
        too_long["exp"] = json!(ms / 1000 + 3600);
        let mut no_jti = claims(cid, AUD, ms, "x");
        no_jti.as_object_mut().unwrap().remove("jti");
        let mut sub = claims(cid, AUD, ms, "sub");
        sub["sub"] = json!("quelqu-un");
        let unknown_kid = json!({ "alg": "ES256", "kid": "inconnue" });
        let none = json!({ "alg": "none", "kid": es256.kid });
        let as_es384 = json!({ "alg": "ES384", "kid": es256.kid });
        let valid = |jti: &str| claims(cid, AUD, ms, jti);
        let cases: Vec<(&str, TokenRequest, &str, &str)> = vec![
            (
                "wrong signature",
                Software::request(forger.assertion(cid, AUD, ms, "f")),
                "invalid_client",
                "assertion.bad_signature",
            ),
            (
                "expired assertion",
                Software::request(es256.sign(&es256.header(), &expired)),
                "invalid_client",
                "assertion.expired",
            ),
            (
                "assertion living an hour",
                Software::request(es256.sign(&es256.header(), &too_long)),
                "invalid_client",
                "assertion.lifetime_too_long",
            ),
            (
                "replayed jti",
                Software::request(used),
                "invalid_client",
                "assertion.replayed",
            ),
            (
                "unknown kid",
                Software::request(es256.sign(&unknown_kid, &valid("k"))),
                "invalid_client",
                "assertion.unknown_key",
            ),
            (
                "revoked key",
                Software::request(old.assertion(cid, AUD, ms, "r")),
                "invalid_client",
                "assertion.key_revoked",
            ),
            (
                "alg none",
                Software::request(es256.sign(&none, &valid("n"))),
                "invalid_client",
                "assertion.bad_signature",
            ),
            (
                "another alg than the key's",
                Software::request(es256.sign(&as_es384, &valid("a"))),
                "invalid_client",
                "assertion.bad_signature",
            ),
            (
                "other audience",
                Software::request(es256.assertion(
                    cid,
                    "https://ailleurs.nc/fhir/auth/token",
                    ms,
                    "o",
                )),
                "invalid_client",
                "assertion.wrong_audience",
            ),
            (
                "no jti",
                Software::request(es256.sign(&es256.header(), &no_jti)),
                "invalid_client",
                "assertion.jti_missing",
            ),
            (
                "sub is not iss",
                Software::request(es256.sign(&es256.header(), &sub)),
                "invalid_client",
                "assertion.client_mismatch",
            ),
            (
                "unknown client",
                Software::request(es256.assertion("client-inconnu", AUD, ms, "u")),
                "invalid_client",
                "assertion.unknown_client",
            ),
            (
                "not a JWT",
                Software::request("abc.def".to_owned()),
                "invalid_client",
                "assertion.malformed",
            ),
            (
                "password grant",
                TokenRequest {
                    grant_type: "password".to_owned(),
                    ..Software::request(es256.assertion(cid, AUD, ms, "g"))
                },
                "unsupported_grant_type",
                "token.grant_type",
            ),
            (
                "user scope",
                TokenRequest {
                    scope: Some("user/*.rs".to_owned()),
                    ..Software::request(es256.assertion(cid, AUD, ms, "s"))
                },
                "invalid_scope",
                "token.scope",
            ),
        ];
        let tokens = count(app, "structure_access_tokens").await;
        let jtis = count(app, "structure_assertion_jtis").await;
        let mut failing = Vec::new();
        for (name, req, code, rule) in cases {
            let before = last_seq(app).await;
            let r = app.issue_structure_token(&req, &audience(), None, t).await;
            let evs = events_after(app, before).await;
            let got = (
                outcome(&r),
                evs.len(),
                evs.first().map(|e| {
                    (
                        e.outcome.as_str().to_owned(),
                        e.rule.clone().unwrap_or_default(),
                    )
                }),
            );
            let expected = (code, 1, Some(("deny".to_owned(), rule.to_owned())));
            if got != expected {
                failing.push(format!("{name}: {got:?}, expected {expected:?}"));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
        assert_eq!(
            count(app, "structure_access_tokens").await,
            tokens,
            "{backend:?}"
        );
        assert_eq!(
            count(app, "structure_assertion_jtis").await,
            jtis,
            "{backend:?}"
        );
        // A revoked credential and one past its end date refuse every assertion.
        app.revoke_software_credential(&s.support, cid, t)
            .await
            .unwrap();
        let r = app
            .issue_structure_token(
                &Software::request(es256.assertion(cid, AUD, ms, "z")),
                &audience(),
                None,
                t,
            )
            .await;
        assert_eq!(outcome(&r), "invalid_client", "{backend:?}");
        assert_chain_intact(app).await;
    });
}

#[test]
fn only_authorised_active_professionals_of_the_structure_who_signed_in_with_two_factors() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let token = s.token(0, t, "j1").await;
        let regulator = account_id(app, REGULATOR).await;
        let psychologist = account_id(app, PSYCHOLOGIST).await;
        let nurse = account_id(app, NURSE).await;
        let assistant = account_id(app, ASSISTANT).await;
        // The psychologist's authorisation ends today; checked tomorrow with a new token.
        app.authorise_structure_professional(
            &s.support,
            &s.structure,
            psychologist.as_str(),
            &day_after(t, 0),
            t,
        )
        .await
        .unwrap();
        let tomorrow = at(DAY);
        let tomorrow_token = s.token(1, tomorrow, "j2").await;
        let number = mds_store::directory::professional(app.db(), &s.doctor)
            .await
            .unwrap()
            .unwrap()
            .professional_id;
        struct Case<'a> {
            name: &'a str,
            token: &'a str,
            professional: &'a str,
            two_factor: bool,
            at: Timestamp,
            expected: (&'a str, Option<&'a str>),
        }
        let cases = [
            Case {
                name: "authorised member, two factors",
                token: &token,
                professional: s.doctor.as_str(),
                two_factor: true,
                at: t,
                expected: ("ok", None),
            },
            Case {
                name: "named by professional number",
                token: &token,
                professional: &number,
                two_factor: true,
                at: t,
                expected: ("ok", None),
            },
            Case {
                name: "no two-factor assertion",
                token: &token,
                professional: s.doctor.as_str(),
                two_factor: false,
                at: t,
                expected: ("access_denied", Some("software.two_factor_missing")),
            },
            Case {
                name: "outside the structure",
                token: &token,
                professional: nurse.as_str(),
                two_factor: true,
                at: t,
                expected: ("forbidden", Some("software.not_structure_member")),
            },
            Case {
                name: "member off the authorised list",
                token: &token,
                professional: regulator.as_str(),
                two_factor: true,
                at: t,
                expected: ("access_denied", Some("software.not_authorised")),
            },
            Case {
                name: "authorisation past its end date",
                token: &tomorrow_token,
                professional: psychologist.as_str(),
                two_factor: true,
                at: tomorrow,
                expected: ("access_denied", Some("software.authorisation_expired")),
            },
            Case {
                name: "an assistant is not a professional",
                token: &token,
                professional: assistant.as_str(),
                two_factor: true,
                at: t,
                expected: ("forbidden", Some("software.unknown_professional")),
            },
            Case {
                name: "unknown token",
                token: "mds-at-inconnu",
                professional: s.doctor.as_str(),
                two_factor: true,
                at: t,
                expected: ("unauthenticated", None),
            },
            Case {
                name: "a credential secret is not an access token",
                token: "mds-sw-x",
                professional: s.doctor.as_str(),
                two_factor: true,
                at: t,
                expected: ("unauthenticated", None),
            },
        ];
        let mut failing = Vec::new();
        for c in cases {
            let before = last_seq(app).await;
            let r = app
                .authenticate_structure_token(c.token, c.professional, c.two_factor, None, c.at)
                .await;
            let rules: Vec<_> = events_after(app, before)
                .await
                .into_iter()
                .map(|e| e.rule.unwrap_or_default())
                .collect();
            let expected_rules: Vec<String> = c.expected.1.map(str::to_owned).into_iter().collect();
            if outcome(&r) != c.expected.0 || rules != expected_rules {
                failing.push(format!(
                    "{}: {} {rules:?}, expected {:?}",
                    c.name,
                    outcome(&r),
                    c.expected
                ));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");

        // Suspended: refused at once, with the same token.
        app.set_suspended(&s.support, &s.doctor, true, "enquête", t)
            .await
            .unwrap();
        let before = last_seq(app).await;
        let r = app
            .authenticate_structure_token(&token, s.doctor.as_str(), true, None, t)
            .await;
        assert_eq!(outcome(&r), "forbidden", "{backend:?}");
        let evs = events_after(app, before).await;
        assert_eq!(evs.len(), 1);
        assert_eq!(
            evs[0].rule.as_deref(),
            Some("software.professional_inactive")
        );
        assert_eq!(evs[0].actor_id.as_deref(), Some(s.client_id.as_str()));
        assert_eq!(evs[0].on_behalf_of.as_deref(), Some(s.doctor.as_str()));
        app.set_suspended(&s.support, &s.doctor, false, "fin", t)
            .await
            .unwrap();
        // Taken off the list: refused.
        app.remove_structure_professional(&s.support, &s.structure, &s.doctor, t)
            .await
            .unwrap();
        let r = app
            .authenticate_structure_token(&token, s.doctor.as_str(), true, None, t)
            .await;
        assert_eq!(outcome(&r), "access_denied", "{backend:?}");
        // A revoked key ends its tokens at once.
        let token = s.token(2, t, "j3").await;
        let key = app
            .list_structure_keys(&s.support, &s.structure)
            .await
            .unwrap();
        let rs = key.iter().find(|k| k.alg == "RS384").unwrap();
        app.revoke_structure_key(&s.support, &rs.id, t)
            .await
            .unwrap();
        let r = app
            .authenticate_structure_token(&token, s.doctor.as_str(), true, None, t)
            .await;
        assert_eq!(outcome(&r), "unauthenticated", "{backend:?}");
    });
}

#[test]
fn support_manages_keys_end_dates_and_lists_within_three_years() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let doctor = actor(app, DOCTOR, t).await;
        let key = SoftwareKey::generate(Alg::Es384, "nouvelle");
        let jwk = key.public_jwk().to_string();
        let mut private = key.public_jwk();
        private["d"] = json!("AAAA");
        let far = day_after(t, 3 * 366);
        let cases = [
            (
                "a professional registers a key",
                outcome(
                    &app.register_structure_keys(&doctor, &s.client_id, &jwk, t)
                        .await,
                ),
                "forbidden",
            ),
            (
                "a private key",
                outcome(
                    &app.register_structure_keys(&s.support, &s.client_id, &private.to_string(), t)
                        .await,
                ),
                "invalid_jwk",
            ),
            (
                "a kid already used",
                outcome(
                    &app.register_structure_keys(
                        &s.support,
                        &s.client_id,
                        &s.keys[0].public_jwk().to_string(),
                        t,
                    )
                    .await,
                ),
                "duplicate_kid",
            ),
            (
                "an unknown credential",
                outcome(
                    &app.register_structure_keys(&s.support, "inconnu", &jwk, t)
                        .await,
                ),
                "not_found",
            ),
            (
                "a credential beyond 3 years",
                outcome(
                    &app.create_software_credential(
                        &s.support,
                        &s.structure,
                        &NewCredential {
                            label: "x".to_owned(),
                            ends_on: far.clone(),
                            with_secret: true,
                        },
                        t,
                    )
                    .await,
                ),
                "invalid_end_date",
            ),
            (
                "an authorisation beyond 3 years",
                outcome(
                    &app.authorise_structure_professional(
                        &s.support,
                        &s.structure,
                        s.doctor.as_str(),
                        &far,
                        t,
                    )
                    .await,
                ),
                "invalid_end_date",
            ),
            (
                "an authorisation outside the structure",
                outcome(
                    &app.authorise_structure_professional(
                        &s.support,
                        &s.structure,
                        account_id(app, NURSE).await.as_str(),
                        &day_after(t, 30),
                        t,
                    )
                    .await,
                ),
                "not_structure_member",
            ),
            (
                "a professional lists keys",
                outcome(&app.list_structure_keys(&doctor, &s.structure).await),
                "forbidden",
            ),
            (
                "a new key",
                outcome(
                    &app.register_structure_keys(&s.support, &s.client_id, &jwk, t)
                        .await,
                ),
                "ok",
            ),
        ];
        let failing: Vec<_> = cases.iter().filter(|c| c.1 != c.2).collect();
        assert!(failing.is_empty(), "{backend:?}: {failing:?}");
        let keys = app
            .list_structure_keys(&s.support, &s.structure)
            .await
            .unwrap();
        assert_eq!(
            keys.len(),
            4,
            "{backend:?}: rotation keeps several active keys"
        );
        let list = app
            .list_structure_professionals(&s.support, &s.structure, t)
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].professional_account_id, s.doctor);
        let actions: Vec<_> = events_after(app, 0)
            .await
            .into_iter()
            .filter(|e| e.action.starts_with("structure_software."))
            .map(|e| e.action)
            .collect();
        for a in [
            "credential.create",
            "key.register",
            "professional.authorise",
        ] {
            assert!(
                actions.contains(&format!("structure_software.{a}")),
                "{a}: {actions:?}"
            );
        }
    });
}

#[test]
fn the_patient_reads_which_software_acted_for_which_professional() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let token = s.token(0, t, "h").await;
        let sw = app
            .authenticate_structure_token(&token, s.doctor.as_str(), true, None, t)
            .await
            .unwrap();
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        app.list_documents(&sw, &marie, DocumentQuery::default(), None, t)
            .await
            .unwrap();
        let patient = actor(app, PATIENT, at(2 * MINUTE)).await;
        let page = app
            .record_history(
                &patient,
                &typed::<PatientId>(&marie),
                &HistoryFilter::default(),
                PageRequest::default(),
                None,
                at(2 * MINUTE),
            )
            .await
            .unwrap();
        let line = &page
            .entries
            .iter()
            .find(|e| e.text.contains("via le logiciel"))
            .unwrap_or_else(|| panic!("{backend:?}: {:#?}", page.entries))
            .text;
        assert!(line.contains("Dr "), "{backend:?}: {line}");
        assert!(
            line.contains(
                ", via le logiciel de Centre hospitalier territorial de Nouméa (démo), a \
                 recherché des documents de votre dossier"
            ),
            "{backend:?}: {line}"
        );
    });
}
