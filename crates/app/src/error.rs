//! Errors of the use cases. Each carries a stable code for API clients and a short French
//! message for people; details stay in the logs. "Does not exist" and "you may not see it"
//! are the same `NotFound`.

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
    #[error("storage: {0}")]
    Store(#[from] mds_store::StoreError),
    #[error("vault: {0}")]
    Vault(#[from] mds_vault::VaultError),
    #[error("audit: {0}")]
    Audit(#[from] mds_audit::AuditError),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
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
            Self::Store(_) | Self::Vault(_) | Self::Audit(_) | Self::Internal(_) => "internal",
        }
    }

    /// What a person is shown. Internal failures never leak their detail.
    pub fn public_message(&self) -> String {
        match self {
            Self::Store(_) | Self::Vault(_) | Self::Audit(_) | Self::Internal(_) => {
                "Une erreur interne est survenue. Réessayez plus tard.".to_owned()
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
}
