//! Loading the demo people, structures, records, documents and care teams through the seeding
//! API: each item is looked up by its natural key, and seeded (with its audit event) only if
//! absent, in a batch of its own.

use crate::data::{
    DemoDoc, DemoPatient, DemoPro, ASSISTANT_LOGIN, CARE_TEAMS, DOCUMENTS, PATIENTS, PROFESSIONALS,
    STRUCTURES, SUPPORT_LOGIN,
};
use crate::{demo_totp_secret, drawing, DemoLogin, DemoReport, DEMO_PASSWORD};
use mds_app::operator::directory::{AssistantRow, NewStructure, ProfessionalRow};
use mds_app::operator::seed::{SeedAccount, SeedCareTeamMember, SeedDocument, SeedPatient, Seeder};
use mds_app::{App, AppError};
use mds_domain::identity::IdentityInput;
use mds_domain::{AccountId, AccountKind, AccountState, Profession, Timestamp};
use sha2::{Digest, Sha256};

/// The origin written in the audit events of the demo data.
pub(crate) const ORIGIN: &str = "demo";

/// Loads the demo data (idempotent); the report lists every demo login.
pub async fn load(app: &App, now: Timestamp) -> Result<DemoReport, AppError> {
    let seeder = app.seeder(ORIGIN);
    let mut report = DemoReport::default();
    let password_hash = mds_app::secrets::hash_password(DEMO_PASSWORD)?;
    for s in STRUCTURES {
        if seeder.structure_by_ridet(s.ridet).await?.is_some() {
            report.already_present += 1;
            continue;
        }
        let mut batch = seeder.batch(now).await?;
        batch
            .structure(&NewStructure {
                name: s.name.into(),
                ridet: s.ridet.into(),
                kind: s.kind.into(),
                commune: s.commune.into(),
            })
            .await?;
        batch.commit().await?;
        report.created += 1;
    }
    account(
        &seeder,
        SUPPORT_LOGIN,
        AccountKind::Support,
        "Agent du support MDS",
        &password_hash,
        now,
        &mut report,
    )
    .await?;
    for p in PROFESSIONALS {
        professional(&seeder, p, &password_hash, now, &mut report).await?;
    }
    assistant(&seeder, &password_hash, now, &mut report).await?;
    for p in PATIENTS {
        patient(&seeder, p, &password_hash, now, &mut report).await?;
    }
    for d in DOCUMENTS {
        document(&seeder, d, now, &mut report).await?;
    }
    for m in CARE_TEAMS {
        care_team(&seeder, m, now, &mut report).await?;
    }
    Ok(report)
}

/// A demo account (listed in the report); `true` when it was created now.
async fn account(
    seeder: &Seeder<'_>,
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
    if let Some(a) = seeder.actor(login).await? {
        report.already_present += 1;
        return Ok((a.account_id, false));
    }
    let mut batch = seeder.batch(now).await?;
    let id = batch
        .account(&SeedAccount {
            login: login.into(),
            kind,
            display_name: display.into(),
            email: Some(login.into()),
            password_hash: password_hash.into(),
            totp_secret: demo_totp_secret(login),
        })
        .await?;
    batch.commit().await?;
    report.created += 1;
    Ok((id, true))
}

async fn professional(
    seeder: &Seeder<'_>,
    p: &DemoPro,
    password_hash: &str,
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let profession = Profession::from_slug(p.profession)
        .ok_or_else(|| AppError::Internal(format!("demo profession {}", p.profession)))?;
    let label = profession.label_fr();
    let role = if p.samu {
        format!("{label}, régulateur SAMU")
    } else {
        label.to_owned()
    };
    let display = format!("{} {}", p.first, p.last);
    let (id, fresh) = account(
        seeder,
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
    if !fresh && seeder.is_professional(&id).await? {
        return Ok(());
    }
    let mut structure_ids = Vec::new();
    for ridet in p.structures {
        let s = seeder
            .structure_by_ridet(ridet)
            .await?
            .ok_or(AppError::NotFound)?;
        structure_ids.push(s);
    }
    let mut batch = seeder.batch(now).await?;
    batch
        .professional(&ProfessionalRow {
            account_id: id,
            professional_id: p.professional_id.into(),
            first_name: p.first.into(),
            last_name: p.last.into(),
            profession,
            samu_regulator: p.samu,
            state: AccountState::Active,
            structure_ids,
        })
        .await?;
    batch.commit().await
}

async fn assistant(
    seeder: &Seeder<'_>,
    password_hash: &str,
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let (id, _) = account(
        seeder,
        ASSISTANT_LOGIN,
        AccountKind::Assistant,
        "Rose Tiaou — secrétaire médicale du Dr Néa",
        password_hash,
        now,
        report,
    )
    .await?;
    if seeder.is_assistant(&id).await? {
        return Ok(());
    }
    let pro = seeder
        .actor("dr.nea@demo.mds.nc")
        .await?
        .ok_or(AppError::NotFound)?;
    let mut batch = seeder.batch(now).await?;
    batch
        .assistant(&AssistantRow {
            account_id: id,
            professional_account_id: pro.account_id,
            first_name: "Rose".into(),
            last_name: "Tiaou".into(),
        })
        .await?;
    batch.commit().await
}

/// A demo record, with its portal account when it has a login.
pub(crate) async fn patient(
    seeder: &Seeder<'_>,
    p: &DemoPatient,
    password_hash: &str,
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let account_id = match p.login {
        Some(login) => {
            let display = format!("{} {}", p.first_names[0], p.birth_name);
            let (id, _) = account(
                seeder,
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
    if seeder.patient_by_cafat(p.cafat).await?.is_some() {
        report.already_present += 1;
        return Ok(());
    }
    let mut batch = seeder.batch(now).await?;
    batch
        .patient(&SeedPatient {
            identity: IdentityInput {
                identifier_kind: String::new(),
                cafat: p.cafat.into(),
                birth_name: p.birth_name.into(),
                first_names: p.first_names.iter().map(|n| (*n).to_owned()).collect(),
                birth_date: p.birth_date.into(),
                sex: p.sex.into(),
                birth_place: p.birth_place.into(),
            },
            account_id,
            email: p.login.map(str::to_owned),
        })
        .await?;
    batch.commit().await?;
    report.created += 1;
    Ok(())
}

async fn document(
    seeder: &Seeder<'_>,
    d: &DemoDoc,
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let patient = seeder
        .patient_by_cafat(d.patient_cafat)
        .await?
        .ok_or(AppError::NotFound)?;
    let content = if d.pdf {
        drawing::minimal_pdf(d.title, d.body)
    } else {
        format!("{}\n\n{}\n", d.title, d.body).into_bytes()
    };
    let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(&content));
    if seeder.document_digests(&patient.id).await?.contains(&sha) {
        report.already_present += 1;
        return Ok(());
    }
    let author = seeder
        .actor(d.author_login)
        .await?
        .ok_or(AppError::NotFound)?;
    let structure = seeder
        .structure_by_ridet(d.structure_ridet)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut batch = seeder.batch(now).await?;
    batch
        .document(SeedDocument {
            patient_id: patient.id,
            type_code: d.type_code.into(),
            title: d.title.into(),
            act_date: d.act_date.into(),
            deposited_by: Some((author.account_id, structure)),
            hidden_from_patient: d.hidden_from_patient,
            content,
        })
        .await?;
    batch.commit().await?;
    report.created += 1;
    Ok(())
}

/// Puts a professional in a demo patient's care team (chosen by the patient, or by support
/// for an inactive account), once.
pub(crate) async fn care_team(
    seeder: &Seeder<'_>,
    (cafat, login, attending): &(&str, &str, bool),
    now: Timestamp,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let patient = seeder
        .patient_by_cafat(cafat)
        .await?
        .ok_or(AppError::NotFound)?;
    let pro = seeder.actor(login).await?.ok_or(AppError::NotFound)?;
    let added_by = match patient.account_id {
        Some(a) => a,
        None => {
            seeder
                .actor(SUPPORT_LOGIN)
                .await?
                .ok_or(AppError::NotFound)?
                .account_id
        }
    };
    let mut batch = seeder.batch(now).await?;
    let added = batch
        .care_team_member(&SeedCareTeamMember {
            patient_id: patient.id,
            professional_account_id: pro.account_id,
            attending_physician: *attending,
            added_by,
        })
        .await?;
    if !added {
        report.already_present += 1;
        return Ok(());
    }
    batch.commit().await?;
    report.created += 1;
    Ok(())
}
