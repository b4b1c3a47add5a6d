//! Document types (LOINC or CI-SIS codes) and their DMP class, from
//! `reference/document-types.csv` embedded at build time; and the status of a document version.
//! Reference data only: which profession may read which type is `mds-policy`'s habilitation.

use crate::Language;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::OnceLock;

/// The shipped copy of the reference file; the project must not read `reference/` at run time.
const EMBEDDED: &str = include_str!("../../../reference/document-types.csv");
const HEADER: [&str; 6] = [
    "type_code",
    "label_fr",
    "label_en",
    "class_code",
    "class_label_fr",
    "class_label_en",
];

/// A document type of the reference list. Cheap to copy; serialized as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DocumentType {
    code: &'static str,
    label_fr: &'static str,
    label_en: &'static str,
    class_code: &'static str,
    class_label_fr: &'static str,
    class_label_en: &'static str,
}

impl DocumentType {
    /// Every document type of the reference file, in file order.
    pub fn all() -> &'static [DocumentType] {
        static ALL: OnceLock<Vec<DocumentType>> = OnceLock::new();
        // The embedded file is checked by the tests; were it malformed, the list would be empty
        // and every lookup would fail closed.
        ALL.get_or_init(|| parse(EMBEDDED).unwrap_or_default())
    }

    /// Looks a type up by its code (`11488-4`, `EXPPAT_1`…). Codes are case-sensitive.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::all().iter().find(|t| t.code == code).copied()
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    pub fn label_fr(self) -> &'static str {
        self.label_fr
    }

    /// English name of the type (« Operative report »), for pages read in English.
    pub fn label_en(self) -> &'static str {
        self.label_en
    }

    /// The type's name in `lang`.
    pub fn label(self, lang: Language) -> &'static str {
        lang.pick(self.label_fr, self.label_en)
    }

    /// DMP class code (JDV_J57), e.g. `10` for « Compte rendu ».
    pub fn class_code(self) -> &'static str {
        self.class_code
    }

    pub fn class_label_fr(self) -> &'static str {
        self.class_label_fr
    }

    /// English name of the class (« Report »).
    pub fn class_label_en(self) -> &'static str {
        self.class_label_en
    }

    /// The class's name in `lang`.
    pub fn class_label(self, lang: Language) -> &'static str {
        lang.pick(self.class_label_fr, self.class_label_en)
    }
}

impl Serialize for DocumentType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for DocumentType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Self::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown document type `{code}`")))
    }
}

/// Status of one version of a document (DESIGN.md section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// The version shown in lists.
    Current,
    /// Replaced by a newer version (rectification); it leaves the lists.
    Superseded,
    /// Content erased; only the fact that it existed remains.
    Deleted,
}

impl DocumentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Superseded => "superseded",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "current" => Self::Current,
            "superseded" => Self::Superseded,
            "deleted" => Self::Deleted,
            _ => return None,
        })
    }
}

/// Parses the reference file; the error is the 1-based number of the first malformed line.
fn parse(text: &'static str) -> Result<Vec<DocumentType>, usize> {
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
    let mut all: Vec<DocumentType> = Vec::new();
    for (index, line) in lines {
        let fields: Vec<&'static str> = line.trim().split(',').map(str::trim).collect();
        let [code, label_fr, label_en, class_code, class_label_fr, class_label_en] = fields[..]
        else {
            return Err(index + 1);
        };
        let blank = [
            code,
            label_fr,
            label_en,
            class_code,
            class_label_fr,
            class_label_en,
        ]
        .iter()
        .any(|f| f.is_empty());
        if blank || all.iter().any(|t| t.code == code) {
            return Err(index + 1);
        }
        all.push(DocumentType {
            code,
            label_fr,
            label_en,
            class_code,
            class_label_fr,
            class_label_en,
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
        assert_eq!(DocumentType::all().len(), rows);
        for t in DocumentType::all() {
            assert_eq!(DocumentType::from_code(t.code()), Some(*t));
        }
    }

    #[test]
    fn lookup_gives_labels_and_class() {
        let t = DocumentType::from_code("11488-4").unwrap();
        assert_eq!(
            t.label_fr(),
            "Compte rendu ou fiche de consultation ou de visite"
        );
        assert_eq!((t.class_code(), t.class_label_fr()), ("10", "Compte rendu"));
        assert_eq!(t.label_en(), "Consultation or visit report");
        assert_eq!(t.class_label_en(), "Report");
        assert_eq!(t.label(Language::En), t.label_en());
        assert_eq!(t.class_label(Language::Fr), "Compte rendu");
        let d = DocumentType::from_code("EXPPAT_3").unwrap();
        assert_eq!(d.label_fr(), "Directives anticipées");
        assert_eq!(d.class_code(), "90");
        assert_eq!(d.label_en(), "Advance directives");
        assert_eq!(d.class_label_en(), "Document added by the patient");
    }

    #[test]
    fn unknown_codes_are_none() {
        assert_eq!(DocumentType::from_code("00000-0"), None);
        assert_eq!(DocumentType::from_code(""), None);
        assert_eq!(DocumentType::from_code("exppat_1"), None);
    }

    #[test]
    fn malformed_files_are_refused_with_their_line() {
        assert_eq!(parse("code,label\n"), Err(1));
        // The header before the English columns were added is refused, not misread.
        assert_eq!(
            parse("type_code,label_fr,class_code,class_label_fr\n"),
            Err(1)
        );
        let head = "type_code,label_fr,label_en,class_code,class_label_fr,class_label_en\n";
        assert_eq!(parse(head), Ok(vec![]));
        let short = format!("{head}1-1,A,10,B\n");
        assert_eq!(parse(leak(short)), Err(2));
        let blank = format!("{head}1-1,,A,10,B,B\n");
        assert_eq!(parse(leak(blank)), Err(2));
        let no_english = format!("{head}1-1,A,A,10,B,\n");
        assert_eq!(parse(leak(no_english)), Err(2));
        let twice = format!("{head}1-1,A,A,10,B,B\n1-1,C,C,10,B,B\n");
        assert_eq!(parse(leak(twice)), Err(3));
    }

    fn leak(text: String) -> &'static str {
        Box::leak(text.into_boxed_str())
    }

    /// Every type and class is named in English: not blank, plain ASCII (no French accents)
    /// and none of the French words of the file; a type's English name differs from its
    /// French one.
    #[test]
    fn every_type_and_class_has_an_english_label() {
        let french = [
            " de ",
            " du ",
            " d'",
            " ou ",
            "Compte rendu",
            "Synthèse",
            " le ",
        ];
        let english_ok = |en: &str| {
            !en.trim().is_empty() && en.is_ascii() && !french.iter().any(|w| en.contains(w))
        };
        let failing: Vec<String> = DocumentType::all()
            .iter()
            .filter(|t| {
                !english_ok(t.label_en())
                    || t.label_en() == t.label_fr()
                    || !english_ok(t.class_label_en())
            })
            .map(|t| {
                format!(
                    "{}: {:?} / {:?}",
                    t.code(),
                    t.label_en(),
                    t.class_label_en()
                )
            })
            .collect();
        assert!(failing.is_empty(), "failing: {failing:?}");
    }

    #[test]
    fn serde_and_status_round_trip() {
        use serde::de::value::{Error, StrDeserializer};
        let t = DocumentType::deserialize(StrDeserializer::<Error>::new("60593-1")).unwrap();
        assert_eq!(t.label_fr(), "Dispensation médicamenteuse");
        assert!(DocumentType::deserialize(StrDeserializer::<Error>::new("nope")).is_err());
        for s in [
            DocumentStatus::Current,
            DocumentStatus::Superseded,
            DocumentStatus::Deleted,
        ] {
            assert_eq!(DocumentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(DocumentStatus::parse("archived"), None);
    }
}
