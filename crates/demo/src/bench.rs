//! The benchmarks of `mds bench`: the policy decision benchmark (decisions per second on one
//! core, over a realistic mix of requests on one record's facts, the decisions coming from
//! `mds_policy` unchanged), and the vault write benchmark (small documents deposited one by
//! one, each content durable then its row committed, as fast as possible), which the
//! crash-safety tests also use. Measuring is the only thing they do.

use mds_app::operator::seed::SeedDocument;
use mds_app::{App, AppError};
use mds_domain::{AccountId, DocumentId, DocumentStatus, PatientId, Profession, Timestamp};
use mds_policy::{
    Action, Actor, CareTeamMember, Consent, DocumentFacts, EmergencyKind, EmergencySession, Facts,
    Policy, ProfessionalActor, RecordFacts, Request,
};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PolicyBench {
    pub decisions: u64,
    pub permits: u64,
    pub seconds: f64,
    pub decisions_per_second: f64,
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn pro(n: u32, slug: &str, samu: bool) -> Option<Actor> {
    Some(Actor::Professional(ProfessionalActor {
        account: AccountId::from_uuid_text(id(n)),
        profession: Profession::from_slug(slug)?,
        structure: None,
        samu_regulator: samu,
    }))
}

/// Runs `count` decisions (at least one) on the calling thread and times them.
pub fn bench_policy(count: u64) -> PolicyBench {
    let policy = Policy::default();
    let patient = PatientId::from_uuid_text(id(1));
    let owner = AccountId::from_uuid_text(id(2));
    let now = Timestamp::from_millis(1_790_000_000_000);
    let later = Timestamp::from_millis(now.millis() + 3_600_000);
    let record = RecordFacts {
        patient: patient.clone(),
        owner: Some(owner.clone()),
        state: mds_domain::AccountState::Active,
        identity_validated: true,
        deceased: false,
        limited: false,
    };
    let mut facts = Facts::new(&policy, record);
    facts.care_team = (10..16)
        .map(|n| CareTeamMember {
            professional: AccountId::from_uuid_text(id(n)),
            attending_physician: n == 10,
        })
        .collect();
    facts.consents = vec![Consent {
        grantee: AccountId::from_uuid_text(id(20)),
        expires_at: later,
        revoked: false,
    }];
    facts.emergency_sessions = vec![EmergencySession {
        professional: AccountId::from_uuid_text(id(21)),
        kind: EmergencyKind::BreakGlass,
        expires_at: later,
    }];
    facts.blocked = vec![AccountId::from_uuid_text(id(22))];
    facts.informed = (10..16).map(|n| AccountId::from_uuid_text(id(n))).collect();
    let doc = |n: u32, depositor: u32, type_code: &str, confidential: bool| DocumentFacts {
        id: DocumentId::from_uuid_text(id(100 + n)),
        patient: patient.clone(),
        depositor: Some(AccountId::from_uuid_text(id(depositor))),
        type_code: type_code.to_owned(),
        confidential,
        hidden_from_patient: false,
        status: DocumentStatus::Current,
    };
    let mut actors: Vec<Actor> = [
        pro(10, "medecin", false),
        pro(11, "infirmier", false),
        pro(20, "pharmacien", false),
        pro(21, "medecin", false),
        pro(22, "medecin", false),
        pro(30, "medecin", true),
    ]
    .into_iter()
    .flatten()
    .collect();
    actors.push(Actor::Patient {
        account: owner.clone(),
    });
    let actions = [
        Action::ReadDocument(doc(1, 10, "11488-4", false)),
        Action::ReadDocument(doc(2, 11, "11502-2", true)),
        Action::ListDocuments,
        Action::AddDocument {
            confirms_patient_informed: false,
        },
        Action::ModifyDocument(doc(3, 10, "34112-3", false)),
        Action::DeleteDocument(doc(4, 20, "60593-1", false)),
    ];
    let requests: Vec<Request> = actors
        .iter()
        .flat_map(|a| {
            actions.iter().map(|action| Request {
                actor: a.clone(),
                action: action.clone(),
                record: patient.clone(),
            })
        })
        .collect();
    let count = count.max(1);
    let mut permits = 0u64;
    let started = std::time::Instant::now();
    for i in 0..count {
        let r = &requests[usize::try_from(i).unwrap_or(0) % requests.len()];
        if std::hint::black_box(mds_policy::decide(std::hint::black_box(r), &facts, now))
            .is_permit()
        {
            permits += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    PolicyBench {
        decisions: count,
        permits,
        seconds,
        decisions_per_second: count as f64 / seconds.max(1e-9),
    }
}

/// Deposits `count` small synthetic documents into a record as fast as possible, each in its
/// own transaction (the vault write benchmark, `mds bench vault-writes`); refused like any
/// service deposit when the record does not accept documents.
pub async fn vault_writes(
    app: &App,
    patient_id: &PatientId,
    count: u64,
    now: Timestamp,
) -> Result<u64, AppError> {
    let seeder = app.seeder("bench");
    for i in 0..count {
        let mut batch = seeder.batch(now).await?;
        batch
            .document(SeedDocument {
                patient_id: patient_id.clone(),
                type_code: "11502-2".to_owned(),
                title: format!("Bilan synthétique {i}"),
                act_date: "2026-11-22".to_owned(),
                deposited_by: None,
                hidden_from_patient: false,
                content: format!(
                    "Synthetic benchmark document {i} {}\n{}",
                    mds_app::secrets::random_token(),
                    "x".repeat(4096)
                )
                .into_bytes(),
            })
            .await?;
        batch.commit().await?;
    }
    Ok(count)
}
