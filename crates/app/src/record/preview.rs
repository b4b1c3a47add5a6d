//! « Voir mon dossier comme le Dr X le verrait » (issue 17, item 1). The contract:
//!
//! - The patient (or their legal representative) names a professional — or a profession:
//!   someone of it the record has never met — and a situation —
//!   today, in an emergency by break-glass, by the SAMU's regulation — and gets the list
//!   that professional would get, each document with the rule, in words, that shows or hides
//!   it, and what the patient could do about it.
//! - It is a simulation through `mds_policy` on the record's real facts, loaded for that
//!   professional exactly as their own request loads them: nothing is opened, no emergency
//!   access is created, nobody is notified, and no event names the professional as actor —
//!   their access log stays untouched. In an emergency situation the opening itself is
//!   decided first (an opposition, a profession that may not declare one, a blocked
//!   professional…); when it would be permitted, the listing is decided with that access
//!   added to the facts, as it would be once opened.
//! - The preview is itself audited as the patient's own action on their record
//!   (`record.preview`, with the professional and the situation in its detail).
//! - Documents hidden from the patient (pending an announcement consultation) are neither
//!   named nor counted to them: the preview covers the documents the patient sees.
//! - The simulated decisions are not counted in the decision metrics (nothing was decided
//!   for anyone).

use super::documents::DocumentView;
use super::gate::{document_facts, visibility};
use crate::information::history::render::{owner_reason_of, owner_reason_of_en};
use crate::{Actor, App, AppError};
use mds_domain::{AccountId, AccountKind, PatientId, Profession, Timestamp};
use mds_policy::{
    AccessMode, Action, Actor as PolicyActor, Decision, EmergencyKind, EmergencySession, ListScope,
    Lister, Mode, ProfessionalActor, Request, Rule,
};
use mds_store::{directory, documents};
use serde::{Deserialize, Serialize};

/// The audit action of a preview.
pub const PREVIEW: &str = "record.preview";
/// The most recent documents a preview names (the counts cover them only).
pub const PREVIEW_MAX_DOCUMENTS: usize = 500;

/// The situation the professional would be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// As things stand: care team, consent, an emergency access already open, or none.
    Today,
    /// Having declared an emergency access (bris de glace).
    BreakGlass,
    /// As a SAMU regulator opening a regulation access.
    Samu,
}

impl Situation {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "today" | "" => Some(Self::Today),
            "break_glass" => Some(Self::BreakGlass),
            "samu" => Some(Self::Samu),
            _ => None,
        }
    }

    /// [`Self::parse`], or the error to answer.
    pub fn parse_or_invalid(text: &str) -> Result<Self, AppError> {
        Self::parse(text).ok_or_else(|| {
            AppError::invalid(
                "invalid_situation",
                "Situation inconnue : aujourd'hui (today), bris de glace (break_glass) ou SAMU \
                 (samu).",
            )
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Today => "today",
            Self::BreakGlass => "break_glass",
            Self::Samu => "samu",
        }
    }
}

/// Whom the preview simulates: a named professional (an MDS account id or a professional
/// number), or any professional of a profession who has no tie to the record (not in the
/// care team, no consent, not blocked; a SAMU regulator in the SAMU situation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject<'a> {
    Professional(&'a str),
    Profession(Profession),
}

impl<'a> Subject<'a> {
    /// The subject a request names: a professional or a profession (its code in
    /// `reference/professions.csv`), exactly one of them.
    pub fn from_request(
        professional: Option<&'a str>,
        profession: Option<&str>,
    ) -> Result<Self, AppError> {
        let given = |t: Option<&'a str>| t.map(str::trim).filter(|t| !t.is_empty());
        match (
            given(professional),
            profession.map(str::trim).filter(|t| !t.is_empty()),
        ) {
            (Some(pro), None) => Ok(Self::Professional(pro)),
            (None, Some(slug)) => Profession::from_slug(slug)
                .map(Self::Profession)
                .ok_or_else(|| {
                    AppError::invalid(
                        "unknown_profession",
                        "Profession inconnue : choisissez-la dans la liste (par exemple \
                         infirmier).",
                    )
                }),
            _ => Err(AppError::invalid(
                "professional_or_profession",
                "Choisissez soit un professionnel, soit une profession.",
            )),
        }
    }
}

/// One document of the record and whether the professional would be shown it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct PreviewLine {
    pub document: DocumentView,
    pub shown: bool,
    /// Why, in words (« Visible : … », « Caché, car … »).
    pub why: String,
    pub why_en: String,
}

/// What a professional would see of the record in a situation.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Preview {
    /// The professional simulated; absent for a profession.
    #[schema(value_type = Option<String>)]
    pub professional_id: Option<AccountId>,
    /// Their name, or `« un professionnel : <profession> »`.
    pub professional_name: String,
    pub situation: Situation,
    /// In an emergency situation, whether that access could be opened, in words.
    pub emergency: Option<String>,
    pub emergency_en: Option<String>,
    /// Whether the professional could list the record at all, in words.
    pub access: String,
    pub access_en: String,
    /// What they would see of the health profile, in words.
    pub profile: String,
    pub profile_en: String,
    /// The documents you see, each shown to the professional or not.
    pub lines: Vec<PreviewLine>,
    /// What you could do, in words.
    pub remedies: Vec<Remedy>,
}

/// Something the patient could do about what the professional would see.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Remedy {
    pub text: String,
    pub text_en: String,
}

impl Preview {
    /// How many of the documents you see would be shown.
    pub fn shown_count(&self) -> usize {
        self.lines.iter().filter(|l| l.shown).count()
    }
}

/// What the professional would see of the health profile, in French and English.
fn profile_words(decision: &Decision) -> (String, String) {
    let (fr, en) = match (decision.is_permit(), decision.mode()) {
        (true, Mode::Professional(AccessMode::BreakGlass | AccessMode::Samu)) => (
            "Profil médical : il en verrait les informations d'urgence (allergies, traitements, maladies chroniques, contacts, don d'organes, directives anticipées), pas les vaccinations ni les mesures.",
            "Health profile: they would see its emergency items (allergies, treatments, chronic conditions, contacts, organ donation, advance directives), not the vaccinations nor the measurements.",
        ),
        (true, _) => (
            "Profil médical : il le verrait en entier.",
            "Health profile: they would see all of it.",
        ),
        (false, _) => (
            "Profil médical : il ne le verrait pas.",
            "Health profile: they would not see it.",
        ),
    };
    (fr.to_owned(), en.to_owned())
}

/// « Visible : … » for a permitted listing or document, in French and English.
fn shown_words(mode: Mode, rule: Rule, deposited: bool) -> (String, String) {
    let (fr, en) = if deposited {
        (
            "ce professionnel a déposé ce document",
            "this professional deposited this document",
        )
    } else if rule == Rule::AttendingPhysicianSeesConfidential {
        (
            "c'est votre médecin traitant déclaré, qui voit aussi les documents masqués",
            "they are your declared attending physician, who also sees masked documents",
        )
    } else {
        match mode {
            Mode::Professional(AccessMode::CareTeam) => (
                "ce professionnel est membre de votre équipe de soins",
                "this professional is a member of your care team",
            ),
            Mode::Professional(AccessMode::Consented) => (
                "vous lui avez donné votre accord",
                "you gave them your consent",
            ),
            Mode::Professional(AccessMode::BreakGlass) => (
                "accès d'urgence (bris de glace), dont vous êtes informé",
                "emergency access (break-glass), which you are told of",
            ),
            Mode::Professional(AccessMode::Samu) => (
                "accès de régulation du SAMU, dont vous êtes informé",
                "SAMU regulation access, which you are told of",
            ),
            _ => (
                "les règles d'accès le permettent",
                "the access rules allow it",
            ),
        }
    };
    (format!("Visible : {fr}."), format!("Shown: {en}."))
}

/// « Caché, car … » for a denial, in French and English (the history's wording).
fn hidden_words(decision: &Decision) -> (String, String) {
    let rule = decision.rule().id();
    let mode = match decision.mode() {
        Mode::Professional(m) => Some(m.as_str()),
        _ => None,
    };
    let (fr, en) = (
        owner_reason_of(&rule, mode),
        owner_reason_of_en(&rule, mode),
    );
    if fr.is_empty() {
        return (
            "Caché : les règles d'accès ne lui montrent pas ce document.".to_owned(),
            "Hidden: the access rules do not show them this document.".to_owned(),
        );
    }
    (format!("Caché{fr}."), format!("Hidden{en}."))
}

impl App {
    /// The patient or their representative. What `professional` (an MDS account id or a
    /// professional number) would see of the record in `situation`: a simulation, audited
    /// as the patient's own action.
    pub async fn preview_record_as(
        &self,
        actor: &Actor,
        patient_id: &PatientId,
        subject: Subject<'_>,
        situation: Situation,
        ip: Option<String>,
        now: Timestamp,
    ) -> Result<Preview, AppError> {
        actor.require(AccountKind::Patient)?;
        let named = match subject {
            Subject::Professional(text) => Some(self.named_professional(text).await?),
            Subject::Profession(_) => None,
        };
        let gate = self.gate(actor, patient_id, PREVIEW, ip, now).await?;
        let profession = match subject {
            Subject::Profession(p) => Some(p.slug()),
            Subject::Professional(_) => None,
        };
        let detail = serde_json::json!({
            "professional_id": named.as_ref().map(|p| &p.account_id),
            "profession": profession,
            "situation": situation.as_str(),
        });
        let (_, ev) = gate
            .authorize(self, Action::ListDocuments, PREVIEW, detail)
            .await?;
        let (professional, professional_name) = match (&named, subject) {
            (Some(pro), _) => match self.professional_actor(&pro.account_id).await {
                Ok(p) => (p, format!("{} {}", pro.first_name, pro.last_name)),
                Err(_) => {
                    self.record_event(ev, now.millis()).await?;
                    return Err(AppError::invalid(
                        "professional_inactive",
                        "Ce professionnel n'exerce plus sur Mon Drive Santé : il ne verrait rien.",
                    ));
                }
            },
            (None, Subject::Profession(profession)) => (
                // Someone of that profession the record has never met: an account id no row
                // names.
                ProfessionalActor {
                    account: AccountId::from_uuid_text(mds_store::new_id()),
                    profession,
                    structure: None,
                    samu_regulator: situation == Situation::Samu,
                },
                format!(
                    "un professionnel : {}",
                    profession.label_fr().to_lowercase()
                ),
            ),
            (None, Subject::Professional(_)) => return Err(AppError::NotFound),
        };
        let pro_id = professional.account.clone();
        let simulated = PolicyActor::Professional(professional);
        let (mut facts, _) = self
            .load_facts_in(&self.db, &gate.patient, Some(&pro_id), now)
            .await?;
        let record = facts.record.patient.clone();
        let request = |action: Action| Request {
            actor: simulated.clone(),
            action,
            record: record.clone(),
        };
        // An emergency situation: the opening is decided first, then added to the facts.
        let opening = match situation {
            Situation::Today => None,
            Situation::BreakGlass => Some((
                Action::OpenBreakGlass {
                    reason: "Urgence vitale, patient inconscient (aperçu)".to_owned(),
                },
                EmergencyKind::BreakGlass,
                self.settings.break_glass_hours,
            )),
            Situation::Samu => Some((
                Action::OpenSamuAccess {
                    call_reference: "APERCU-0000".to_owned(),
                },
                EmergencyKind::Samu,
                self.settings.samu_hours,
            )),
        };
        let mut emergency = None;
        let mut opened = false;
        if let Some((action, kind, hours)) = opening {
            let decision = mds_policy::decide(&request(action), &facts, now);
            opened = decision.is_permit();
            let words = if opened {
                facts.emergency_sessions.push(EmergencySession {
                    professional: pro_id.clone(),
                    kind,
                    expires_at: Timestamp::from_millis(now.millis() + hours * 3_600_000),
                });
                (
                    "Cet accès d'urgence lui serait ouvert, et vous en seriez informé.".to_owned(),
                    "This emergency access would be opened to them, and you would be told."
                        .to_owned(),
                )
            } else {
                let (fr, en) = hidden_words(&decision);
                (
                    fr.replacen("Caché", "Cet accès d'urgence lui serait refusé", 1),
                    en.replacen("Hidden", "This emergency access would be refused", 1),
                )
            };
            emergency = Some(words);
        }
        let listing = mds_policy::decide(&request(Action::ListDocuments), &facts, now);
        let (access, access_en) = if listing.is_permit() {
            shown_words(listing.mode(), listing.rule(), false)
        } else {
            hidden_words(&listing)
        };
        let (profile, profile_en) = profile_words(&mds_policy::decide(
            &request(Action::ReadProfile),
            &facts,
            now,
        ));
        let lister = Lister::new(&simulated, &facts, now);
        let yours = Lister::new(&gate.actor, &gate.facts, now);
        let everything = ListScope {
            any: true,
            depositor: None,
            only_deposited: false,
            without_hidden: false,
            without_confidential: false,
            types: None,
        };
        let (rows, _) = documents::page(
            &self.db,
            gate.patient_id(),
            &documents::DocumentFilter::default(),
            &visibility(&everything),
            PREVIEW_MAX_DOCUMENTS,
            0,
        )
        .await?;
        let mut lines = Vec::new();
        for row in &rows {
            let d = document_facts(row);
            // What is hidden from you is not named to you, nor counted: it awaits the
            // consultation where a professional tells you.
            if !yours.shows(&d) {
                continue;
            }
            let shown = lister.shows(&d);
            let deposited = d.depositor.as_ref() == Some(&pro_id);
            let (why, why_en) = if shown {
                // A masked document shown to someone who did not deposit it: only the declared
                // attending physician sees those.
                let rule = if d.confidential && !deposited {
                    Rule::AttendingPhysicianSeesConfidential
                } else {
                    listing.rule()
                };
                shown_words(listing.mode(), rule, deposited)
            } else if !listing.is_permit() {
                hidden_words(&listing)
            } else {
                hidden_words(&mds_policy::decide(
                    &request(Action::ReadDocument(d.clone())),
                    &facts,
                    now,
                ))
            };
            lines.push(PreviewLine {
                document: DocumentView::from(row),
                shown,
                why,
                why_en,
            });
        }
        let remedies = remedies(&listing, opened, named.is_some(), &lines);
        self.record_event(ev, now.millis()).await?;
        let (emergency, emergency_en) = match emergency {
            Some((fr, en)) => (Some(fr), Some(en)),
            None => (None, None),
        };
        Ok(Preview {
            professional_id: named.map(|p| p.account_id),
            professional_name,
            situation,
            emergency,
            emergency_en,
            access,
            access_en,
            profile,
            profile_en,
            lines,
            remedies,
        })
    }

    /// The professional an MDS account id or a professional number names; an unknown one
    /// is an invalid field (the directory is public to patients choosing whom to block).
    async fn named_professional(&self, text: &str) -> Result<directory::ProfessionalRow, AppError> {
        let text = text.trim();
        let unknown = || {
            AppError::invalid(
                "unknown_professional",
                "Professionnel inconnu : choisissez-le dans la liste ou donnez son numéro \
                 professionnel.",
            )
        };
        if text.is_empty() || text.len() > 64 {
            return Err(unknown());
        }
        if let Some(id) = AccountId::parse(text) {
            if let Some(p) = directory::professional(&self.db, &id).await? {
                return Ok(p);
            }
        }
        directory::professional_by_identifier(&self.db, text)
            .await?
            .ok_or_else(unknown)
    }
}

/// What the patient could do about what the professional would see (opposing emergencies
/// when the situation's emergency access would be opened).
fn remedies(
    listing: &Decision,
    emergency_opened: bool,
    someone: bool,
    lines: &[PreviewLine],
) -> Vec<Remedy> {
    let mut out: Vec<(String, String)> = Vec::new();
    let blocked = listing.rule() == Rule::Blocked;
    if lines.iter().any(|l| l.shown) {
        out.push((
            "Masquer un document aux professionnels (page du document) : celui qui l'a déposé \
             le verra encore."
                .to_owned(),
            "Mask a document from professionals (the document's page): its depositor will \
             still see it."
                .to_owned(),
        ));
        if someone && !blocked {
            out.push((
                "Bloquer ce professionnel (Mes réglages) : il ne verra plus votre dossier."
                    .to_owned(),
                "Block this professional (My settings): they will no longer see your record."
                    .to_owned(),
            ));
        }
    }
    let by_emergency = matches!(
        listing.mode(),
        Mode::Professional(AccessMode::BreakGlass | AccessMode::Samu)
    );
    if emergency_opened && listing.is_permit() && by_emergency {
        out.push((
            "Vous opposer aux accès d'urgence (Mes réglages) : ni bris de glace, ni SAMU, selon \
             votre choix."
                .to_owned(),
            "Oppose emergency access (My settings): no break-glass, no SAMU, as you choose."
                .to_owned(),
        ));
    }
    out.into_iter()
        .map(|(text, text_en)| Remedy { text, text_en })
        .collect()
}
