//! Issue 12, item 5 — a TLS client certificate stands in for a structure software's token:
//! support registers the certificate (PEM) on a credential like a key; a call proved by its
//! thumbprint is then checked as every software call. Refusals: unregistered, revoked,
//! credential revoked or ended, professional off the list or without two factors — each
//! refused with one denied audit event. A certificate names one credential for ever and
//! verifies no assertion. Both backends, fixed clock. (The handshake itself — the chain to
//! the configured CA — is rustls's; `tests/fhir/mtls.py` runs it against the real binary.)

use crate::structure_access::{day_after, Software, AUD};
use data_encoding::{BASE64, BASE64URL_NOPAD};
use mds_app::record::documents::DocumentQuery;
use mds_app::structure_access::credentials::NewCredential;
use mds_app::structure_access::SoftwareProof;
use mds_domain::{ActorKind, Timestamp};
use mds_testkit::app::*;
use mds_testkit::typed;
use sha2::{Digest, Sha256};

/// A PEM holding one DER SEQUENCE named by `label` (the use case checks the framing only;
/// the TLS layer checks real certificates), and its `x5t#S256`.
fn certificate(label: &str) -> (String, String) {
    let mut der = vec![0x30, u8::try_from(label.len() + 2).unwrap(), 0x04];
    der.push(u8::try_from(label.len()).unwrap());
    der.extend_from_slice(label.as_bytes());
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        BASE64.encode(&der)
    );
    (pem, BASE64URL_NOPAD.encode(&Sha256::digest(&der)))
}

async fn call(
    s: &Software,
    thumbprint: &str,
    professional: &str,
    two_factor: bool,
    at: Timestamp,
) -> Result<mds_app::Actor, mds_app::AppError> {
    s.app()
        .authenticate_software_call(
            SoftwareProof::Certificate(thumbprint),
            professional,
            two_factor,
            Some("127.0.0.1".to_owned()),
            at,
        )
        .await
}

#[test]
fn a_registered_certificate_proves_the_software_for_an_authorised_professional() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let (pem, x5t) = certificate("dpi-cht");
        let keys = app
            .register_structure_keys(&s.support, &s.client_id, &pem, t)
            .await
            .unwrap();
        assert_eq!(
            keys.iter()
                .map(|k| (k.alg.as_str(), k.thumbprint.as_str()))
                .collect::<Vec<_>>(),
            [("x509", x5t.as_str())],
            "{backend:?}"
        );
        let before = last_seq(app).await;
        let sw = call(&s, &x5t, s.doctor.as_str(), true, t)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        assert_eq!(sw.account_id, s.doctor);
        assert_eq!(
            sw.software.as_ref().map(|a| a.credential_id.as_str()),
            Some(s.client_id.as_str())
        );
        let marie = patient_id_by_cafat(app, MARIE_CAFAT).await;
        let page = app
            .list_documents(&sw, &marie, DocumentQuery::default(), None, t)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        assert!(page.total > 0, "{backend:?}: decided as Dr Néa (care team)");
        let ev = events_after(app, before).await.pop().unwrap();
        assert_eq!(ev.actor_kind, typed::<ActorKind>("structure_software"));
        assert_eq!(ev.actor_id.as_deref(), Some(s.client_id.as_str()));
        assert_eq!(ev.on_behalf_of.as_deref(), Some(s.doctor.as_str()));
        assert_eq!(ev.access_mode.as_deref(), Some("care_team"));

        // The certificate's key verifies no assertion at the token endpoint.
        let forged = s.keys[0].sign(
            &serde_json::json!({ "alg": "ES256", "kid": keys[0].kid }),
            &mds_testkit::jws::claims(&s.client_id, AUD, t.millis(), "cert"),
        );
        let r = app
            .issue_structure_token(
                &Software::request(forged),
                &crate::structure_access::audience(),
                None,
                t,
            )
            .await;
        assert!(r.is_err(), "{backend:?}: an x509 key signs nothing");
        assert_chain_intact(app).await;
    });
}

#[test]
fn refused_certificate_calls_are_audited_one_by_one() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let (pem, x5t) = certificate("dpi-cht");
        let (revoked_pem, revoked) = certificate("ancien");
        let (other_pem, other) = certificate("autre-logiciel");
        let (_, unknown) = certificate("jamais-enregistre");
        app.register_structure_keys(&s.support, &s.client_id, &pem, t)
            .await
            .unwrap();
        let k = app
            .register_structure_keys(&s.support, &s.client_id, &revoked_pem, t)
            .await
            .unwrap();
        app.revoke_structure_key(&s.support, &k[0].id, t)
            .await
            .unwrap();
        // A second credential of the structure, revoked, holding its own certificate.
        let new = NewCredential {
            label: "Ancien DPI".to_owned(),
            ends_on: day_after(t, 30),
            with_secret: false,
        };
        let gone = app
            .create_software_credential(&s.support, &s.structure, &new, t)
            .await
            .unwrap();
        app.register_structure_keys(&s.support, &gone.credential.id, &other_pem, t)
            .await
            .unwrap();
        app.revoke_software_credential(&s.support, &gone.credential.id, t)
            .await
            .unwrap();
        let regulator = account_id(app, REGULATOR).await;
        let doctor = s.doctor.as_str();
        let after_end = at(400 * DAY);
        // (case, thumbprint, professional, two factors, at, outcome, audited rule)
        let cases = [
            ("registered", x5t.as_str(), doctor, true, t, "ok", None),
            (
                "unregistered",
                unknown.as_str(),
                doctor,
                true,
                t,
                "unauthenticated",
                Some("software.unknown_certificate"),
            ),
            (
                "revoked certificate",
                revoked.as_str(),
                doctor,
                true,
                t,
                "unauthenticated",
                Some("software.certificate_revoked"),
            ),
            (
                "revoked credential",
                other.as_str(),
                doctor,
                true,
                t,
                "unauthenticated",
                Some("software.credential_revoked"),
            ),
            (
                "credential past its end",
                x5t.as_str(),
                doctor,
                true,
                after_end,
                "unauthenticated",
                Some("software.credential_expired"),
            ),
            (
                "off the authorised list",
                x5t.as_str(),
                regulator.as_str(),
                true,
                t,
                "access_denied",
                Some("software.not_authorised"),
            ),
            (
                "no two factors",
                x5t.as_str(),
                doctor,
                false,
                t,
                "access_denied",
                Some("software.two_factor_missing"),
            ),
        ];
        let mut failing = Vec::new();
        for (case, thumbprint, professional, two_factor, when, expected, rule) in cases {
            let before = last_seq(app).await;
            let r = call(&s, thumbprint, professional, two_factor, when).await;
            let rules: Vec<String> = events_after(app, before)
                .await
                .into_iter()
                .map(|e| e.rule.unwrap_or_default())
                .collect();
            let expected_rules: Vec<String> = rule.map(str::to_owned).into_iter().collect();
            if outcome(&r) != expected || rules != expected_rules {
                failing.push(format!("{case}: {} {rules:?}", outcome(&r)));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
    });
}

#[test]
fn a_certificate_names_one_credential_for_ever_and_support_pastes_only_the_certificate() {
    on_both(|backend| async move {
        let s = Software::new(backend).await;
        let app = s.app();
        let t = at(MINUTE);
        let (pem, _) = certificate("dpi-cht");
        let k = app
            .register_structure_keys(&s.support, &s.client_id, &pem, t)
            .await
            .unwrap();
        let new = NewCredential {
            label: "Autre DPI".to_owned(),
            ends_on: day_after(t, 30),
            with_secret: false,
        };
        let second = app
            .create_software_credential(&s.support, &s.structure, &new, t)
            .await
            .unwrap();
        let with_key =
            format!("{pem}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        let doctor = actor(app, DOCTOR, t).await;
        let before = count(app, "structure_keys").await;
        // (case, who, credential, text, outcome)
        let cases = [
            (
                "same certificate, same credential",
                &s.support,
                s.client_id.as_str(),
                pem.as_str(),
                "duplicate_certificate",
            ),
            (
                "same certificate, other credential",
                &s.support,
                second.credential.id.as_str(),
                pem.as_str(),
                "duplicate_certificate",
            ),
            (
                "with its private key",
                &s.support,
                second.credential.id.as_str(),
                with_key.as_str(),
                "invalid_certificate",
            ),
            (
                "not DER",
                &s.support,
                second.credential.id.as_str(),
                "-----BEGIN CERTIFICATE-----\nAgEF\n-----END CERTIFICATE-----\n",
                "invalid_certificate",
            ),
            (
                "a professional",
                &doctor,
                second.credential.id.as_str(),
                "-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n",
                "forbidden",
            ),
        ];
        let mut failing = Vec::new();
        for (case, who, credential, text, expected) in cases {
            let r = app.register_structure_keys(who, credential, text, t).await;
            if outcome(&r) != expected {
                failing.push(format!("{case}: {}", outcome(&r)));
            }
        }
        assert!(failing.is_empty(), "{backend:?}: {failing:#?}");
        assert_eq!(
            count(app, "structure_keys").await,
            before,
            "{backend:?}: nothing added"
        );
        // Revoked, it stays registered: registering it again is refused.
        app.revoke_structure_key(&s.support, &k[0].id, t)
            .await
            .unwrap();
        let r = app
            .register_structure_keys(&s.support, &second.credential.id, &pem, t)
            .await;
        assert_eq!(outcome(&r), "duplicate_certificate", "{backend:?}");
    });
}
