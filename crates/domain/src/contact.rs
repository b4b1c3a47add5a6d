//! How a person is reached: an e-mail address and a phone number, checked for their shape
//! only (nothing here sends anything or says whether the address exists).

/// An e-mail address, trimmed and lower-cased: one `@` with text on both sides, no space or
/// control character, 3 to 254 characters. `None` when the text is no address.
pub fn parse_email(text: &str) -> Option<String> {
    let t = text.trim().to_lowercase();
    let ok = (3..=254).contains(&t.chars().count())
        && t.split('@').count() == 2
        && !t.starts_with('@')
        && !t.ends_with('@')
        && !t.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(t)
}

/// A phone number as written, trimmed: digits, spaces, dots, hyphens and a leading `+`, with
/// 6 to 15 digits. `None` when the text is no phone number.
pub fn parse_phone(text: &str) -> Option<String> {
    let t = text.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let ok = (6..=15).contains(&digits)
        && t.char_indices().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '.' | '-') || (i == 0 && c == '+')
        });
    ok.then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_decision_table() {
        let cases = [
            (
                "plain",
                " Lea.Gope@Example.NC ",
                Some("lea.gope@example.nc"),
            ),
            ("no at sign", "lea.gope.example.nc", None),
            ("two at signs", "lea@gope@example.nc", None),
            ("nothing before", "@example.nc", None),
            ("nothing after", "lea@", None),
            ("inner space", "lea gope@example.nc", None),
            ("too short", "a@", None),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, text, want)| parse_email(text).as_deref() != *want)
            .map(|(name, _, _)| *name)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
        assert!(parse_email(&format!("{}@example.nc", "a".repeat(250))).is_none());
    }

    #[test]
    fn phone_decision_table() {
        let cases = [
            ("local", " 25 12 34 ", Some("25 12 34")),
            ("international", "+687 78.12-34", Some("+687 78.12-34")),
            ("five digits", "25 123", None),
            ("sixteen digits", "1234567890123456", None),
            ("plus inside", "687+781234", None),
            ("letters", "25 12 AB", None),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, text, want)| parse_phone(text).as_deref() != *want)
            .map(|(name, _, _)| *name)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    }
}
