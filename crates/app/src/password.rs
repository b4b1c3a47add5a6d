//! Password hashing with argon2id (OWASP parameters: 19 MiB, 2 passes, 1 lane).

use crate::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2 hash: {e}")))
}

/// True when the password matches. A malformed stored hash is an internal error, not a
/// mismatch, so that a corrupted row is noticed.
pub fn verify(password: &str, stored: &str) -> Result<bool, AppError> {
    let parsed =
        PasswordHash::new(stored).map_err(|e| AppError::Internal(format!("stored hash: {e}")))?;
    Ok(hasher()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// Checks a new password: long enough, not only one repeated character, not the login.
pub fn check_strength(password: &str, login: &str, min_len: usize) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < min_len {
        return Err(AppError::invalid(
            "weak_password",
            format!("Le mot de passe doit comporter au moins {min_len} caractères."),
        ));
    }
    if n > 256 {
        return Err(AppError::invalid(
            "weak_password",
            "Le mot de passe ne doit pas dépasser 256 caractères.",
        ));
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) || password.eq_ignore_ascii_case(login) {
        return Err(AppError::invalid(
            "weak_password",
            "Ce mot de passe est trop facile à deviner.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hash_verifies_only_the_right_password() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h).unwrap());
        assert!(!verify("correct horse batterz", &h).unwrap());
        assert!(verify("x", "not a hash").is_err());
    }

    #[test]
    fn weak_passwords_are_refused() {
        let cases = [
            ("short", "too short", false),
            ("aaaaaaaaaaaaaaaa", "one repeated character", false),
            ("jean@cht.nc-xyz", "the login itself", false),
            ("Kaori-Bourail-1987", "a real passphrase", true),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(pw, _, ok)| check_strength(pw, "jean@cht.nc-xyz", 12).is_ok() != *ok)
            .map(|(_, name, _)| *name)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    }
}
