//! Care structures as the directory knows them: their kinds and their RIDET number.

/// Kinds of care structures.
pub const STRUCTURE_KINDS: &[&str] = &[
    "hospital",
    "clinic",
    "dispensary",
    "medical_centre",
    "practice",
    "pharmacy",
    "laboratory",
    "samu",
    "other",
];

/// RIDET: the 7-digit company number, a dot and the 3-digit establishment rank
/// (`1234567.001`), trimmed. `None` when the text has another shape.
pub fn parse_ridet(text: &str) -> Option<String> {
    let t = text.trim();
    let ok = t.len() == 11
        && t.char_indices()
            .all(|(i, c)| if i == 7 { c == '.' } else { c.is_ascii_digit() });
    ok.then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ridet_decision_table() {
        let cases = [
            ("plain", " 0900001.001 ", Some("0900001.001")),
            ("no dot", "0900001001", None),
            ("dot misplaced", "090000.1001", None),
            ("letter", "09000A1.001", None),
            ("short rank", "0900001.01", None),
        ];
        let failing: Vec<_> = cases
            .iter()
            .filter(|(_, text, want)| parse_ridet(text).as_deref() != *want)
            .map(|(name, _, _)| *name)
            .collect();
        assert!(failing.is_empty(), "failing cases: {failing:?}");
    }
}
