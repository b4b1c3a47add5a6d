//! Errors of the use cases. Each carries a stable code for API clients and a short French
//! message for people, with its English by code (`error_en`) for the pages shown in English;
//! details stay in the logs. "Does not exist" and "you may not see it" are the same `NotFound`.

use mds_domain::Language;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Wrong login, password or second factor — deliberately undistinguished.
    #[error("identifiant, mot de passe ou code incorrect")]
    InvalidCredentials,
    #[error("trop de tentatives, réessayez plus tard")]
    Throttled { retry_after_seconds: i64 },
    #[error("authentification requise")]
    Unauthenticated,
    #[error("action non autorisée")]
    Forbidden,
    #[error("introuvable")]
    NotFound,
    /// The access policy refused an action on a record the actor may otherwise see; `rule` is
    /// the stable rule id, `message` the policy's French explanation.
    #[error("refusé ({rule})")]
    Denied { rule: String, message: &'static str },
    /// The content is larger than allowed for this kind of depositor.
    #[error("document trop volumineux")]
    TooLarge { max_bytes: usize },
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The database or the vault cannot take the request now (locked, full or read-only disk,
    /// server unreachable): nothing of the request was stored; retry later (503).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("storage: {0}")]
    Store(mds_store::StoreError),
    #[error("vault: {0}")]
    Vault(mds_vault::VaultError),
    #[error("audit: {0}")]
    Audit(mds_audit::AuditError),
    #[error("internal: {0}")]
    Internal(String),
}

// Unavailability is sorted out once, here, whichever layer met it: every surface answers it
// the same way (503, `storage_unavailable`, `Retry-After`).
impl From<mds_store::StoreError> for AppError {
    fn from(e: mds_store::StoreError) -> Self {
        mds_observe::metrics::STORE_ERRORS.inc(&[]);
        if e.is_unavailable() {
            Self::Unavailable(e.to_string())
        } else {
            Self::Store(e)
        }
    }
}

impl From<mds_vault::VaultError> for AppError {
    fn from(e: mds_vault::VaultError) -> Self {
        mds_observe::metrics::VAULT_ERRORS.inc(&[]);
        if e.is_unavailable() {
            Self::Unavailable(e.to_string())
        } else {
            Self::Vault(e)
        }
    }
}

impl From<mds_audit::AuditError> for AppError {
    fn from(e: mds_audit::AuditError) -> Self {
        if e.is_unavailable() {
            Self::Unavailable(e.to_string())
        } else {
            Self::Audit(e)
        }
    }
}

/// Seconds a client is told to wait before retrying when the storage is unavailable.
pub const UNAVAILABLE_RETRY_SECONDS: i64 = 5;

impl AppError {
    /// `Retry-After` of the answer, when retrying later may succeed.
    pub fn retry_after_seconds(&self) -> Option<i64> {
        match self {
            Self::Throttled {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            Self::Unavailable(_) => Some(UNAVAILABLE_RETRY_SECONDS),
            _ => None,
        }
    }

    /// A text a person typed (a reason, a purpose, a comment) refused when it holds a control
    /// character (line breaks and tabs allowed with `lines`) or a pile of accents on one
    /// letter (`mds_domain::text`); the message names the field by its French `label`.
    pub fn check_typed(
        code: &'static str,
        label: &str,
        text: &str,
        lines: bool,
    ) -> Result<(), Self> {
        let checked = if lines {
            mds_domain::text::check_lines(text)
        } else {
            mds_domain::text::check_line(text)
        };
        checked.map_err(|why| {
            Self::invalid(code, format!("« {label} » refusé : {}.", why.reason_fr()))
        })
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::Throttled { .. } => "too_many_attempts",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Denied { .. } => "access_denied",
            Self::TooLarge { .. } => "document_too_large",
            Self::Invalid { code, .. } | Self::Conflict { code, .. } => code,
            Self::Unavailable(_) => "storage_unavailable",
            Self::Store(_) | Self::Vault(_) | Self::Audit(_) | Self::Internal(_) => "internal",
        }
    }

    /// What a person is shown. Internal failures never leak their detail.
    pub fn public_message(&self) -> String {
        match self {
            Self::Store(_) | Self::Vault(_) | Self::Audit(_) | Self::Internal(_) => {
                "Une erreur interne est survenue. Réessayez plus tard.".to_owned()
            }
            Self::Unavailable(_) => {
                "Le service est momentanément indisponible : rien n'a été enregistré. Réessayez dans quelques instants.".to_owned()
            }
            Self::InvalidCredentials => "Identifiant, mot de passe ou code incorrect.".to_owned(),
            Self::Throttled { .. } => {
                "Trop de tentatives. Réessayez dans quelques minutes.".to_owned()
            }
            Self::Unauthenticated => "Authentification requise.".to_owned(),
            Self::Forbidden => "Vous n'êtes pas autorisé à effectuer cette action.".to_owned(),
            Self::NotFound => "Ressource introuvable.".to_owned(),
            Self::Denied { message, .. } => (*message).to_owned(),
            Self::TooLarge { max_bytes } => format!(
                "Document trop volumineux : {} Mo au plus.",
                max_bytes / (1024 * 1024)
            ),
            Self::Invalid { message, .. } | Self::Conflict { message, .. } => message.clone(),
        }
    }

    /// What a person is shown, in `lang`: French is [`Self::public_message`]; English comes
    /// from the policy (denials) and from `error_en` (codes), with the values the error
    /// carries. A code without its English (the catalogue test forbids it) shows the French.
    pub fn public_message_in(&self, lang: Language) -> String {
        match lang {
            Language::Fr => self.public_message(),
            Language::En => self.english_message(),
        }
    }

    fn english_message(&self) -> String {
        let text = match self {
            Self::Store(_) | Self::Vault(_) | Self::Audit(_) | Self::Internal(_) => {
                "An internal error occurred. Please try again later."
            }
            Self::Unavailable(_) => {
                "The service is temporarily unavailable: nothing was saved. Please try again in a few moments."
            }
            Self::InvalidCredentials => "Incorrect login, password or code.",
            Self::Throttled { .. } => "Too many attempts. Please try again in a few minutes.",
            Self::Unauthenticated => "Authentication required.",
            Self::Forbidden => "You are not allowed to perform this action.",
            Self::NotFound => "Resource not found.",
            Self::Denied { rule, message } => mds_policy::Rule::denial_en(rule, message)
                .or_else(|| crate::error_en::english_denial(rule))
                .unwrap_or("Access denied."),
            Self::TooLarge { max_bytes } => {
                return format!(
                    "Document too large: {} MB at most.",
                    max_bytes / (1024 * 1024)
                )
            }
            Self::Invalid { code, message } | Self::Conflict { code, message } => {
                match crate::error_en::english_message(code) {
                    Some(english) => english,
                    None => {
                        tracing::warn!(code, "error code without its English message");
                        message
                    }
                }
            }
        };
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_is_the_message_and_english_comes_by_code() {
        let e = AppError::invalid("wrong_password", "Le mot de passe actuel est incorrect.");
        assert_eq!(
            e.public_message_in(Language::Fr),
            "Le mot de passe actuel est incorrect."
        );
        assert_eq!(e.public_message_in(Language::Fr), e.public_message());
        assert_eq!(
            e.public_message_in(Language::En),
            "The current password is incorrect."
        );
        let e = AppError::TooLarge {
            max_bytes: 20 * 1024 * 1024,
        };
        assert_eq!(
            e.public_message_in(Language::Fr),
            "Document trop volumineux : 20 Mo au plus."
        );
        assert_eq!(
            e.public_message_in(Language::En),
            "Document too large: 20 MB at most."
        );
        // A code nobody translated (the catalogue test keeps this from happening): French.
        let e = AppError::conflict("no_such_code", "Texte.");
        assert_eq!(e.public_message_in(Language::En), "Texte.");
    }

    #[test]
    fn denials_are_in_english_too() {
        let rule = mds_policy::Rule::Blocked;
        let mode = mds_policy::Mode::Professional(mds_policy::AccessMode::CareTeam);
        let e = AppError::Denied {
            rule: rule.id(),
            message: rule.explanation(mode),
        };
        assert_eq!(
            e.public_message(),
            "Accès refusé : le patient vous a bloqué."
        );
        assert_eq!(
            e.public_message_in(Language::En),
            "Access denied: the patient has blocked you."
        );
        let e = AppError::Denied {
            rule: "software.two_factor_missing".to_owned(),
            message: "Le logiciel doit attester…",
        };
        assert_eq!(
            e.public_message_in(Language::En),
            "The software must attest that the professional signed in to it with two factors."
        );
        for e in [
            AppError::InvalidCredentials,
            AppError::Throttled {
                retry_after_seconds: 1,
            },
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Unavailable("x".to_owned()),
            AppError::Internal("x".to_owned()),
        ] {
            let en = e.public_message_in(Language::En);
            assert!(en.is_ascii() && en.ends_with('.'), "{en}");
            assert_ne!(en, e.public_message());
        }
    }
}
