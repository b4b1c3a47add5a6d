//! Professions of the people who use MDS, from `reference/professions.csv` (embedded at build
//! time). Holds reference data only: what a profession may see is decided by `mds-policy`.

use crate::Language;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::OnceLock;

/// The shipped copy of the reference file; the project must not read `reference/` at run time.
const EMBEDDED: &str = include_str!("../../../reference/professions.csv");
const HEADER: [&str; 5] = ["slug", "fr_code", "label_fr", "label_en", "category"];

/// Broad family of a profession. Only `health` professions may declare an emergency access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfessionCategory {
    Health,
    MedicoSocial,
    /// Staff who act in the name of a professional (secretaries, reception).
    NonMedical,
}

impl ProfessionCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::MedicoSocial => "medico_social",
            Self::NonMedical => "non_medical",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "health" => Self::Health,
            "medico_social" => Self::MedicoSocial,
            "non_medical" => Self::NonMedical,
            _ => return None,
        })
    }
}

/// A profession of the reference list. Cheap to copy; serialized as its slug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Profession {
    slug: &'static str,
    fr_code: Option<&'static str>,
    label_fr: &'static str,
    label_en: &'static str,
    category: ProfessionCategory,
}

impl Profession {
    /// Every profession of the reference file, in file order.
    pub fn all() -> &'static [Profession] {
        static ALL: OnceLock<Vec<Profession>> = OnceLock::new();
        // The embedded file is checked by the tests; were it malformed, the list would be empty
        // and every lookup would fail closed.
        ALL.get_or_init(|| parse(EMBEDDED).unwrap_or_default())
    }

    /// Looks a profession up by its slug (`medecin`, `pharmacien`…).
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::all().iter().find(|p| p.slug == slug).copied()
    }

    /// Looks a profession up by its French code (TRE_G15), for professions that have one.
    pub fn from_fr_code(code: &str) -> Option<Self> {
        Self::all()
            .iter()
            .find(|p| p.fr_code == Some(code))
            .copied()
    }

    pub fn slug(self) -> &'static str {
        self.slug
    }

    /// French professional code (TRE_G15); `None` for professions outside that list.
    pub fn fr_code(self) -> Option<&'static str> {
        self.fr_code
    }

    pub fn label_fr(self) -> &'static str {
        self.label_fr
    }

    /// English label (« Doctor », « Nurse »…), for pages and history lines read in English.
    pub fn label_en(self) -> &'static str {
        self.label_en
    }

    /// The label in `lang`.
    pub fn label(self, lang: Language) -> &'static str {
        lang.pick(self.label_fr, self.label_en)
    }

    pub fn category(self) -> ProfessionCategory {
        self.category
    }

    /// A health professional (médecin, infirmier…), as opposed to médico-social or staff.
    pub fn is_health(self) -> bool {
        self.category == ProfessionCategory::Health
    }

    /// A médecin (the only profession that may hold the SAMU regulator role).
    pub fn is_physician(self) -> bool {
        self.slug == "medecin"
    }

    /// Addressed as « Dr » (médecins and chirurgiens-dentistes).
    pub fn is_doctor(self) -> bool {
        matches!(self.slug, "medecin" | "chirurgien_dentiste")
    }

    /// Staff who only act in the name of a professional (assistants), not a profession of
    /// their own in the directory.
    pub fn is_staff(self) -> bool {
        self.category == ProfessionCategory::NonMedical
    }

    pub fn is_medico_social(self) -> bool {
        self.category == ProfessionCategory::MedicoSocial
    }
}

impl Serialize for Profession {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.slug)
    }
}

impl<'de> Deserialize<'de> for Profession {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let slug = String::deserialize(deserializer)?;
        Self::from_slug(&slug)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown profession `{slug}`")))
    }
}

/// Parses the reference file; the error is the 1-based number of the first malformed line.
fn parse(text: &'static str) -> Result<Vec<Profession>, usize> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.trim().split(',').collect())
        .unwrap_or_default();
    if header != HEADER {
        return Err(1);
    }
    let mut all: Vec<Profession> = Vec::new();
    for (index, line) in lines {
        let fields: Vec<&'static str> = line.trim().split(',').map(str::trim).collect();
        let [slug, fr_code, label_fr, label_en, category] = fields[..] else {
            return Err(index + 1);
        };
        let category = ProfessionCategory::parse(category).ok_or(index + 1)?;
        let blank = slug.is_empty() || label_fr.is_empty() || label_en.is_empty();
        if blank || all.iter().any(|p| p.slug == slug) {
            return Err(index + 1);
        }
        all.push(Profession {
            slug,
            fr_code: (!fr_code.is_empty()).then_some(fr_code),
            label_fr,
            label_en,
            category,
        });
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_reference_file_loads() {
        let rows = EMBEDDED
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(parse(EMBEDDED).map(|v| v.len()), Ok(rows));
        assert_eq!(Profession::all().len(), rows);
        for p in Profession::all() {
            assert_eq!(Profession::from_slug(p.slug()), Some(*p));
        }
    }

    #[test]
    fn lookups_and_categories() {
        let medecin = Profession::from_slug("medecin").unwrap();
        assert_eq!(medecin.fr_code(), Some("10"));
        assert_eq!(medecin.label_fr(), "Médecin");
        assert_eq!(medecin.label_en(), "Doctor");
        assert_eq!(medecin.label(Language::En), "Doctor");
        assert_eq!(medecin.label(Language::Fr), "Médecin");
        assert!(medecin.is_health());
        assert_eq!(
            Profession::from_fr_code("21").map(Profession::slug),
            Some("pharmacien")
        );
        let psy = Profession::from_slug("psychologue").unwrap();
        assert!(!psy.is_health() && psy.is_medico_social());
        assert_eq!(psy.fr_code(), None);
        let assistant = Profession::from_slug("assistant").unwrap();
        assert_eq!(assistant.category(), ProfessionCategory::NonMedical);
        assert!(!assistant.is_health());
    }

    #[test]
    fn unknown_slugs_are_none() {
        assert_eq!(Profession::from_slug("sorcier"), None);
        assert_eq!(Profession::from_slug(""), None);
        assert_eq!(Profession::from_slug("Medecin"), None);
        assert_eq!(Profession::from_fr_code(""), None);
        assert_eq!(Profession::from_fr_code("99"), None);
    }

    #[test]
    fn malformed_files_are_refused_with_their_line() {
        assert_eq!(parse("slug,label\n"), Err(1));
        // The header before the English column was added is refused, not misread.
        assert_eq!(parse("slug,fr_code,label_fr,category\n"), Err(1));
        let head = "slug,fr_code,label_fr,label_en,category\n";
        assert_eq!(parse(head), Ok(vec![]));
        let bad_category = format!("{head}x,,X,X,magic\n");
        assert_eq!(parse(leak(bad_category)), Err(2));
        let short = format!("{head}x,,X,health\n");
        assert_eq!(parse(leak(short)), Err(2));
        let no_english = format!("{head}x,,X,,health\n");
        assert_eq!(parse(leak(no_english)), Err(2));
        let twice = format!("{head}x,,X,X,health\nx,,Y,Y,health\n");
        assert_eq!(parse(leak(twice)), Err(3));
    }

    fn leak(text: String) -> &'static str {
        Box::leak(text.into_boxed_str())
    }

    /// Every profession is named in English: not blank, plain ASCII (no French accents), and
    /// none of the French words of the file.
    #[test]
    fn every_profession_has_an_english_label() {
        let failing: Vec<String> = Profession::all()
            .iter()
            .filter(|p| {
                let en = p.label_en();
                en.trim().is_empty()
                    || !en.is_ascii()
                    || en == p.label_fr()
                    || [" de ", " ou ", "Médecin", "Infirmier", "agit "]
                        .iter()
                        .any(|w| en.contains(w))
            })
            .map(|p| format!("{}: {:?}", p.slug(), p.label_en()))
            .collect();
        assert!(failing.is_empty(), "failing: {failing:?}");
    }

    #[test]
    fn deserializes_from_the_slug_only() {
        use serde::de::value::{Error, StrDeserializer};
        let p = Profession::deserialize(StrDeserializer::<Error>::new("sage_femme")).unwrap();
        assert_eq!(p.slug(), "sage_femme");
        assert!(Profession::deserialize(StrDeserializer::<Error>::new("sorcier")).is_err());
        assert_eq!(
            ProfessionCategory::parse(ProfessionCategory::MedicoSocial.as_str()),
            Some(ProfessionCategory::MedicoSocial)
        );
    }
}
