//! The rule a new password must meet (enrolment, self-enrolment). Hashing and verifying are
//! `crate::secrets`.

use crate::AppError;

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
