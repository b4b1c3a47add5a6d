//! The term of a legal representation (issue 15): how long support may record that someone
//! represents a person. Pure: "today" is the date in Nouméa, passed in.
//!
//! - A **parent** represents a minor only, and at most until the day before their majority
//!   (the representation ends when they turn 18; their own account may then be activated).
//! - A **guardian** (tutelle) represents a minor until the same day, or an adult.
//! - A **curator** (curatelle) assists an adult only.
//! - For an adult, the term is at most [`MAX_ADULT_YEARS`] years ahead (a French protection
//!   measure is renewed at most for twenty years; support records the renewal as a new one).
//! - The last day is included and is today or later.

use crate::identity::adulthood_date;
use crate::RepresentationKind;
use time::Date;

/// The longest term support may record for the representation of an adult, in years.
pub const MAX_ADULT_YEARS: i32 = 20;

/// Why a term is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermRefusal {
    /// The last day is before today.
    LastDayPast,
    /// A parent, for a person who is already adult.
    ParentOfAdult,
    /// A curator, for a minor.
    CuratorOfMinor,
    /// For a minor, a last day on or after their 18th birthday.
    BeyondMajority { adult_on: Date },
    /// For an adult, a last day more than [`MAX_ADULT_YEARS`] ahead.
    TooLong,
}

impl TermRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::LastDayPast => "representation_end_past",
            Self::ParentOfAdult => "representation_parent_of_adult",
            Self::CuratorOfMinor => "representation_curator_of_minor",
            Self::BeyondMajority { .. } => "representation_beyond_majority",
            Self::TooLong => "representation_too_long",
        }
    }

    pub fn message_fr(self) -> String {
        match self {
            Self::LastDayPast => {
                "La date de fin de la représentation est passée : indiquez le dernier jour \
                 prévu par le document, aujourd'hui ou plus tard."
                    .to_owned()
            }
            Self::ParentOfAdult => {
                "Cette personne est majeure : un parent ne la représente plus. Choisissez \
                 tuteur ou curateur, sur la décision du juge."
                    .to_owned()
            }
            Self::CuratorOfMinor => {
                "Cette personne est mineure : elle est représentée par un parent ou un tuteur, \
                 pas par un curateur."
                    .to_owned()
            }
            Self::BeyondMajority { adult_on } => format!(
                "La représentation d'une personne mineure prend fin à sa majorité : le dernier \
                 jour est au plus tard la veille du {:02}/{:02}/{}.",
                adult_on.day(),
                u8::from(adult_on.month()),
                adult_on.year()
            ),
            Self::TooLong => format!(
                "La date de fin est à plus de {MAX_ADULT_YEARS} ans : indiquez celle de la \
                 décision du juge."
            ),
        }
    }
}

/// Checks the term of a representation of the person born on `birth_date`, whose last day is
/// `last_day`, recorded on `today`.
pub fn check_term(
    kind: RepresentationKind,
    birth_date: Date,
    last_day: Date,
    today: Date,
) -> Result<(), TermRefusal> {
    if last_day < today {
        return Err(TermRefusal::LastDayPast);
    }
    let adult_on = adulthood_date(birth_date);
    let minor = today < adult_on;
    match (kind, minor) {
        (RepresentationKind::Parent, false) => return Err(TermRefusal::ParentOfAdult),
        (RepresentationKind::Curator, true) => return Err(TermRefusal::CuratorOfMinor),
        _ => {}
    }
    if minor {
        if last_day >= adult_on {
            return Err(TermRefusal::BeyondMajority { adult_on });
        }
        return Ok(());
    }
    let limit = Date::from_calendar_date(today.year() + MAX_ADULT_YEARS, today.month(), 1)
        .unwrap_or(Date::MAX);
    if last_day > limit {
        return Err(TermRefusal::TooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use RepresentationKind::{Curator, Guardian, Parent};

    const TODAY: Date = date!(2026 - 12 - 05);
    const CHILD: Date = date!(2015 - 03 - 10); // adult on 2033-03-10
    const ADULT: Date = date!(1950 - 06 - 01);

    /// (name, kind, birth date, last day, expected)
    type Case = (
        &'static str,
        RepresentationKind,
        Date,
        Date,
        Result<(), TermRefusal>,
    );

    #[test]
    fn term_table() {
        let cases: [Case; 13] = [
            (
                "parent of a child until the eve of majority",
                Parent,
                CHILD,
                date!(2033 - 03 - 09),
                Ok(()),
            ),
            (
                "parent of a child, a shorter term",
                Parent,
                CHILD,
                date!(2027 - 01 - 01),
                Ok(()),
            ),
            ("the last day may be today", Parent, CHILD, TODAY, Ok(())),
            (
                "a last day in the past",
                Parent,
                CHILD,
                date!(2026 - 12 - 04),
                Err(TermRefusal::LastDayPast),
            ),
            (
                "parent up to the day of majority",
                Parent,
                CHILD,
                date!(2033 - 03 - 10),
                Err(TermRefusal::BeyondMajority {
                    adult_on: date!(2033 - 03 - 10),
                }),
            ),
            (
                "parent of an adult",
                Parent,
                ADULT,
                date!(2027 - 01 - 01),
                Err(TermRefusal::ParentOfAdult),
            ),
            (
                "guardian of a child",
                Guardian,
                CHILD,
                date!(2030 - 01 - 01),
                Ok(()),
            ),
            (
                "guardian of a child beyond majority",
                Guardian,
                CHILD,
                date!(2034 - 01 - 01),
                Err(TermRefusal::BeyondMajority {
                    adult_on: date!(2033 - 03 - 10),
                }),
            ),
            (
                "guardian of an adult",
                Guardian,
                ADULT,
                date!(2031 - 12 - 05),
                Ok(()),
            ),
            (
                "curator of an adult, twenty years",
                Curator,
                ADULT,
                date!(2046 - 12 - 01),
                Ok(()),
            ),
            (
                "curator of an adult, beyond twenty years",
                Curator,
                ADULT,
                date!(2046 - 12 - 02),
                Err(TermRefusal::TooLong),
            ),
            (
                "curator of a child",
                Curator,
                CHILD,
                date!(2027 - 01 - 01),
                Err(TermRefusal::CuratorOfMinor),
            ),
            (
                "the eighteenth birthday is today: adult",
                Parent,
                date!(2008 - 12 - 05),
                date!(2027 - 01 - 01),
                Err(TermRefusal::ParentOfAdult),
            ),
        ];
        let mut failures = Vec::new();
        for (name, kind, born, last, expected) in cases {
            let got = check_term(kind, born, last, TODAY);
            if got != expected {
                failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn refusals_are_french_sentences_with_codes() {
        for r in [
            TermRefusal::LastDayPast,
            TermRefusal::ParentOfAdult,
            TermRefusal::CuratorOfMinor,
            TermRefusal::BeyondMajority {
                adult_on: date!(2033 - 03 - 10),
            },
            TermRefusal::TooLong,
        ] {
            assert!(r.code().starts_with("representation_"));
            let m = r.message_fr();
            assert!(
                m.ends_with('.') && m.chars().next().is_some_and(char::is_uppercase),
                "{m}"
            );
        }
        assert!(TermRefusal::BeyondMajority {
            adult_on: date!(2033 - 03 - 10)
        }
        .message_fr()
        .contains("10/03/2033"));
    }
}
