//! Demo cases for the support console, so that each of its screens has something to show on
//! first start: a pending self-enrolment with its two scans (small PNG images drawn here), a
//! creation held because of a near-duplicate identity, an inactive account to activate, an
//! inactive account with a care team (to change it, or to record a death), and a record closed
//! on the patient's request (its archive purge date). An erasure request would not stay: the
//! retention job carries it out at its next run. Everything goes through the real use cases, and
//! nothing here touches the demo people the other screens rely on. Idempotent like the rest.

use crate::data::{DemoPatient, SUPPORT_LOGIN};
use crate::load::{care_team, patient, ORIGIN};
use crate::{drawing::card_png, DemoReport, DEMO_PASSWORD};
use mds_app::operator::seed::Seeder;
use mds_app::patients::creation::NewPatient;
use mds_app::patients::self_enrolment::SelfEnrolment;
use mds_app::{Actor, App, AppError};
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountState, Timestamp};

/// Inactive records created for the support console.
const CASES: &[DemoPatient] = &[
    // Asks for a portal account: support activates it.
    DemoPatient {
        cafat: "4561237",
        birth_name: "Wakaine",
        first_names: &["Lucien"],
        birth_date: "1964-09-12",
        sex: "M",
        birth_place: "98818",
        login: None,
    },
    // No portal account; his family calls support (care team, death).
    DemoPatient {
        cafat: "3219876",
        birth_name: "Ihage",
        first_names: &["Marcel", "Wanesse"],
        birth_date: "1938-04-02",
        sex: "M",
        birth_place: "98822",
        login: None,
    },
    // The existing record a new creation resembles.
    DemoPatient {
        cafat: "5678123",
        birth_name: "Trolue",
        first_names: &["Simone"],
        birth_date: "1971-02-03",
        sex: "F",
        birth_place: "98818",
        login: None,
    },
    // Wrote to support to have her record closed.
    DemoPatient {
        cafat: "2468013",
        birth_name: "Ounou",
        first_names: &["Albertine"],
        birth_date: "1949-12-24",
        sex: "F",
        birth_place: "98811",
        login: None,
    },
];

/// Marcel Ihage's attending physician.
const IHAGE_TEAM: (&str, &str, bool) = ("3219876", "dr.nea@demo.mds.nc", true);

const ENROLLING_EMAIL: &str = "melanie.kapoeri@example.nc";
const ENROLLING_CAFAT: &str = "6612345";
const REVIEW_CAFAT: &str = "5678132";
const CLOSED_CAFAT: &str = "2468013";

/// Loads the support console's demo cases (after [`crate::load`]).
pub async fn load_support_cases(app: &App, now: Timestamp) -> Result<DemoReport, AppError> {
    let seeder = app.seeder(ORIGIN);
    let mut report = DemoReport::default();
    for p in CASES {
        patient(&seeder, p, "", now, &mut report).await?;
    }
    care_team(&seeder, &IHAGE_TEAM, now, &mut report).await?;
    enrolment(app, &seeder, now, &mut report).await?;
    review(app, &seeder, now, &mut report).await?;
    closure(app, &seeder, now, &mut report).await?;
    Ok(report)
}

/// The account of a demo login, to act as.
async fn actor(seeder: &Seeder<'_>, login: &str) -> Result<Actor, AppError> {
    seeder.actor(login).await?.ok_or(AppError::NotFound)
}

async fn enrolment(
    app: &App,
    seeder: &Seeder<'_>,
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let known = seeder.actor(ENROLLING_EMAIL).await?.is_some()
        || seeder.patient_by_cafat(ENROLLING_CAFAT).await?.is_some();
    if known {
        report.already_present += 1;
        return Ok(());
    }
    let e = SelfEnrolment {
        identity: IdentityInput {
            identifier_kind: String::new(),
            cafat: ENROLLING_CAFAT.into(),
            birth_name: "Kapoeri".into(),
            first_names: vec!["Mélanie".into()],
            birth_date: "1995-06-21".into(),
            sex: "F".into(),
            birth_place: "98818".into(),
        },
        email: ENROLLING_EMAIL.into(),
        phone: Some("+687 78 12 34".into()),
        password: format!("{DEMO_PASSWORD}-Kapoeri"),
        identity_document: card_png([214, 226, 240], [31, 78, 140]),
        cafat_card: card_png([226, 240, 222], [36, 110, 60]),
        informed_of_rights: true,
    };
    app.submit_self_enrolment(e, None, now).await?;
    report.created += 1;
    Ok(())
}

async fn review(
    app: &App,
    seeder: &Seeder<'_>,
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let candidate = seeder
        .patient_by_cafat("5678123")
        .await?
        .ok_or(AppError::NotFound)?;
    let held = seeder.review_held_for(&candidate.id).await?;
    if held || seeder.patient_by_cafat(REVIEW_CAFAT).await?.is_some() {
        report.already_present += 1;
        return Ok(());
    }
    let doctor = actor(seeder, "dr.nea@demo.mds.nc").await?;
    let p = NewPatient {
        identity: IdentityInput {
            identifier_kind: String::new(),
            cafat: REVIEW_CAFAT.into(),
            birth_name: "Trollue".into(),
            first_names: vec!["Simone".into()],
            birth_date: "1971-02-03".into(),
            sex: "F".into(),
            birth_place: "98818".into(),
        },
        identity_document_checked: true,
        cafat_card_checked: true,
        consent_signed: true,
        informed_of_rights: true,
        consent_form: Some(card_png([245, 240, 225], [120, 90, 40])),
        ..NewPatient::default()
    };
    app.create_patient(&doctor, p, now).await?;
    report.created += 1;
    Ok(())
}

async fn closure(
    app: &App,
    seeder: &Seeder<'_>,
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let p = seeder
        .patient_by_cafat(CLOSED_CAFAT)
        .await?
        .ok_or(AppError::NotFound)?;
    if p.record_state != AccountState::Inactive {
        report.already_present += 1;
        return Ok(());
    }
    let support = actor(seeder, SUPPORT_LOGIN).await?;
    app.close_record_for_patient(
        &support,
        &p.id,
        "Courrier de la patiente reçu au guichet (démo)",
        now,
    )
    .await?;
    report.created += 1;
    Ok(())
}
