//! Which policy decided: every matrix file declares its version on a comment line
//! (`# version: mds-2026.1`), and its SHA-256 digest is taken over the exact bytes loaded.
//! The pair is written in each decision's audit event as a short stamp, so an auditor can
//! tell which published file applied, and `mds policy simulate` can refuse to compare events
//! decided under another one.

use crate::error::PolicyError;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Hex characters of the digest kept in a stamp (64 bits: enough to tell published versions
/// apart; the full digest is printed by `mds policy check`).
pub const STAMP_DIGEST_CHARS: usize = 16;
const VERSION_MAX_CHARS: usize = 64;

/// The version a file declares, the SHA-256 of its bytes (lowercase hex), and its text (kept
/// so that the service can record the very file each decision was taken by).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub version: String,
    pub digest: String,
    pub text: Arc<str>,
    /// `version@digest-prefix`, as written in the audit (made once: every decision event
    /// carries it).
    stamp: String,
}

impl Source {
    /// Reads the `# version: X` line (the first one wins) and digests `text`. A version is
    /// 1 to 64 characters among letters, digits, `.`, `-` and `_`.
    pub fn of(file: &'static str, text: &str) -> Result<Self, PolicyError> {
        let declared = text.lines().find_map(|line| {
            let line = line.trim_start_matches('\u{feff}').trim();
            let rest = line.strip_prefix('#')?.trim_start();
            rest.strip_prefix("version:").map(str::trim)
        });
        let version = declared.ok_or(PolicyError::MissingVersion { file })?;
        let valid = !version.is_empty()
            && version.chars().count() <= VERSION_MAX_CHARS
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            return Err(PolicyError::BadVersion {
                file,
                value: version.to_owned(),
            });
        }
        Ok(Self::made(
            version.to_owned(),
            hex(&Sha256::digest(text.as_bytes())),
            Arc::from(text),
        ))
    }

    pub(crate) fn made(version: String, digest: String, text: Arc<str>) -> Self {
        let short = digest.get(..STAMP_DIGEST_CHARS).unwrap_or(&digest);
        let stamp = format!("{version}@{short}");
        Self {
            version,
            digest,
            text,
            stamp,
        }
    }

    /// `version@digest-prefix`, as written in the audit.
    pub fn stamp(&self) -> &str {
        &self.stamp
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_line_and_digest() {
        let s = Source::of("m", "\u{feff}# version: mds-2026.1\na,b\n").unwrap();
        assert_eq!(s.version, "mds-2026.1");
        assert_eq!(s.digest.len(), 64);
        assert_eq!(s.stamp(), format!("mds-2026.1@{}", &s.digest[..16]));
        // The digest covers every byte, comments included.
        let other = Source::of("m", "\u{feff}# version: mds-2026.1\na,b\n# note\n").unwrap();
        assert_ne!(s.digest, other.digest);
        // SHA-256 of the empty string, to pin the hex encoding.
        assert_eq!(
            hex(&Sha256::digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_file_without_a_sound_version_is_refused() {
        assert_eq!(
            Source::of("m", "a,b\n"),
            Err(PolicyError::MissingVersion { file: "m" })
        );
        for bad in ["", "2026 1", "v;1", &"x".repeat(65)] {
            assert!(
                matches!(
                    Source::of("m", &format!("# version: {bad}\n")),
                    Err(PolicyError::BadVersion { .. })
                ),
                "{bad:?}"
            );
        }
    }
}
