//! The activation code a new account holder types (or is read over the phone) to choose a
//! password and a second factor: ten symbols of an alphabet without look-alikes, shown in
//! groups as `ABCD-EFGH-JK` (12 characters with the separators), accepted in either case,
//! with or without separators and spaces. Pure: drawing the symbols is the caller's.
//!
//! # Why ten symbols are enough
//! The alphabet has 31 symbols (digits 2–9 and the letters without I, L and O, so no 0/O or
//! 1/I/L confusion), so a code is one of 31^10 ≈ 8.2·10^14 (49.5 bits). The first four
//! symbols are the code's *selector*, which names the stored row (31^4 = 923,521 values, kept
//! unique among live codes); the other six are the *verifier*, 31^6 ≈ 8.9·10^8 (29.7 bits),
//! stored only as an argon2id hash. Every wrong verifier typed with a live selector counts
//! against that one code, which is revoked after [`MAX_FAILED_ATTEMPTS`] failures (audited),
//! and a code also expires after a few days (`enrolment_token_hours`). So an online guesser
//! wins a given code with probability at most 5 / 8.9·10^8 ≈ 5.6·10^-9, however many requests
//! they send, and over 10,000 live codes expects 5.6·10^-5 codes: infeasible. Guessing the
//! whole code at random (not knowing a live selector) is worse for them (31^10 per try). A
//! stolen table gives argon2id hashes (19 MiB, 2 passes): trying the 8.9·10^8 verifiers of one
//! code costs thousands of core-hours, against a code that expires in days.
//! The price of the limit: someone who knows a live selector can spend a code's attempts, and
//! support then issues a new one (the revocation is in the audit trail).

/// The symbols of a code, in no meaningful order: no 0, 1, I, L or O.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Symbols in a code.
pub const LENGTH: usize = 10;
/// Symbols of the selector (the code's first ones), which name the stored row.
pub const SELECTOR_LENGTH: usize = 4;
/// Wrong verifiers typed for one code before it is revoked.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;

/// A well-formed activation code in its canonical form (ten upper-case symbols).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentCode(String);

impl EnrolmentCode {
    /// The code made of `LENGTH` symbols picked by `pick(ALPHABET.len())`, which must return an
    /// index below its argument drawn uniformly at random (the caller's CSPRNG).
    pub fn draw(mut pick: impl FnMut(usize) -> usize) -> Self {
        let code = (0..LENGTH)
            .map(|_| char::from(ALPHABET[pick(ALPHABET.len()) % ALPHABET.len()]))
            .collect();
        Self(code)
    }

    /// What a person typed: case, spaces and hyphens (or dots) between symbols do not
    /// matter; anything else that is not a symbol of the alphabet refuses the whole code.
    pub fn parse(typed: &str) -> Option<Self> {
        let mut code = String::with_capacity(LENGTH);
        for c in typed.chars() {
            if c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '–' | '.') {
                continue;
            }
            let up = c.to_ascii_uppercase();
            if !up.is_ascii() || !ALPHABET.contains(&(up as u8)) || code.len() == LENGTH {
                return None;
            }
            code.push(up);
        }
        (code.len() == LENGTH).then_some(Self(code))
    }

    /// The canonical symbols, without separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The symbols naming the stored row.
    pub fn selector(&self) -> &str {
        &self.0[..SELECTOR_LENGTH]
    }

    /// The symbols stored only as a hash.
    pub fn verifier(&self) -> &str {
        &self.0[SELECTOR_LENGTH..]
    }

    /// As shown and sent: `ABCD-EFGH-JK`.
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_has_no_look_alikes_and_no_repeats() {
        for c in b"01ILO" {
            assert!(!ALPHABET.contains(c), "{}", char::from(*c));
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ALPHABET.len());
    }

    #[test]
    fn parse_table() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("canonical", "ABCD2345JK", Some("ABCD2345JK")),
            ("displayed", "ABCD-2345-JK", Some("ABCD2345JK")),
            ("lower case", "abcd-2345-jk", Some("ABCD2345JK")),
            ("spaces", " abcd 2345 jk ", Some("ABCD2345JK")),
            ("mixed separators", "AB.CD-23 45–JK", Some("ABCD2345JK")),
            ("too short", "ABCD-2345-J", None),
            ("too long", "ABCD-2345-JKM", None),
            ("zero", "ABCD-2345-J0", None),
            ("letter O", "ABCD-2345-JO", None),
            ("one", "ABCD-2345-J1", None),
            ("letter I", "ABCD-2345-JI", None),
            ("letter L", "ABCD-2345-Jl", None),
            ("punctuation", "ABCD/2345/JK", None),
            ("accented", "ÀBCD-2345-JK", None),
            ("empty", "", None),
            (
                "old long token",
                "q3Jx9vL2mYtR8sKp4wZn6bHc1dFg7eAi0uXo5jVy2lM",
                None,
            ),
        ];
        let failed: Vec<&str> = cases
            .iter()
            .filter(|(_, typed, want)| {
                EnrolmentCode::parse(typed)
                    .as_ref()
                    .map(EnrolmentCode::as_str)
                    != *want
            })
            .map(|(name, _, _)| *name)
            .collect();
        assert!(failed.is_empty(), "failing cases: {failed:?}");
    }

    #[test]
    fn display_is_at_most_12_characters_and_parses_back() {
        let mut n = 0usize;
        let code = EnrolmentCode::draw(|len| {
            n += 7;
            n % len
        });
        let shown = code.display();
        assert_eq!(shown.chars().count(), 12, "{shown}");
        assert_eq!(shown.matches('-').count(), 2);
        assert_eq!(EnrolmentCode::parse(&shown), Some(code.clone()));
        assert_eq!(code.selector().len() + code.verifier().len(), LENGTH);
        assert_eq!(
            format!("{}{}", code.selector(), code.verifier()),
            code.as_str()
        );
    }

    #[test]
    fn the_entropy_argument_holds() {
        let alphabet = ALPHABET.len() as f64;
        let verifier = alphabet.powi((LENGTH - SELECTOR_LENGTH) as i32);
        assert!(MAX_FAILED_ATTEMPTS as f64 / verifier < 1e-8);
        assert!(alphabet.powi(LENGTH as i32).log2() > 49.0);
    }
}
