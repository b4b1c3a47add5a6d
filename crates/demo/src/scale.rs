//! The scale dataset of `mds bench seed` (issue 13): N fictional patients with M documents
//! each, written through app's seeding API in batched transactions (every row with its audit
//! event, every document decided like a real deposit). Records have no portal account (their
//! state is `inactive`, as most records created by professionals are); each has a care team of
//! one demo professional who wrote its documents. A sample of records, spread evenly, also has
//! Dr Néa (the benchmarks' doctor) as attending physician and author: the REST scenarios run
//! on those records.
//!
//! Documents are one-page PDFs of 1–5 KB, each sealed in the vault as its own object (durably,
//! like every deposit): the vault of the local backend holds one file per document, which is
//! what bounds the size of a dataset on one disk (`scripts/bench/scale.sh` says how much).

use crate::data::PROFESSIONALS;
use mds_app::operator::seed::{SeedCareTeamMember, SeedDocument, SeedPatient, Seeder};
use mds_app::{App, AppError};
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountId, PatientId, StructureId, Timestamp};
use serde::Serialize;
use std::time::Instant;

/// What to seed.
#[derive(Clone, Debug)]
pub struct ScaleSpec {
    pub patients: u64,
    pub documents_per_patient: u32,
    /// Records where Dr Néa is in the care team (spread evenly; at least one).
    pub sample: u64,
    /// Patients per transaction.
    pub patients_per_batch: u32,
}

/// What was seeded, and how fast.
#[derive(Clone, Debug, Serialize)]
pub struct ScaleReport {
    pub patients: u64,
    pub documents: u64,
    pub seconds: f64,
    pub documents_per_second: f64,
    /// The records of the sample (Dr Néa in their care team).
    pub sample: Vec<PatientId>,
}

/// The origin written in the seeded rows' audit events.
const ORIGIN: &str = "bench-scale";
const DOCTOR: &str = "dr.nea@demo.mds.nc";
const SURNAMES: &[&str] = &[
    "Wéa",
    "Gope",
    "Kaloi",
    "Tein",
    "Wamytan",
    "Néa",
    "Hnawia",
    "Poédi",
    "Ounou",
    "Tiaou",
    "Leroux",
    "Martin",
    "Nguyen",
    "Kasarhérou",
    "Wahéo",
    "Dupont",
    "Hmana",
    "Bouanou",
];
const FIRST_NAMES: &[&str] = &[
    "Marie", "Jean", "Céline", "Paul", "Josépha", "Kévin", "Léa", "Wanessa", "Hugo", "Anaïs",
    "Théo", "Manon", "Yann", "Sarah", "Noé", "Inès",
];
const COMMUNES: &[&str] = &["98818", "98809", "98817", "98811", "98814", "98805"];
const TYPES: &[(&str, &str)] = &[
    ("11488-4", "Compte rendu de consultation"),
    ("57833-6", "Ordonnance"),
    ("11502-2", "Bilan biologique"),
    ("34112-3", "Compte rendu d'hospitalisation"),
    ("87273-9", "Vaccination"),
    ("11506-3", "Suivi de soins infirmiers"),
];

/// Seeds the dataset (the demo data first, idempotent); `progress` is told the number of
/// patients written after each batch.
pub async fn seed_scale(
    app: &App,
    spec: &ScaleSpec,
    now: Timestamp,
    mut progress: impl FnMut(u64),
) -> Result<ScaleReport, AppError> {
    let started = Instant::now();
    crate::load(app, now).await?;
    let seeder = app.seeder(ORIGIN);
    let authors = authors(&seeder).await?;
    let doctor = authors
        .iter()
        .find(|a| a.0 == DOCTOR)
        .map(|a| (a.1.clone(), a.2.clone()))
        .ok_or(AppError::NotFound)?;
    let others: Vec<_> = authors.iter().filter(|a| a.0 != DOCTOR).collect();
    let support = seeder
        .actor(crate::data::SUPPORT_LOGIN)
        .await?
        .ok_or(AppError::NotFound)?
        .account_id;
    let every = (spec.patients / spec.sample.max(1)).max(1);
    let per_batch = u64::from(spec.patients_per_batch.max(1));
    let mut report = ScaleReport {
        patients: 0,
        documents: 0,
        seconds: 0.0,
        documents_per_second: 0.0,
        sample: Vec::new(),
    };
    let mut n = 0;
    while n < spec.patients {
        let mut batch = seeder.batch(now).await?;
        for i in n..(n + per_batch).min(spec.patients) {
            let pid = batch.patient(&patient(i)).await?;
            let other = others[usize::try_from(i).unwrap_or(0) % others.len()];
            let sampled = i.is_multiple_of(every) && (report.sample.len() as u64) < spec.sample;
            let (author, structure) = if sampled {
                doctor.clone()
            } else {
                (other.1.clone(), other.2.clone())
            };
            let mut team = vec![(other.1.clone(), !sampled)];
            if sampled {
                team.push((doctor.0.clone(), true));
            }
            for (pro, attending) in team {
                batch
                    .care_team_member(&SeedCareTeamMember {
                        patient_id: pid.clone(),
                        professional_account_id: pro,
                        attending_physician: attending,
                        added_by: support.clone(),
                    })
                    .await?;
            }
            for j in 0..spec.documents_per_patient {
                let (type_code, title) = TYPES[(i as usize + j as usize) % TYPES.len()];
                let title = format!("{title} n° {}", j + 1);
                let d = SeedDocument {
                    patient_id: pid.clone(),
                    type_code: type_code.to_owned(),
                    content: content(i, j, &title),
                    title,
                    act_date: act_date(i, j),
                    deposited_by: Some((author.clone(), structure.clone())),
                    hidden_from_patient: false,
                };
                batch.document(d).await?;
                report.documents += 1;
            }
            if sampled {
                report.sample.push(pid);
            }
            report.patients += 1;
        }
        batch.commit().await?;
        n = (n + per_batch).min(spec.patients);
        progress(n);
    }
    report.seconds = started.elapsed().as_secs_f64();
    report.documents_per_second = report.documents as f64 / report.seconds.max(1e-9);
    Ok(report)
}

/// The demo professionals who write documents: login, account, first structure.
async fn authors(
    seeder: &Seeder<'_>,
) -> Result<Vec<(&'static str, AccountId, StructureId)>, AppError> {
    let mut out = Vec::new();
    for p in PROFESSIONALS {
        let (Some(actor), Some(ridet)) = (seeder.actor(p.login).await?, p.structures.first())
        else {
            continue;
        };
        let Some(structure) = seeder.structure_by_ridet(ridet).await? else {
            continue;
        };
        out.push((p.login, actor.account_id, structure));
    }
    if out.len() < 2 {
        return Err(AppError::NotFound);
    }
    Ok(out)
}

/// A one-page PDF of 1–5 KB (about 1 KB of structure and 0–4 KB of text), unique to its
/// record and rank.
fn content(i: u64, j: u32, title: &str) -> Vec<u8> {
    let lines = 1 + (i + u64::from(j) * 13) % 60;
    let body: String = (0..lines)
        .map(|l| format!("Observation {i}.{j}.{l} : examen sans particularité, suivi habituel.\n"))
        .collect();
    crate::drawing::minimal_pdf(title, &body)
}

/// Distinct birth dates of the seeded records: 90 years of 12 months of 28 days.
const DATES: u64 = 90 * 12 * 28;
/// Distinct (birth name, first name, sex, birth place) combinations.
const NAMES: u64 = 18 * 16 * 2 * 6;

/// The `i`-th seeded record. Its identity is distinct from every other seeded record's for
/// `i` below `DATES × NAMES` (about 104 million), as the identity's uniqueness constraint
/// requires: `i` is written in mixed radix, the birth date from `d = i mod DATES` and the
/// names from `c = (i / DATES + d) mod NAMES` — `d` and `c` give `i` back, so no two records
/// share both (the shift by `d` only spreads the names over the low ranks).
fn patient(i: u64) -> SeedPatient {
    let d = i % DATES;
    let c = (i / DATES + d) % NAMES;
    let pick = |list: &[&'static str], radix: u64| list[((c / radix) % list.len() as u64) as usize];
    let year = 1930 + d % 90;
    let month = 1 + (d / 90) % 12;
    let day = 1 + d / 1080;
    SeedPatient {
        identity: IdentityInput {
            identifier_kind: String::new(),
            // Eight digits, apart from the demo's six- and seven-digit numbers.
            cafat: format!("{}", 80_000_000 + i),
            birth_name: pick(SURNAMES, 1).to_owned(),
            first_names: vec![pick(FIRST_NAMES, 18).to_owned()],
            birth_date: format!("{year:04}-{month:02}-{day:02}"),
            sex: if (c / 288).is_multiple_of(2) {
                "F"
            } else {
                "M"
            }
            .to_owned(),
            birth_place: pick(COMMUNES, 576).to_owned(),
        },
        account_id: None,
        email: None,
    }
}

fn act_date(i: u64, j: u32) -> String {
    let days = (i * 7 + u64::from(j) * 37) % 3650;
    let year = 2016 + days / 365;
    let month = 1 + (days % 365) / 31 % 12;
    let day = 1 + days % 28;
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn key(p: &SeedPatient) -> (String, Vec<String>, String, String, String) {
        let id = &p.identity;
        (
            id.birth_name.clone(),
            id.first_names.clone(),
            id.birth_date.clone(),
            id.sex.clone(),
            id.birth_place.clone(),
        )
    }

    #[test]
    fn the_lists_give_the_radices() {
        assert_eq!(
            NAMES,
            (SURNAMES.len() * FIRST_NAMES.len() * 2 * COMMUNES.len()) as u64
        );
    }

    /// The identity's uniqueness constraint refused the 30,241st record of the first seeder
    /// (its names and date repeated every 30,240): the 300,000 records, and more, are
    /// distinct from each other and from the demo's patients.
    #[test]
    fn seeded_identities_are_distinct_beyond_the_scale_run() {
        let mut seen: HashSet<_> = crate::data::PATIENTS
            .iter()
            .map(|p| {
                (
                    p.birth_name.to_owned(),
                    p.first_names.iter().map(|s| (*s).to_owned()).collect(),
                    p.birth_date.to_owned(),
                    p.sex.to_owned(),
                    p.birth_place.to_owned(),
                )
            })
            .collect();
        let demo = seen.len();
        for i in 0..400_000 {
            assert!(
                seen.insert(key(&patient(i))),
                "record {i} repeats an identity"
            );
        }
        assert_eq!(seen.len(), demo + 400_000);
        // Past the first cycle of dates the names change.
        assert_ne!(key(&patient(0)), key(&patient(DATES)));
        assert_eq!(
            patient(0).identity.birth_date,
            patient(DATES).identity.birth_date
        );
    }
}
