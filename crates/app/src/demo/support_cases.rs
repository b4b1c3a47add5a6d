//! Demo cases for the support console, so that each of its screens has something to show on
//! first start: a pending self-enrolment with its two scans (small PNG images drawn here), a
//! creation held because of a near-duplicate identity, an inactive account to activate, an
//! inactive account with a care team (to change it, or to record a death), and a record closed
//! on the patient's request (its archive purge date). An erasure request would not stay: the
//! retention job carries it out at its next run. Everything goes through the real use cases, and
//! nothing here touches the demo people the other screens rely on. Idempotent like the rest.

use super::{DemoPatient, DemoReport, DEMO_PASSWORD, SUPPORT_LOGIN};
use crate::patients::creation::NewPatient;
use crate::patients::self_enrolment::SelfEnrolment;
use crate::{Actor, App, AppError};
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountId, AccountKind, AccountState, ReviewStatus, Timestamp};
use mds_store::{accounts, enrolments, patients};

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

fn actor_of(account_id: AccountId, kind: AccountKind, name: &str) -> Result<Actor, AppError> {
    Ok(Actor {
        account_id,
        kind,
        display_name: name.to_owned(),
        session_hash: String::new(),
        software: None,
    })
}

impl App {
    /// Loads the support console's demo cases (after [`App::load_demo`]).
    pub async fn load_demo_support_cases(&self, now: Timestamp) -> Result<DemoReport, AppError> {
        let mut report = DemoReport {
            created: 0,
            already_present: 0,
            logins: Vec::new(),
        };
        for p in CASES {
            self.demo_patient(p, "", now, &mut report).await?;
        }
        self.demo_care_team(&IHAGE_TEAM, now, &mut report).await?;
        self.demo_enrolment(now, &mut report).await?;
        self.demo_review(now, &mut report).await?;
        self.demo_closure(now, &mut report).await?;
        Ok(report)
    }

    async fn demo_actor(&self, login: &str, kind: AccountKind) -> Result<Actor, AppError> {
        let a = accounts::by_login(&self.db, login)
            .await?
            .ok_or(AppError::NotFound)?;
        actor_of(a.id, kind, &a.display_name)
    }

    async fn demo_enrolment(
        &self,
        now: Timestamp,
        report: &mut DemoReport,
    ) -> Result<(), AppError> {
        let pool = &self.db;
        let known = accounts::by_login(pool, ENROLLING_EMAIL).await?.is_some()
            || patients::by_cafat(pool, ENROLLING_CAFAT).await?.is_some();
        if known {
            report.already_present += 1;
            return Ok(());
        }
        let e = SelfEnrolment {
            identity: IdentityInput {
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
        };
        self.submit_self_enrolment(e, None, now).await?;
        report.created += 1;
        Ok(())
    }

    async fn demo_review(&self, now: Timestamp, report: &mut DemoReport) -> Result<(), AppError> {
        let pool = &self.db;
        let candidate = patients::by_cafat(pool, "5678123")
            .await?
            .ok_or(AppError::NotFound)?;
        let mut held = false;
        for status in ReviewStatus::ALL {
            for r in enrolments::reviews_with_status(pool, *status, 1000).await? {
                held |= r.candidate_patient_id.as_ref() == Some(&candidate.id);
            }
        }
        if held || patients::by_cafat(pool, REVIEW_CAFAT).await?.is_some() {
            report.already_present += 1;
            return Ok(());
        }
        let doctor = self
            .demo_actor("dr.nea@demo.mds.nc", AccountKind::Professional)
            .await?;
        let p = NewPatient {
            identity: IdentityInput {
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
            consent_form: Some(card_png([245, 240, 225], [120, 90, 40])),
            ..NewPatient::default()
        };
        self.create_patient(&doctor, p, now).await?;
        report.created += 1;
        Ok(())
    }

    async fn demo_closure(&self, now: Timestamp, report: &mut DemoReport) -> Result<(), AppError> {
        let p = patients::by_cafat(&self.db, CLOSED_CAFAT)
            .await?
            .ok_or(AppError::NotFound)?;
        if p.record_state != AccountState::Inactive {
            report.already_present += 1;
            return Ok(());
        }
        let support = self.demo_actor(SUPPORT_LOGIN, AccountKind::Support).await?;
        self.close_record_for_patient(
            &support,
            &p.id,
            "Courrier de la patiente reçu au guichet (démo)",
            now,
        )
        .await?;
        report.created += 1;
        Ok(())
    }
}

/// A 160 × 100 picture of a card (background, a coloured band, a photo frame and text lines),
/// as a valid PNG: 8-bit RGB, one uncompressed deflate block.
pub(crate) fn card_png(paper: [u8; 3], ink: [u8; 3]) -> Vec<u8> {
    const W: usize = 160;
    const H: usize = 100;
    let grey = [150, 150, 150];
    let mut raw = Vec::with_capacity(H * (1 + 3 * W));
    for y in 0..H {
        raw.push(0); // filter: none
        for x in 0..W {
            let photo = (12..52).contains(&x) && (30..88).contains(&y);
            let line = (64..148).contains(&x)
                && [36, 48, 60, 72].iter().any(|l| (*l..*l + 4).contains(&y));
            let px = if y < 20 || line {
                ink
            } else if photo {
                grey
            } else {
                paper
            };
            raw.extend_from_slice(&px);
        }
    }
    let mut z = vec![0x78, 0x01, 0x01];
    let len = u16::try_from(raw.len()).unwrap_or(u16::MAX);
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&u32::try_from(W).unwrap_or(0).to_be_bytes());
    ihdr.extend_from_slice(&u32::try_from(H).unwrap_or(0).to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        png.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &d in data {
        a = (a + u32::from(d)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &d in data {
        crc ^= u32::from(d);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_reference_values() {
        // Reference values of the standard check string.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn the_card_is_a_png_within_one_stored_block() {
        let png = card_png([255, 255, 255], [0, 0, 0]);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.ends_with(&crc32(b"IEND").to_be_bytes()));
        assert!(png.len() < 65_535 && png.len() > 160 * 100 * 3);
    }
}
