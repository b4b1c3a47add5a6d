//! The languages of the product's texts: French first, English on request (issue 15, item 10).
//! A use case that words something for a person (an error, a notification, a history line)
//! takes the language as a parameter; French is the default everywhere.

/// A language the product speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];

    /// `fr` or `en` (as stored and as in the portals' cookie).
    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The text for this language among a French one and an English one.
    pub fn pick<T>(self, fr: T, en: T) -> T {
        match self {
            Self::Fr => fr,
            Self::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in Language::ALL {
            assert_eq!(Language::parse(l.code()), Some(l));
        }
        assert_eq!(Language::parse("de"), None);
        assert_eq!(Language::default(), Language::Fr);
        assert_eq!(Language::En.pick("bonjour", "hello"), "hello");
    }
}
