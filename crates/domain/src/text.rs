//! What a person may type in a line of text (titles, names): printable characters only, and
//! no pile of combining marks on one letter ("Zalgo" text, which breaks every display). The
//! multi-line variant (reasons, comments) also allows line breaks and tabs.

/// Combining marks accepted on one base character (Vietnamese needs two; four is generous).
pub const MAX_COMBINING_MARKS: usize = 4;

/// Why a text is refused, for a French message naming the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    ControlCharacter,
    StackedMarks,
}

impl TextProblem {
    pub fn reason_fr(self) -> &'static str {
        match self {
            Self::ControlCharacter => "caractère de contrôle non accepté",
            Self::StackedMarks => "trop d'accents sur une même lettre",
        }
    }
}

/// A single line: no control character at all.
pub fn check_line(text: &str) -> Result<(), TextProblem> {
    check(text, false)
}

/// Several lines: line breaks and tabs allowed, no other control character.
pub fn check_lines(text: &str) -> Result<(), TextProblem> {
    check(text, true)
}

fn check(text: &str, multiline: bool) -> Result<(), TextProblem> {
    let mut marks = 0;
    for c in text.chars() {
        if c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')) {
            return Err(TextProblem::ControlCharacter);
        }
        if is_combining(c) {
            marks += 1;
            if marks > MAX_COMBINING_MARKS {
                return Err(TextProblem::StackedMarks);
            }
        } else {
            marks = 0;
        }
    }
    Ok(())
}

/// The combining diacritical mark blocks of Unicode.
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_line_of_text_may_hold() {
        let cases: &[(&str, Result<(), TextProblem>)] = &[
            ("Compte rendu d'hospitalisation", Ok(())),
            ("Nguyễn Thị Ánh — échographie", Ok(())),
            ("e\u{301}\u{302}", Ok(())),
            ("titre\0caché", Err(TextProblem::ControlCharacter)),
            ("ligne\nsuivante", Err(TextProblem::ControlCharacter)),
            ("bip\u{7}", Err(TextProblem::ControlCharacter)),
            ("c1\u{85}", Err(TextProblem::ControlCharacter)),
        ];
        for (text, expected) in cases {
            assert_eq!(check_line(text), *expected, "{text:?}");
        }
        let zalgo = format!("a{}", "\u{301}".repeat(60));
        assert_eq!(check_line(&zalgo), Err(TextProblem::StackedMarks));
        assert_eq!(check_lines("motif :\n\tpatient inconscient"), Ok(()));
        assert_eq!(check_lines("motif\0"), Err(TextProblem::ControlCharacter));
    }
}
