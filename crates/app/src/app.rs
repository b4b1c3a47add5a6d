//! The application handle shared by every surface, and the authenticated actor.

use crate::{secrets, Settings};
use mds_domain::{AccountId, AccountKind, StructureId};
use mds_store::Db;
use mds_vault::Vault;
use std::sync::Arc;

/// Cloned for every request by each layer and handler that holds it: one shared reference,
/// so a clone is one increment however many parts the handle has.
#[derive(Clone)]
pub struct App {
    shared: Arc<Shared>,
}

/// What an [`App`] holds, reached through it (`app.db`).
#[derive(Clone)]
pub struct Shared {
    pub(crate) db: Db,
    pub(crate) vault: Vault,
    pub(crate) settings: Arc<Settings>,
    /// The access matrices and policy settings every record decision is judged by.
    pub(crate) policy: Arc<mds_policy::Policy>,
    /// A hash of a random password, verified when the login is unknown so that the answer
    /// takes as long as for a real account.
    pub(crate) dummy_hash: Arc<String>,
    /// The master key file, when known: reloaded when content is wrapped under a key id this
    /// process has not loaded (another process rotated the keys).
    pub(crate) key_file: Option<Arc<std::path::PathBuf>>,
    /// Audit events with no other state change share their durable commit (group commit).
    pub(crate) audit: Arc<mds_audit::GroupCommit>,
    /// Where long operator tasks report their advance (nowhere by default).
    pub(crate) progress: Arc<dyn crate::progress::Progress>,
    /// The address people reach the portals at (`public_url`, or the address served), from
    /// which links sent by e-mail are made; empty: links are paths only.
    pub(crate) public_url: Arc<str>,
    /// The actors of sessions, kept while the authentication epoch does not move.
    pub(crate) sessions: Arc<crate::session_cache::SessionCache>,
}

impl std::ops::Deref for App {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

impl App {
    pub fn new(db: Db, vault: Vault, settings: Settings) -> Result<Self, crate::AppError> {
        let dummy_hash = secrets::hash_password(&secrets::random_token())?;
        let policy = mds_policy::Policy::shipped(settings.policy_settings());
        let shared = Shared {
            audit: Arc::new(mds_audit::GroupCommit::new(db.clone())),
            db,
            vault,
            policy: Arc::new(policy),
            settings: Arc::new(settings),
            dummy_hash: Arc::new(dummy_hash),
            key_file: None,
            progress: Arc::new(crate::progress::Silent),
            public_url: Arc::from(""),
            sessions: Arc::default(),
        };
        Ok(Self {
            shared: Arc::new(shared),
        })
    }

    /// The parts, to change one while the handle is being built (before it is shared; a copy
    /// of the parts otherwise).
    fn parts(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.shared)
    }

    /// Judges record decisions by `policy` (matrices loaded from the configured files) instead
    /// of the shipped one; its settings replace those taken from `Settings`.
    pub fn with_policy(mut self, policy: mds_policy::Policy) -> Self {
        self.parts().policy = Arc::new(policy);
        self
    }

    /// Reports the advance of long operator tasks to `progress` (an operator command's bar).
    pub fn with_progress(mut self, progress: Arc<dyn crate::progress::Progress>) -> Self {
        self.parts().progress = progress;
        self
    }

    /// Names the address people reach the portals at, for links sent by e-mail.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.parts().public_url = Arc::from(url.trim_end_matches('/'));
        self
    }

    /// Names the master key file this instance's vault was loaded from.
    pub fn with_key_file(mut self, path: std::path::PathBuf) -> Self {
        self.parts().key_file = Some(Arc::new(path));
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The policy (matrices and settings) record decisions are judged by.
    pub fn policy(&self) -> &mds_policy::Policy {
        &self.policy
    }

    /// Records an audit event that comes with no other state change (a read, a search, a
    /// denial, a failed sign-in), and returns once it is durable. Concurrent requests share
    /// one commit ([`mds_audit::GroupCommit`]); an event that must commit with a change goes
    /// in that change's transaction instead (`mds_audit::append`).
    pub(crate) async fn record_event(
        &self,
        event: mds_audit::NewEvent,
        at_ms: i64,
    ) -> Result<mds_audit::AuditRecord, mds_audit::AuditError> {
        self.audit.record(event, at_ms).await
    }

    /// Readiness: the database accepts a durable write, the vault writes and reads back a
    /// probe, and both keep more free space than `min_free_megabytes` — so a balancer stops
    /// sending traffic before the last bytes are gone, not after.
    pub async fn ready(&self) -> Result<(), crate::AppError> {
        self.db.probe_write().await?;
        self.vault.ping().await?;
        self.ensure_room(0)
    }

    /// Refuses (storage unavailable, 503) a write of `bytes` that would leave less than
    /// `min_free_megabytes` free on the database's or the local vault's file system. Checked
    /// before content is written, so a filling disk refuses uploads while the audit and the
    /// database still have room.
    pub(crate) fn ensure_room(&self, bytes: usize) -> Result<(), crate::AppError> {
        let floor = self.settings.min_free_megabytes.saturating_mul(1024 * 1024);
        let need = floor.saturating_add(bytes as u64);
        let free = [
            ("database", self.db.free_bytes()?),
            ("vault", self.vault.free_bytes()?),
        ];
        for (what, free) in free {
            if let Some(free) = free.filter(|f| *f < need) {
                return Err(crate::AppError::Unavailable(format!(
                    "{what} file system has {free} bytes free, below the floor of {floor} \
                     (+{bytes} for this write)"
                )));
            }
        }
        Ok(())
    }
}

/// Who is making a request, as established by a valid session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub account_id: AccountId,
    pub kind: AccountKind,
    pub display_name: String,
    pub session_hash: String,
    /// Set when a structure's software acts in the name of this professional: the
    /// credential and its structure (`kind` is then `Professional`, `account_id` the
    /// professional named by the software).
    pub software: Option<SoftwareAgent>,
    /// The professional whose rights apply (the account itself, or an assistant's
    /// employer), as read with the session by [`App::authenticate`] in the same statement;
    /// `None` when not read with the session (then looked up when needed) or when there is
    /// no active such professional.
    pub acting_professional: Option<mds_policy::ProfessionalActor>,
    /// The structure a professional (or an assistant's professional) acts from in this
    /// session, as read with it: its name, and whether there are others to choose from.
    pub acting_structure: Option<ActingStructure>,
    /// The record a patient account chose to act on as its holder's legal representative in
    /// this session (`None`: their own). The policy decides at each request.
    pub acting_for: Option<mds_domain::PatientId>,
}

/// The structure a session acts from, for the portals' header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActingStructure {
    pub name: String,
    /// The professional works in more than one structure (the header offers the choice).
    pub choosable: bool,
}

/// A structure's software, authenticated by its credential (DESIGN.md 7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftwareAgent {
    pub credential_id: String,
    pub structure_id: StructureId,
    pub label: String,
}

impl Actor {
    pub fn require(&self, kind: AccountKind) -> Result<(), crate::AppError> {
        if self.kind == kind {
            Ok(())
        } else {
            Err(crate::AppError::Forbidden)
        }
    }
}
