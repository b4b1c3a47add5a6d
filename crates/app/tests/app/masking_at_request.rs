//! Issue 15, item 7 — masking at the patient's request by a professional: on an inactive
//! record (no portal), a professional who may read the document masks it and, later, unmasks
//! it, both recorded as done at the patient's request; on an active record only the patient
//! unmasks (from the portal); a professional who may not read the document is answered as if
//! it did not exist. Both backends.

use mds_domain::DocumentId;
use mds_testkit::app::*;

async fn first_document(
    f: &Fixture,
    cafat: &str,
    title: &str,
) -> (mds_domain::PatientId, DocumentId) {
    let pid = patient_id_by_cafat(&f.app, cafat).await;
    let doc = mds_store::documents::all_for_patient(f.app.db(), &pid)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.title.starts_with(title))
        .unwrap_or_else(|| panic!("no document « {title} »"));
    (pid, doc.id)
}

#[test]
fn a_professional_unmasks_on_an_inactive_record_only_at_the_patients_request() {
    on_both(|backend| async move {
        let f = Fixture::demo(backend).await;
        let doctor = actor(&f.app, DOCTOR, at(0)).await;
        let midwife = actor(&f.app, MIDWIFE, at(0)).await;
        let (joseph, report) =
            first_document(&f, JOSEPH_CAFAT, "Compte rendu d'hospitalisation").await;
        let before = last_seq(&f.app).await;

        f.app
            .set_document_masked(&doctor, &joseph, &report, true, None, at(MINUTE))
            .await
            .unwrap();
        let masking = mds_store::documents::masking(f.app.db(), &report)
            .await
            .unwrap();
        assert_eq!(
            masking,
            Some((Some(doctor.account_id.clone()), true)),
            "{backend:?}"
        );
        // Someone who may not read it: answered as if it did not exist, and nothing changes.
        let refused = f
            .app
            .set_document_masked(&midwife, &joseph, &report, false, None, at(2 * MINUTE))
            .await;
        assert_eq!(outcome(&refused), "not_found", "{backend:?}");
        f.app
            .set_document_masked(&doctor, &joseph, &report, false, None, at(3 * MINUTE))
            .await
            .unwrap();
        let masking = mds_store::documents::masking(f.app.db(), &report)
            .await
            .unwrap();
        assert_eq!(
            masking.map(|(by, _)| by),
            Some(None),
            "{backend:?}: unmasked"
        );
        let events = events_after(&f.app, before).await;
        let unmask = events
            .iter()
            .find(|e| e.action == "document.unmask" && e.outcome == mds_audit::Outcome::Permit)
            .unwrap();
        assert_eq!(
            unmask.rule.as_deref(),
            Some("mask.at_patient_request"),
            "{backend:?}"
        );
        assert!(
            events.iter().any(|e| e.action == "document.unmask"
                && e.outcome == mds_audit::Outcome::Deny
                && e.actor_id.as_deref() == Some(midwife.account_id.as_str())),
            "{backend:?}: the refusal is audited"
        );

        // Marie's record is active: she unmasks from her portal, a professional may not.
        let (marie, consult) = first_document(&f, MARIE_CAFAT, "Consultation de suivi").await;
        f.app
            .set_document_masked(&doctor, &marie, &consult, true, None, at(4 * MINUTE))
            .await
            .unwrap();
        let refused = f
            .app
            .set_document_masked(&doctor, &marie, &consult, false, None, at(5 * MINUTE))
            .await;
        assert_ne!(outcome(&refused), "ok", "{backend:?}");
        let masking = mds_store::documents::masking(f.app.db(), &consult)
            .await
            .unwrap();
        assert_eq!(
            masking.map(|(_, at_request)| at_request),
            Some(true),
            "{backend:?}: still masked"
        );
        assert_chain_intact(&f.app).await;
    });
}
