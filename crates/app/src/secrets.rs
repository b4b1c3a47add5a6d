//! How the service makes and keeps secrets, for every subject that issues or checks one: random
//! tokens and the SHA-256 fingerprints stored in their place, and password hashes (argon2id,
//! OWASP parameters: 19 MiB, 2 passes, 1 lane). It knows no account, session or rule: which
//! password is acceptable is `accounts::password`.

use crate::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// 256 random bits, base64url without padding.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes);
    data_encoding::BASE64URL_NOPAD.encode(&bytes)
}

/// A fresh activation code, each symbol drawn uniformly from the code alphabet.
pub fn random_enrolment_code() -> mds_domain::EnrolmentCode {
    let mut rng = rand::thread_rng();
    mds_domain::EnrolmentCode::draw(|len| rand::Rng::gen_range(&mut rng, 0..len))
}

/// The fingerprint stored in place of a token (hex SHA-256): a stolen table reveals no token.
pub(crate) fn token_hash(token: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2 hash: {e}")))
}

/// True when the password matches. A malformed stored hash is an internal error, not a
/// mismatch, so that a corrupted row is noticed.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, AppError> {
    let parsed =
        PasswordHash::new(stored).map_err(|e| AppError::Internal(format!("stored hash: {e}")))?;
    Ok(hasher()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

impl crate::App {
    /// A secret sealed under a master key (`mds_vault::Vault::seal_secret`), opened; when its
    /// key is unknown because another process rotated the keys, the key file is read again once.
    pub(crate) fn open_master_sealed(
        &self,
        context: &str,
        stored: &str,
        key_id: &str,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, AppError> {
        match self.vault.open_secret(context, stored, key_id) {
            Err(mds_vault::VaultError::UnknownKeyId { .. }) if self.key_file.is_some() => {
                self.reload_master_keys()?;
                Ok(self.vault.open_secret(context, stored, key_id)?)
            }
            other => Ok(other?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hash_verifies_only_the_right_password() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h).unwrap());
        assert!(!verify_password("correct horse batterz", &h).unwrap());
        assert!(verify_password("x", "not a hash").is_err());
    }
}
