//! The checks every call of a structure's software passes before anything is decided on a
//! record, whichever credential it carries (an access token from the token endpoint or a
//! credential secret): the credential is active and not past its end date, and the
//! professional the software names belongs to the structure, is on its list of authorised
//! professionals until an end date not past (EXI 28), is active (not suspended), and signed
//! in to the software with two factors (EXI 23). Each refusal is audited.

use crate::{Actor, App, AppError, SoftwareAgent};
use mds_audit::{ActorKind, NewEvent, Outcome};
use mds_domain::{AccountId, AccountKind, AccountState, CredentialState, Timestamp};
use mds_store::directory::{self, ProfessionalRow};
use mds_store::structure_access as rows;
use mds_store::structure_credentials::CredentialRow;

/// The audit action of a refused software call.
const AUTHENTICATE: &str = "software.authenticate";

/// How a software call is carried.
pub(crate) struct Call<'a> {
    pub credential: &'a CredentialRow,
    /// The key whose assertion obtained the access token, for token calls.
    pub key_id: Option<&'a str>,
    /// The professional as the software names them: an MDS account id or a professional
    /// number.
    pub professional: &'a str,
    pub two_factor_asserted: bool,
    pub ip: Option<String>,
}

impl App {
    /// The professional an MDS account id or a professional number names.
    pub(crate) async fn professional_named(
        &self,
        text: &str,
    ) -> Result<Option<ProfessionalRow>, AppError> {
        let text = text.trim();
        if text.is_empty() || text.len() > 64 {
            return Ok(None);
        }
        if let Some(id) = AccountId::parse(text) {
            if let Some(p) = directory::professional(&self.db, &id).await? {
                return Ok(Some(p));
            }
        }
        Ok(directory::professional_by_identifier(&self.db, text).await?)
    }

    /// Checks a software call and returns the actor the gate decides for: the named
    /// professional, carried by the credential's software.
    pub(crate) async fn software_actor(
        &self,
        call: Call<'_>,
        now: Timestamp,
    ) -> Result<Actor, AppError> {
        let c = call.credential;
        let pro = self.professional_named(call.professional).await?;
        let refuse = |rule: &str, error: AppError| {
            let on_behalf_of = pro.as_ref().map(|p| p.account_id.to_string());
            let named = on_behalf_of
                .is_none()
                .then(|| call.professional.chars().take(64).collect::<String>());
            let ev = NewEvent {
                actor_id: Some(c.id.clone()),
                structure_id: Some(c.structure_id.to_string()),
                on_behalf_of,
                rule: Some(format!("software.{rule}")),
                ip: call.ip.clone(),
                detail: serde_json::json!({ "key_id": call.key_id, "professional": named }),
                ..NewEvent::new(ActorKind::StructureSoftware, AUTHENTICATE, Outcome::Deny)
            };
            (ev, error)
        };
        let denied = |rule: &'static str, message: &'static str| AppError::Denied {
            rule: format!("software.{rule}"),
            message,
        };
        let refusal = if c.state != CredentialState::Active {
            Some(refuse("credential_revoked", AppError::Unauthenticated))
        } else if now.millis() >= c.expires_at_ms {
            Some(refuse("credential_expired", AppError::Unauthenticated))
        } else {
            match &pro {
                None => Some(refuse("unknown_professional", AppError::Forbidden)),
                Some(p) if !p.structure_ids.contains(&c.structure_id) => {
                    Some(refuse("not_structure_member", AppError::Forbidden))
                }
                Some(p) if p.state != AccountState::Active => {
                    Some(refuse("professional_inactive", AppError::Forbidden))
                }
                Some(p) => {
                    let listed = rows::authorised(&self.db, &c.structure_id, &p.account_id).await?;
                    match listed {
                        None => Some(refuse(
                            "not_authorised",
                            denied(
                                "not_authorised",
                                "Ce professionnel ne figure pas sur la liste des professionnels \
                                 autorisés du logiciel de sa structure.",
                            ),
                        )),
                        Some(a) if now.millis() >= a.expires_at_ms => Some(refuse(
                            "authorisation_expired",
                            denied(
                                "authorisation_expired",
                                "L'autorisation de ce professionnel dans le logiciel de sa \
                                 structure a pris fin : le support doit la renouveler.",
                            ),
                        )),
                        Some(_) if !call.two_factor_asserted => Some(refuse(
                            "two_factor_missing",
                            denied(
                                "two_factor_missing",
                                "Le logiciel doit attester que le professionnel s'y est \
                                 authentifié avec deux facteurs.",
                            ),
                        )),
                        Some(_) => None,
                    }
                }
            }
        };
        if let Some((ev, error)) = refusal {
            self.record_event(ev, now.millis()).await?;
            return Err(error);
        }
        let Some(p) = pro else {
            return Err(AppError::Forbidden);
        };
        let display = mds_store::accounts::by_id(&self.db, &p.account_id)
            .await?
            .map_or_else(
                || format!("{} {}", p.first_name, p.last_name),
                |a| a.display_name,
            );
        Ok(Actor {
            account_id: p.account_id,
            kind: AccountKind::Professional,
            display_name: format!("{display} ({})", c.label),
            session_hash: String::new(),
            software: Some(SoftwareAgent {
                credential_id: c.id.clone(),
                structure_id: c.structure_id.clone(),
                label: c.label.clone(),
            }),
            acting_professional: None,
            acting_structure: None,
            acting_for: None,
        })
    }
}
