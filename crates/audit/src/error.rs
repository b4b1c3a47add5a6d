//! Errors of the audit trail. A broken chain is not an error: [`crate::verify`] reports it as
//! a [`crate::VerifyOutcome`]; these are the failures to carry out a request at all.

use mds_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A programming error in the caller: the event cannot be recorded as given.
    #[error("invalid audit event: {0}")]
    InvalidEvent(String),
    #[error("invalid audit anchor: {0}")]
    InvalidAnchor(String),
    /// A stored row cannot be read back (for example an unknown outcome); run `verify`.
    #[error("stored audit data is unreadable: {0}")]
    Corrupt(String),
    /// The group commit that carried this event failed (every event of its batch failed).
    #[error("audit batch not stored: {0}")]
    Batch(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AuditError {
    /// The database could not take the events now (see [`StoreError::is_unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_unavailable())
    }
}
