//! Directory use cases for support: structures, professionals, assistants, support agents,
//! suspension. Every change is audited with the support agent who made it.

use crate::accounts::enrolment;
use crate::{Actor, App, AppError};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::structure::STRUCTURE_KINDS;
use mds_domain::{
    commune, AccountId, AccountKind, AccountState, Login, Profession, StructureId, Timestamp,
};
use mds_store::{accounts, directory, new_id, sessions, StoreError};
use serde::{Deserialize, Serialize};

pub use mds_store::directory::{AssistantRow, ProfessionalRow, StructureRow};

#[derive(Clone, Debug, Deserialize)]
pub struct NewStructure {
    pub name: String,
    pub ridet: String,
    pub kind: String,
    pub commune: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct NewProfessional {
    pub login: String,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub profession: String,
    pub professional_id: String,
    pub structure_ids: Vec<StructureId>,
    pub samu_regulator: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct NewAssistant {
    pub login: String,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub professional_account_id: AccountId,
}

/// A created account and the one-time enrolment token to hand to its owner.
#[derive(Clone, Debug, Serialize)]
pub struct Created<T> {
    pub item: T,
    pub enrolment_token: String,
}

pub(super) fn required(value: &str, label: &str) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > 200 || v.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_field",
            format!("Le champ « {label} » est obligatoire (200 caractères au plus)."),
        ));
    }
    Ok(v.to_owned())
}

/// A RIDET number ([`mds_domain::structure::parse_ridet`]), or the refusal a form shows.
fn ridet(text: &str) -> Result<String, AppError> {
    mds_domain::structure::parse_ridet(text).ok_or_else(|| {
        AppError::invalid(
            "invalid_ridet",
            "Le numéro RIDET doit avoir la forme 1234567.001.",
        )
    })
}

/// A kind of structure ([`STRUCTURE_KINDS`]), or the refusal a form shows.
pub(super) fn structure_kind(text: &str) -> Result<String, AppError> {
    let kind = text.trim();
    if !STRUCTURE_KINDS.contains(&kind) {
        return Err(AppError::invalid(
            "invalid_structure_kind",
            format!(
                "Type de structure inconnu. Valeurs possibles : {}.",
                STRUCTURE_KINDS.join(", ")
            ),
        ));
    }
    Ok(kind.to_owned())
}

/// A commune of New Caledonia (where a structure is), or the refusal a form shows.
pub(super) fn structure_commune(text: &str) -> Result<String, AppError> {
    let code = text.trim();
    if commune::find_nc_commune(code).is_none() {
        return Err(AppError::invalid(
            "invalid_commune",
            "La commune doit être un code INSEE de Nouvelle-Calédonie (98801 à 98833).",
        ));
    }
    Ok(code.to_owned())
}

/// A health profession (not staff) and the SAMU regulator role, which only a physician holds.
pub(super) fn profession_and_role(
    slug: &str,
    samu_regulator: bool,
) -> Result<(Profession, bool), AppError> {
    let profession = Profession::from_slug(slug.trim())
        .filter(|p| !p.is_staff())
        .ok_or_else(|| AppError::invalid("invalid_profession", "Profession inconnue."))?;
    if samu_regulator && !profession.is_physician() {
        return Err(AppError::invalid(
            "invalid_samu_role",
            "Seul un médecin peut être régulateur du SAMU.",
        ));
    }
    Ok((profession, samu_regulator))
}

/// A professional number: 6 to 20 letters or digits.
pub(super) fn professional_number(text: &str) -> Result<String, AppError> {
    let number = text.trim();
    if !(6..=20).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid(
            "invalid_professional_id",
            "L'identifiant professionnel doit comporter de 6 à 20 chiffres ou lettres.",
        ));
    }
    Ok(number.to_owned())
}

/// A professional number already in the directory, or the store's error.
pub(super) fn duplicate_professional_id(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::conflict(
            "duplicate_professional_id",
            "Un professionnel avec cet identifiant existe déjà.",
        ),
        e => e.into(),
    }
}

pub(super) fn support_event(actor: &Actor, action: &str) -> NewEvent {
    NewEvent {
        actor_id: Some(actor.account_id.to_string()),
        ..NewEvent::new(actor.kind.into(), action, Outcome::Success)
    }
}

/// The longest text searched in the directory (a name, never a document).
pub const MAX_SEARCH_CHARS: usize = 100;

impl App {
    /// The structures a professional works in, sorted and without repeats: at least one, each
    /// in the directory.
    pub(super) async fn known_structures(
        &self,
        ids: &[StructureId],
    ) -> Result<Vec<StructureId>, AppError> {
        let mut structure_ids = ids.to_vec();
        structure_ids.sort();
        structure_ids.dedup();
        if structure_ids.is_empty() {
            return Err(AppError::invalid(
                "structure_required",
                "Un professionnel exerce dans au moins une structure.",
            ));
        }
        for s in &structure_ids {
            if directory::structure_by_id(&self.db, s).await?.is_none() {
                return Err(AppError::invalid(
                    "unknown_structure",
                    "Structure inconnue.",
                ));
            }
        }
        Ok(structure_ids)
    }

    /// Support only.
    pub async fn create_structure(
        &self,
        actor: &Actor,
        s: NewStructure,
        now: Timestamp,
    ) -> Result<directory::StructureRow, AppError> {
        actor.require(AccountKind::Support)?;
        let row = directory::StructureRow {
            id: StructureId::from_uuid_text(new_id()),
            name: required(&s.name, "nom")?,
            ridet: ridet(&s.ridet)?,
            kind: structure_kind(&s.kind)?,
            commune: structure_commune(&s.commune)?,
            created_at_ms: now.millis(),
        };
        let mut tx = self.db.begin().await?;
        directory::insert_structure(&mut tx, &row)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::conflict(
                    "duplicate_ridet",
                    "Une structure avec ce numéro RIDET existe déjà.",
                ),
                e => e.into(),
            })?;
        let ev = NewEvent {
            structure_id: Some(row.id.to_string()),
            ..support_event(actor, "directory.structure.create")
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn list_structures(
        &self,
        actor: &Actor,
    ) -> Result<Vec<directory::StructureRow>, AppError> {
        let _ = actor;
        Ok(directory::list_structures(&self.db).await?)
    }

    /// Support only. Every assistant, with the professional each acts for (account ids).
    pub async fn list_assistants(
        &self,
        actor: &Actor,
    ) -> Result<Vec<directory::AssistantRow>, AppError> {
        actor.require(AccountKind::Support)?;
        Ok(directory::list_assistants(&self.db).await?)
    }

    /// Support only. The professional receives an enrolment token to choose a password and
    /// enrol a second factor; until then the account is `pending`.
    pub async fn create_professional(
        &self,
        actor: &Actor,
        p: NewProfessional,
        now: Timestamp,
    ) -> Result<Created<directory::ProfessionalRow>, AppError> {
        actor.require(AccountKind::Support)?;
        let (profession, samu_regulator) = profession_and_role(&p.profession, p.samu_regulator)?;
        let first_name = required(&p.first_name, "prénom")?;
        let last_name = required(&p.last_name, "nom")?;
        let row = directory::ProfessionalRow {
            account_id: AccountId::from_uuid_text(new_id()),
            professional_id: professional_number(&p.professional_id)?,
            first_name: first_name.clone(),
            last_name: last_name.clone(),
            profession,
            samu_regulator,
            state: AccountState::Pending,
            structure_ids: self.known_structures(&p.structure_ids).await?,
        };
        let display = format!("{first_name} {last_name}");
        let mut tx = self.db.begin().await?;
        self.insert_account(
            &mut tx,
            &row.account_id,
            AccountKind::Professional,
            &p.login,
            p.email.as_deref(),
            &display,
            now,
        )
        .await?;
        directory::insert_professional(&mut tx, &row)
            .await
            .map_err(duplicate_professional_id)?;
        let token = enrolment::issue_token(self, &mut tx, &row.account_id, true, now).await?;
        let ev = NewEvent {
            detail: serde_json::json!({ "account_id": row.account_id, "profession": row.profession }),
            ..support_event(actor, "directory.professional.create")
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(Created {
            item: row,
            enrolment_token: token,
        })
    }

    /// Support only. An assistant acts for exactly one professional.
    pub async fn create_assistant(
        &self,
        actor: &Actor,
        a: NewAssistant,
        now: Timestamp,
    ) -> Result<Created<directory::AssistantRow>, AppError> {
        actor.require(AccountKind::Support)?;
        if directory::professional(&self.db, &a.professional_account_id)
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "unknown_professional",
                "Professionnel inconnu.",
            ));
        }
        let row = directory::AssistantRow {
            account_id: AccountId::from_uuid_text(new_id()),
            professional_account_id: a.professional_account_id.clone(),
            first_name: required(&a.first_name, "prénom")?,
            last_name: required(&a.last_name, "nom")?,
        };
        let display = format!("{} {}", row.first_name, row.last_name);
        let mut tx = self.db.begin().await?;
        self.insert_account(
            &mut tx,
            &row.account_id,
            AccountKind::Assistant,
            &a.login,
            a.email.as_deref(),
            &display,
            now,
        )
        .await?;
        directory::insert_assistant(&mut tx, &row).await?;
        let token = enrolment::issue_token(self, &mut tx, &row.account_id, true, now).await?;
        let ev = NewEvent {
            on_behalf_of: Some(row.professional_account_id.to_string()),
            detail: serde_json::json!({ "account_id": row.account_id }),
            ..support_event(actor, "directory.assistant.create")
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(Created {
            item: row,
            enrolment_token: token,
        })
    }

    /// Creates a support agent from the command line (operator action, audited as `system`).
    pub async fn create_support_agent(
        &self,
        login: &str,
        display_name: &str,
        now: Timestamp,
    ) -> Result<Created<AccountId>, AppError> {
        let id = AccountId::from_uuid_text(new_id());
        let name = required(display_name, "nom")?;
        let mut tx = self.db.begin().await?;
        self.insert_account(&mut tx, &id, AccountKind::Support, login, None, &name, now)
            .await?;
        let token = enrolment::issue_token(self, &mut tx, &id, true, now).await?;
        let ev = NewEvent {
            detail: serde_json::json!({ "account_id": id }),
            ..NewEvent::new(
                ActorKind::System,
                "directory.support.create",
                Outcome::Success,
            )
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(Created {
            item: id,
            enrolment_token: token,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_account(
        &self,
        tx: &mut mds_store::Tx,
        id: &AccountId,
        kind: AccountKind,
        login: &str,
        email: Option<&str>,
        display: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let login = Login::parse(login).ok_or_else(|| {
            AppError::invalid(
                "invalid_login",
                "Identifiant de connexion invalide (3 à 254 caractères, sans espace).",
            )
        })?;
        let row = accounts::AccountRow {
            id: id.clone(),
            kind,
            login: login.as_str().to_owned(),
            display_name: display.to_owned(),
            email: email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()),
            password_hash: None,
            totp_secret: None,
            totp_key_id: None,
            totp_confirmed: false,
            totp_last_step: 0,
            state: AccountState::Pending,
            created_at_ms: now.millis(),
            updated_at_ms: now.millis(),
        };
        accounts::insert(&mut *tx, &row).await.map_err(|e| match e {
            StoreError::Conflict(_) => AppError::conflict(
                "duplicate_login",
                "Cet identifiant de connexion est déjà utilisé.",
            ),
            e => e.into(),
        })
    }

    pub async fn get_professional(
        &self,
        actor: &Actor,
        account_id: &AccountId,
    ) -> Result<directory::ProfessionalRow, AppError> {
        let _ = actor;
        directory::professional(&self.db, account_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn search_professionals(
        &self,
        actor: &Actor,
        name_prefix: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<directory::ProfessionalRow>, AppError> {
        let _ = actor;
        if name_prefix.chars().count() > MAX_SEARCH_CHARS
            || name_prefix.chars().any(char::is_control)
        {
            return Err(AppError::invalid(
                "invalid_search",
                format!("Recherche invalide : {MAX_SEARCH_CHARS} caractères au plus, sans caractère de contrôle."),
            ));
        }
        Ok(directory::search_professionals(
            &self.db,
            name_prefix.trim(),
            limit.clamp(1, 100),
            offset.max(0),
        )
        .await?)
    }

    /// Support only. Suspension ends every session and every unused enrolment token of the
    /// account at once; its assistants and structure software can no longer act in its name.
    pub async fn set_suspended(
        &self,
        actor: &Actor,
        account_id: &AccountId,
        suspended: bool,
        reason: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.require(AccountKind::Support)?;
        if reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason_required",
                "Indiquez le motif de la suspension ou de la réactivation.",
            ));
        }
        let account = accounts::by_id(&self.db, account_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if account.kind == AccountKind::Patient {
            return Err(AppError::NotFound);
        }
        let (from, to, action) = if suspended {
            (
                AccountState::Active,
                AccountState::Suspended,
                "directory.account.suspend",
            )
        } else {
            (
                AccountState::Suspended,
                AccountState::Active,
                "directory.account.reactivate",
            )
        };
        if account.state != from {
            return Err(AppError::conflict(
                "invalid_state",
                format!("Ce compte n'est pas dans l'état « {} ».", from.as_str()),
            ));
        }
        let mut tx = self.db.begin().await?;
        accounts::set_state(&mut tx, account_id, to, now.millis()).await?;
        let ended = sessions::revoke_all(&mut tx, account_id, now.millis()).await?;
        let tokens = if suspended {
            mds_store::password_resets::spend_all(&mut tx, account_id, now.millis()).await?;
            accounts::spend_enrolment_tokens(&mut tx, account_id, now.millis()).await?
        } else {
            0
        };
        let ev = NewEvent {
            detail: serde_json::json!({ "account_id": account_id, "reason": reason.trim(), "sessions_ended": ended, "enrolment_tokens_ended": tokens }),
            ..support_event(actor, action)
        };
        mds_audit::append(&mut tx, ev, now.millis()).await?;
        tx.commit().await?;
        Ok(())
    }
}
