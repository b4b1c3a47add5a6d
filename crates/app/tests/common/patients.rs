//! Patients for the use-case tests: an identity, a creation by a professional, row counts.
#![allow(dead_code)] // each test binary uses a different subset

use crate::common::HOUR;
use mds_app::patients::NewPatient;
use mds_app::App;
use mds_domain::identity::IdentityInput;

pub const DAY: i64 = 24 * HOUR;

pub fn identity(cafat: &str, name: &str, first: &str, birth: &str, sex: &str) -> IdentityInput {
    IdentityInput {
        cafat: cafat.to_owned(),
        birth_name: name.to_owned(),
        first_names: vec![first.to_owned()],
        birth_date: birth.to_owned(),
        sex: sex.to_owned(),
        birth_place: "98818".to_owned(),
    }
}

pub fn new_patient(identity: IdentityInput) -> NewPatient {
    NewPatient {
        identity,
        email: None,
        phone: Some("25 12 34".to_owned()),
        identity_document_checked: true,
        cafat_card_checked: true,
        consent_signed: true,
        care_team: vec![],
        exclude_creator: false,
        consent_form: Some(b"%PDF-1.4\nconsentement signe\n".to_vec()),
    }
}

pub async fn count(app: &App, table: &str) -> i64 {
    let row: (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    row.0
}

pub async fn patient_id_by_cafat(app: &App, cafat: &str) -> String {
    mds_store::patients::by_cafat(app.db().pool(), cafat)
        .await
        .unwrap()
        .unwrap()
        .id
}
