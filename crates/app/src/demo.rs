//! Fictional but realistic New Caledonian demo data: structures in Nouméa, Koné and
//! Mont-Dore, professionals of several professions (with a SAMU regulator and an assistant),
//! a support agent, patients (active and inactive accounts) and documents of several types.
//! Loading is idempotent: every item is looked up by its natural key first.
//!
//! Demo accounts share one password and have fixed TOTP secrets (printed at load, and
//! `mds demo code LOGIN` prints the current code) — fine for a demonstration, never for real
//! accounts, which enrol their own secret.

use crate::record::deposit::Deposit;
use crate::secrets::hash_password;
use crate::{App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{
    AccountId, AccountKind, AccountState, DepositorKind, DocumentSource, IdentityStatus, PatientId,
    StructureId, Timestamp,
};
use mds_store::{accounts, care_team, directory, documents, new_id, patients};
use serde::Serialize;
use sha2::{Digest, Sha256};

mod support_cases;

pub const DEMO_PASSWORD: &str = "Demo-MDS-2026";

struct DemoStructure {
    ridet: &'static str,
    name: &'static str,
    kind: &'static str,
    commune: &'static str,
}

const STRUCTURES: &[DemoStructure] = &[
    DemoStructure {
        ridet: "0900001.001",
        name: "Centre hospitalier territorial de Nouméa (démo)",
        kind: "hospital",
        commune: "98818",
    },
    DemoStructure {
        ridet: "0900002.001",
        name: "Dispensaire provincial de Koné (démo)",
        kind: "dispensary",
        commune: "98811",
    },
    DemoStructure {
        ridet: "0900003.001",
        name: "Pharmacie de l'Anse-Vata (démo)",
        kind: "pharmacy",
        commune: "98818",
    },
    DemoStructure {
        ridet: "0900004.001",
        name: "Laboratoire de biologie médicale du Mont-Dore (démo)",
        kind: "laboratory",
        commune: "98817",
    },
    DemoStructure {
        ridet: "0900005.001",
        name: "SAMU 988 — centre de régulation (démo)",
        kind: "samu",
        commune: "98818",
    },
];

struct DemoPro {
    login: &'static str,
    first: &'static str,
    last: &'static str,
    profession: &'static str,
    professional_id: &'static str,
    structures: &'static [&'static str],
    samu: bool,
}

const PROFESSIONALS: &[DemoPro] = &[
    DemoPro {
        login: "dr.nea@demo.mds.nc",
        first: "Jean",
        last: "Néa",
        profession: "medecin",
        professional_id: "10100000001",
        structures: &["0900001.001"],
        samu: false,
    },
    DemoPro {
        login: "dr.wamytan@demo.mds.nc",
        first: "Sarah",
        last: "Wamytan",
        profession: "medecin",
        professional_id: "10100000002",
        structures: &["0900005.001", "0900001.001"],
        samu: true,
    },
    DemoPro {
        login: "inf.kaloi@demo.mds.nc",
        first: "Paul",
        last: "Kaloï",
        profession: "infirmier",
        professional_id: "10100000003",
        structures: &["0900002.001"],
        samu: false,
    },
    DemoPro {
        login: "sf.gope@demo.mds.nc",
        first: "Annie",
        last: "Gopé",
        profession: "sage_femme",
        professional_id: "10100000004",
        structures: &["0900002.001"],
        samu: false,
    },
    DemoPro {
        login: "ph.leroux@demo.mds.nc",
        first: "Claire",
        last: "Leroux",
        profession: "pharmacien",
        professional_id: "10100000005",
        structures: &["0900003.001"],
        samu: false,
    },
    DemoPro {
        login: "bio.tein@demo.mds.nc",
        first: "Hélène",
        last: "Tein",
        profession: "pharmacien",
        professional_id: "10100000006",
        structures: &["0900004.001"],
        samu: false,
    },
    DemoPro {
        login: "psy.hnawia@demo.mds.nc",
        first: "Léa",
        last: "Hnawia",
        profession: "psychologue",
        professional_id: "10100000007",
        structures: &["0900001.001"],
        samu: false,
    },
];

const ASSISTANT_LOGIN: &str = "sec.tiaou@demo.mds.nc";
const SUPPORT_LOGIN: &str = "support@demo.mds.nc";

struct DemoPatient {
    cafat: &'static str,
    birth_name: &'static str,
    first_names: &'static [&'static str],
    birth_date: &'static str,
    sex: &'static str,
    birth_place: &'static str,
    /// Portal login for active accounts; `None` for an inactive account.
    login: Option<&'static str>,
}

const PATIENTS: &[DemoPatient] = &[
    DemoPatient {
        cafat: "1234567",
        birth_name: "Wéa",
        first_names: &["Marie", "Josépha"],
        birth_date: "1985-03-14",
        sex: "F",
        birth_place: "98814",
        login: Some("marie.wea@demo.mds.nc"),
    },
    DemoPatient {
        cafat: "2345678",
        birth_name: "Dupont-Kasarhérou",
        first_names: &["Céline"],
        birth_date: "1990-11-30",
        sex: "F",
        birth_place: "75056",
        login: Some("celine.dk@demo.mds.nc"),
    },
    DemoPatient {
        cafat: "7654321",
        birth_name: "Poigoune",
        first_names: &["Joseph", "Emile"],
        birth_date: "1952-07-02",
        sex: "M",
        birth_place: "98822",
        login: None,
    },
    DemoPatient {
        cafat: "345678",
        birth_name: "Tuifua",
        first_names: &["Tevita"],
        birth_date: "1978-01-20",
        sex: "M",
        birth_place: "98613",
        login: None,
    },
];

struct DemoDoc {
    patient_cafat: &'static str,
    author_login: &'static str,
    structure_ridet: &'static str,
    type_code: &'static str,
    title: &'static str,
    act_date: &'static str,
    hidden_from_patient: bool,
    body: &'static str,
    pdf: bool,
}

const DOCUMENTS: &[DemoDoc] = &[
    DemoDoc { patient_cafat: "1234567", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "11488-4", title: "Consultation de suivi — hypertension", act_date: "2026-10-02", hidden_from_patient: false, body: "Patiente vue en consultation de suivi.\nTension artérielle 128/82 sous traitement.\nPoursuite du traitement, contrôle dans 3 mois.", pdf: true },
    DemoDoc { patient_cafat: "1234567", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "57833-6", title: "Ordonnance — traitement antihypertenseur", act_date: "2026-10-02", hidden_from_patient: false, body: "Amlodipine 5 mg : 1 comprimé le matin, 3 mois.", pdf: false },
    DemoDoc { patient_cafat: "1234567", author_login: "bio.tein@demo.mds.nc", structure_ridet: "0900004.001", type_code: "11502-2", title: "Bilan biologique — ionogramme, créatinine", act_date: "2026-09-28", hidden_from_patient: false, body: "Sodium 140 mmol/L ; potassium 4,1 mmol/L ; créatinine 68 µmol/L.", pdf: false },
    DemoDoc { patient_cafat: "1234567", author_login: "ph.leroux@demo.mds.nc", structure_ridet: "0900003.001", type_code: "60593-1", title: "Dispensation — amlodipine", act_date: "2026-10-03", hidden_from_patient: false, body: "Délivrance : amlodipine 5 mg, boîte de 30.", pdf: false },
    DemoDoc { patient_cafat: "2345678", author_login: "sf.gope@demo.mds.nc", structure_ridet: "0900002.001", type_code: "11488-4", title: "Consultation prénatale — 3e mois", act_date: "2026-11-10", hidden_from_patient: false, body: "Grossesse évolutive, échographie du premier trimestre prescrite.", pdf: false },
    DemoDoc { patient_cafat: "2345678", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "60568-3", title: "Compte rendu d'anatomo-cytopathologie", act_date: "2026-11-15", hidden_from_patient: true, body: "Résultat à remettre lors d'une consultation d'annonce.", pdf: false },
    DemoDoc { patient_cafat: "7654321", author_login: "dr.nea@demo.mds.nc", structure_ridet: "0900001.001", type_code: "34112-3", title: "Compte rendu d'hospitalisation — pneumopathie", act_date: "2026-08-21", hidden_from_patient: false, body: "Hospitalisation du 14 au 21 août pour pneumopathie communautaire. Évolution favorable sous antibiothérapie.", pdf: true },
    DemoDoc { patient_cafat: "7654321", author_login: "inf.kaloi@demo.mds.nc", structure_ridet: "0900002.001", type_code: "87273-9", title: "Vaccination antigrippale", act_date: "2026-05-06", hidden_from_patient: false, body: "Vaccin antigrippal saisonnier administré au dispensaire de Koné.", pdf: false },
    DemoDoc { patient_cafat: "345678", author_login: "inf.kaloi@demo.mds.nc", structure_ridet: "0900002.001", type_code: "11506-3", title: "Suivi de soins infirmiers — pansement", act_date: "2026-11-18", hidden_from_patient: false, body: "Réfection de pansement, plaie propre.", pdf: false },
];

/// A care-team membership: (patient CAFAT number, professional login, attending physician).
const CARE_TEAMS: &[(&str, &str, bool)] = &[
    ("1234567", "dr.nea@demo.mds.nc", true),
    ("1234567", "ph.leroux@demo.mds.nc", false),
    ("2345678", "sf.gope@demo.mds.nc", false),
    ("7654321", "dr.nea@demo.mds.nc", true),
    ("7654321", "inf.kaloi@demo.mds.nc", false),
    ("345678", "inf.kaloi@demo.mds.nc", false),
];

/// One demo login, as printed for the person trying the service.
#[derive(Clone, Debug, Serialize)]
pub struct DemoLogin {
    pub login: String,
    pub role: String,
    pub totp_secret: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DemoReport {
    pub created: u64,
    pub already_present: u64,
    pub logins: Vec<DemoLogin>,
}

/// The fixed TOTP secret of a demo login (derived from the login, so it is stable across
/// machines and reloads).
pub fn demo_totp_secret(login: &str) -> String {
    let digest = Sha256::digest(format!("mon-drive-sante-demo:{login}").as_bytes());
    data_encoding::BASE32_NOPAD.encode(&digest[..20])
}

/// Whether a login belongs to the demo data (only those have derivable secrets).
pub fn is_demo_login(login: &str) -> bool {
    login.ends_with("@demo.mds.nc")
}

impl App {
    /// The record of the first demo patient (Marie Wéa), when the demo data is loaded.
    pub async fn demo_patient_id(&self) -> Result<Option<PatientId>, AppError> {
        Ok(patients::by_cafat(&self.db, PATIENTS[0].cafat)
            .await?
            .map(|p| p.id))
    }

    pub async fn load_demo(&self, now: Timestamp) -> Result<DemoReport, AppError> {
        let mut report = DemoReport {
            created: 0,
            already_present: 0,
            logins: Vec::new(),
        };
        let password_hash = hash_password(DEMO_PASSWORD)?;
        for s in STRUCTURES {
            if directory::structure_by_ridet(&self.db, s.ridet)
                .await?
                .is_some()
            {
                report.already_present += 1;
                continue;
            }
            let row = directory::StructureRow {
                id: StructureId::from_uuid_text(new_id()),
                name: s.name.into(),
                ridet: s.ridet.into(),
                kind: s.kind.into(),
                commune: s.commune.into(),
                created_at_ms: now.millis(),
            };
            let mut tx = self.db.begin().await?;
            directory::insert_structure(&mut tx, &row).await?;
            demo_event(
                &mut tx,
                "directory.structure.create",
                serde_json::json!({ "structure_id": row.id }),
                now,
            )
            .await?;
            tx.commit().await?;
            report.created += 1;
        }
        self.demo_account(
            SUPPORT_LOGIN,
            AccountKind::Support,
            "Agent du support MDS",
            &password_hash,
            now,
            &mut report,
        )
        .await?;
        for p in PROFESSIONALS {
            self.demo_professional(p, &password_hash, now, &mut report)
                .await?;
        }
        self.demo_assistant(&password_hash, now, &mut report)
            .await?;
        for p in PATIENTS {
            self.demo_patient(p, &password_hash, now, &mut report)
                .await?;
        }
        for d in DOCUMENTS {
            self.demo_document(d, now, &mut report).await?;
        }
        for m in CARE_TEAMS {
            self.demo_care_team(m, now, &mut report).await?;
        }
        Ok(report)
    }

    async fn demo_account(
        &self,
        login: &str,
        kind: AccountKind,
        display: &str,
        password_hash: &str,
        now: Timestamp,
        report: &mut DemoReport,
    ) -> Result<(AccountId, bool), AppError> {
        report.logins.push(DemoLogin {
            login: login.into(),
            role: display.into(),
            totp_secret: demo_totp_secret(login),
        });
        if let Some(a) = accounts::by_login(&self.db, login).await? {
            report.already_present += 1;
            return Ok((a.id, false));
        }
        let row = accounts::AccountRow {
            id: AccountId::from_uuid_text(new_id()),
            kind,
            login: login.into(),
            display_name: display.into(),
            email: Some(login.into()),
            password_hash: Some(password_hash.into()),
            totp_secret: Some(demo_totp_secret(login)),
            totp_confirmed: true,
            totp_last_step: 0,
            state: AccountState::Active,
            created_at_ms: now.millis(),
            updated_at_ms: now.millis(),
        };
        accounts::insert(&self.db, &row).await?;
        report.created += 1;
        Ok((row.id, true))
    }

    async fn demo_professional(
        &self,
        p: &DemoPro,
        password_hash: &str,
        now: Timestamp,
        report: &mut DemoReport,
    ) -> Result<(), AppError> {
        let label =
            mds_domain::Profession::from_slug(p.profession).map_or(p.profession, |x| x.label_fr());
        let role = if p.samu {
            format!("{label}, régulateur SAMU")
        } else {
            label.to_owned()
        };
        let display = format!("{} {}", p.first, p.last);
        let (id, fresh) = self
            .demo_account(
                p.login,
                AccountKind::Professional,
                &display,
                password_hash,
                now,
                report,
            )
            .await?;
        if let Some(last) = report.logins.last_mut() {
            last.role = format!("{display} — {role}");
        }
        if !fresh && directory::professional(&self.db, &id).await?.is_some() {
            return Ok(());
        }
        let mut structure_ids = Vec::new();
        for ridet in p.structures {
            let s = directory::structure_by_ridet(&self.db, ridet)
                .await?
                .ok_or(AppError::NotFound)?;
            structure_ids.push(s.id);
        }
        let row = directory::ProfessionalRow {
            account_id: id,
            professional_id: p.professional_id.into(),
            first_name: p.first.into(),
            last_name: p.last.into(),
            profession: mds_domain::Profession::from_slug(p.profession)
                .ok_or_else(|| AppError::Internal(format!("demo profession {}", p.profession)))?,
            samu_regulator: p.samu,
            state: AccountState::Active,
            structure_ids,
        };
        let mut tx = self.db.begin().await?;
        directory::insert_professional(&mut tx, &row).await?;
        demo_event(
            &mut tx,
            "directory.professional.create",
            serde_json::json!({ "account_id": row.account_id }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn demo_assistant(
        &self,
        password_hash: &str,
        now: Timestamp,
        report: &mut DemoReport,
    ) -> Result<(), AppError> {
        let (id, _) = self
            .demo_account(
                ASSISTANT_LOGIN,
                AccountKind::Assistant,
                "Rose Tiaou — secrétaire médicale du Dr Néa",
                password_hash,
                now,
                report,
            )
            .await?;
        if directory::assistant(&self.db, &id).await?.is_some() {
            return Ok(());
        }
        let pro = accounts::by_login(&self.db, "dr.nea@demo.mds.nc")
            .await?
            .ok_or(AppError::NotFound)?;
        let row = directory::AssistantRow {
            account_id: id,
            professional_account_id: pro.id,
            first_name: "Rose".into(),
            last_name: "Tiaou".into(),
        };
        directory::insert_assistant(&self.db, &row).await?;
        Ok(())
    }

    async fn demo_patient(
        &self,
        p: &DemoPatient,
        password_hash: &str,
        now: Timestamp,
        report: &mut DemoReport,
    ) -> Result<(), AppError> {
        let account_id = match p.login {
            Some(login) => {
                let display = format!("{} {}", p.first_names[0], p.birth_name);
                let (id, _) = self
                    .demo_account(
                        login,
                        AccountKind::Patient,
                        &display,
                        password_hash,
                        now,
                        report,
                    )
                    .await?;
                if let Some(last) = report.logins.last_mut() {
                    last.role = format!(
                        "{display} — {} (compte actif)",
                        if p.sex == "F" { "patiente" } else { "patient" }
                    );
                }
                Some(id)
            }
            None => None,
        };
        if patients::by_cafat(&self.db, p.cafat).await?.is_some() {
            report.already_present += 1;
            return Ok(());
        }
        let row = patients::PatientRow {
            id: PatientId::from_uuid_text(new_id()),
            account_id,
            cafat_number: p.cafat.into(),
            birth_name: p.birth_name.into(),
            birth_name_norm: fold(p.birth_name),
            first_names: serde_json::to_string(p.first_names)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            first_names_norm: p
                .first_names
                .iter()
                .map(|n| fold(n))
                .collect::<Vec<_>>()
                .join(" "),
            birth_date: p.birth_date.into(),
            sex: p.sex.into(),
            birth_place: p.birth_place.into(),
            identity_status: IdentityStatus::Validated,
            validated_by: None,
            validated_how: Some("in_person".into()),
            validated_at_ms: Some(now.millis()),
            record_state: if p.login.is_some() {
                AccountState::Active
            } else {
                AccountState::Inactive
            },
            email: p.login.map(str::to_owned),
            phone: None,
            died_on: None,
            created_at_ms: now.millis(),
        };
        let mut tx = self.db.begin().await?;
        patients::insert(&mut tx, &row).await?;
        let ev = NewEvent {
            patient_id: Some(row.id.to_string()),
            ..NewEvent::new(ActorKind::System, "patient.create", Outcome::Success)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        report.created += 1;
        Ok(())
    }

    async fn demo_document(
        &self,
        d: &DemoDoc,
        now: Timestamp,
        report: &mut DemoReport,
    ) -> Result<(), AppError> {
        let patient = patients::by_cafat(&self.db, d.patient_cafat)
            .await?
            .ok_or(AppError::NotFound)?;
        let content = if d.pdf {
            minimal_pdf(d.title, d.body)
        } else {
            format!("{}\n\n{}\n", d.title, d.body).into_bytes()
        };
        let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(&content));
        let existing = documents::current_for_patient(&self.db, &patient.id).await?;
        if existing.iter().any(|e| e.sha256 == sha) {
            report.already_present += 1;
            return Ok(());
        }
        let author = accounts::by_login(&self.db, d.author_login)
            .await?
            .ok_or(AppError::NotFound)?;
        let structure = directory::structure_by_ridet(&self.db, d.structure_ridet)
            .await?
            .ok_or(AppError::NotFound)?;
        let deposit = Deposit {
            patient_id: patient.id,
            type_code: d.type_code.into(),
            title: d.title.into(),
            act_date: d.act_date.into(),
            author_account_id: Some(author.id.clone()),
            author_structure_id: Some(structure.id.clone()),
            depositor_account_id: Some(author.id.clone()),
            depositor_kind: DepositorKind::Professional,
            source: DocumentSource::Professional,
            confidential: false,
            hidden_from_patient: d.hidden_from_patient,
            content,
        };
        let ev = NewEvent {
            actor_id: Some(author.id.to_string()),
            structure_id: Some(structure.id.to_string()),
            detail: serde_json::json!({ "demo": true }),
            ..NewEvent::new(ActorKind::Professional, "document.add", Outcome::Success)
        };
        self.store_document(deposit, ev, now).await?;
        report.created += 1;
        Ok(())
    }
}

impl App {
    /// Puts a professional in a demo patient's care team (chosen by the patient, or by
    /// support for an inactive account), once.
    async fn demo_care_team(
        &self,
        (cafat, login, attending): &(&str, &str, bool),
        now: Timestamp,
        report: &mut DemoReport,
    ) -> Result<(), AppError> {
        let patient = patients::by_cafat(&self.db, cafat)
            .await?
            .ok_or(AppError::NotFound)?;
        let pro = accounts::by_login(&self.db, login)
            .await?
            .ok_or(AppError::NotFound)?;
        let added_by = match &patient.account_id {
            Some(a) => a.clone(),
            None => {
                accounts::by_login(&self.db, SUPPORT_LOGIN)
                    .await?
                    .ok_or(AppError::NotFound)?
                    .id
            }
        };
        let mut tx = self.db.begin().await?;
        let member = care_team::CareTeamMember {
            patient_id: patient.id.clone(),
            professional_account_id: pro.id.clone(),
            attending_physician: false,
            added_by,
            added_at_ms: now.millis(),
        };
        if !care_team::add(&mut tx, &member).await? {
            report.already_present += 1;
            return Ok(());
        }
        if *attending {
            care_team::set_attending(&mut tx, &patient.id, Some(&pro.id)).await?;
        }
        let ev = NewEvent {
            patient_id: Some(patient.id.to_string()),
            detail: serde_json::json!({ "professional_account_id": pro.id, "attending_physician": attending, "demo": true }),
            ..NewEvent::new(ActorKind::System, "care_team.add", Outcome::Success)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        report.created += 1;
        Ok(())
    }
}

async fn demo_event(
    tx: &mut mds_store::Tx,
    action: &str,
    detail: serde_json::Value,
    now: Timestamp,
) -> Result<(), AppError> {
    let ev = NewEvent {
        detail,
        ..NewEvent::new(ActorKind::System, action, Outcome::Success)
    };
    mds_audit::append(tx, ev, now.millis()).await?;
    Ok(())
}

/// Upper-case ASCII folding of the demo names (the real normalisation lives in
/// `mds_domain::identity` and is used by patient creation).
fn fold(name: &str) -> String {
    mds_domain::identity::BirthName::parse(name)
        .map(|n| n.normalized().to_owned())
        .unwrap_or_else(|_| name.to_uppercase())
}

/// A one-page PDF with the title and body as text (Helvetica, WinAnsi encoding), with a
/// correct cross-reference table so that viewers open it without repair.
pub fn minimal_pdf(title: &str, body: &str) -> Vec<u8> {
    let esc = |s: &str| -> Vec<u8> {
        let mut out = Vec::new();
        for c in s.chars() {
            match c {
                '(' | ')' | '\\' => {
                    out.push(b'\\');
                    out.push(c as u8);
                }
                c if (c as u32) < 0x80 => out.push(c as u8),
                // Latin-1 range maps to the same WinAnsi code points for French letters.
                c if (c as u32) <= 0xff => out.push(c as u32 as u8),
                _ => out.push(b'?'),
            }
        }
        out
    };
    let mut stream = b"BT /F1 16 Tf 56 780 Td (".to_vec();
    stream.extend(esc(title));
    stream.extend(b") Tj /F1 11 Tf 0 -28 Td 14 TL".as_slice());
    for line in body.lines() {
        stream.extend(b" (".as_slice());
        stream.extend(esc(line));
        stream.extend(b") ' ".as_slice());
    }
    stream.extend(b" ET".as_slice());
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes(), stream, b"\nendstream".to_vec()].concat(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        pdf.extend(obj);
        pdf.extend(b"\nendobj\n".as_slice());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    pdf
}
