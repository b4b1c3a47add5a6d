//! Files kept after a refused form, so that a person never chooses the same file twice (issue
//! 18: the doctor's PDF, the two identity scans of a self-enrolment).
//!
//! The contract: a file is held only after its form was refused, encrypted in the vault like
//! any document, for [`HOLD_MINUTES`], bound to its holder — the hash of the session token, or
//! of the anonymous form nonce before sign-in — and to one form field. Only that holder, for
//! that field, before expiry, gets it back; anyone else is told nothing (no such file). A
//! holder keeps at most [`MAX_PER_FORM`] files per field, the oldest dropped first. Holding
//! is not an access to a record: the refused submission itself was decided and audited by its
//! use case, and the held file reaches a record only through that use case again. Housekeeping
//! deletes expired rows and their objects; the orphan sweep and key retirement count held
//! objects as referenced.

use crate::{App, AppError};
use mds_domain::Timestamp;
use mds_store::held_uploads::{self, HeldUploadRow};
use sha2::{Digest, Sha256};

/// How long a refused form's file is kept.
pub const HOLD_MINUTES: i64 = 30;
/// Most files one holder keeps for one form field.
pub const MAX_PER_FORM: usize = 3;
/// Longest file name kept for display.
const NAME_CHARS: usize = 80;

/// A held file as a form shows it: « fichier déjà reçu : compte-rendu.pdf (120 Ko) ».
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldFile {
    /// The handle the form carries back (random, meaningless to anyone else).
    pub id: String,
    pub file_name: String,
    pub size_bytes: i64,
}

impl From<&HeldUploadRow> for HeldFile {
    fn from(r: &HeldUploadRow) -> Self {
        Self {
            id: r.id.clone(),
            file_name: r.file_name.clone(),
            size_bytes: r.size_bytes,
        }
    }
}

/// The holder of an anonymous form: the hash of its nonce (a session is already known by the
/// hash of its token, `Actor::session_hash`).
pub fn nonce_holder(nonce: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(nonce.as_bytes()))
}

/// A file name fit to show: its last path segment, without control characters, at most
/// `NAME_CHARS` characters; « fichier » when nothing is left.
pub fn display_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "fichier".to_owned()
    } else {
        clean.to_owned()
    }
}

impl App {
    /// Keeps `content`, chosen in the refused form field `form`, for its holder. Nothing is
    /// held for an empty file.
    pub async fn hold_upload(
        &self,
        holder_hash: &str,
        form: &str,
        file_name: &str,
        content: &[u8],
        now: Timestamp,
    ) -> Result<Option<HeldFile>, AppError> {
        if content.is_empty() {
            return Ok(None);
        }
        let sealed = self.vault.put(content).await?;
        let row = HeldUploadRow {
            id: mds_store::new_id(),
            holder_hash: holder_hash.to_owned(),
            form: form.to_owned(),
            file_name: display_name(file_name),
            size_bytes: i64::try_from(sealed.size).unwrap_or(i64::MAX),
            object_key: sealed.object_key,
            wrapped_key: sealed.wrapped_key,
            key_id: sealed.key_id,
            created_at_ms: now.millis(),
            expires_at_ms: now.millis() + HOLD_MINUTES * 60_000,
        };
        held_uploads::insert(&self.db, &row).await?;
        let mine = held_uploads::of_holder(&self.db, holder_hash, form).await?;
        let extra = mine.len().saturating_sub(MAX_PER_FORM);
        for old in mine.iter().take(extra) {
            self.drop_held(old).await?;
        }
        Ok(Some(HeldFile::from(&row)))
    }

    /// The held file `id` and its content, when this holder holds it for `form` and it has
    /// not expired; `None` otherwise, whoever asks.
    pub async fn held_upload(
        &self,
        holder_hash: &str,
        form: &str,
        id: &str,
        now: Timestamp,
    ) -> Result<Option<(HeldFile, Vec<u8>)>, AppError> {
        let Some(row) = held_uploads::get(&self.db, id, holder_hash, form, now.millis()).await?
        else {
            return Ok(None);
        };
        let content = self
            .vault
            .get(&row.object_key, &row.wrapped_key, &row.key_id)
            .await?;
        Ok(Some((HeldFile::from(&row), content.to_vec())))
    }

    /// Forgets the held file `id` of this holder (its form went through).
    pub async fn release_upload(
        &self,
        holder_hash: &str,
        form: &str,
        id: &str,
    ) -> Result<(), AppError> {
        let mine = held_uploads::of_holder(&self.db, holder_hash, form).await?;
        if let Some(row) = mine.iter().find(|r| r.id == id) {
            self.drop_held(row).await?;
        }
        Ok(())
    }

    /// Housekeeping: expired held files, rows and objects. Returns how many.
    pub async fn purge_held_uploads(&self, now: Timestamp) -> Result<u64, AppError> {
        let mut purged = 0;
        loop {
            let batch = held_uploads::expired(&self.db, now.millis(), 100).await?;
            if batch.is_empty() {
                return Ok(purged);
            }
            for row in &batch {
                self.drop_held(row).await?;
                purged += 1;
            }
        }
    }

    /// The row first, then the object: an object left by a crash in between is an orphan
    /// the sweep removes.
    async fn drop_held(&self, row: &HeldUploadRow) -> Result<(), AppError> {
        held_uploads::delete(&self.db, &row.id).await?;
        self.vault.delete(&row.object_key).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn file_names_are_shown_without_paths_or_controls() {
        let long = "a".repeat(200);
        let table = [
            ("compte-rendu.pdf", "compte-rendu.pdf"),
            ("C:\\Users\\dr\\Documents\\cr.pdf", "cr.pdf"),
            ("../../etc/passwd", "passwd"),
            ("scan\u{0}\u{7}.png", "scan.png"),
            ("  ", "fichier"),
            ("dossier/", "fichier"),
            (
                "Échographie T2 — Mme Wéa.pdf",
                "Échographie T2 — Mme Wéa.pdf",
            ),
            (long.as_str(), &long[..80]),
        ];
        for (sent, shown) in table {
            assert_eq!(display_name(sent), shown, "{sent:?}");
        }
    }
}
