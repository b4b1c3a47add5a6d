//! The habilitation matrix: which document types each profession may read and list. Loaded from
//! CSV so that the authority's file can replace the shipped proposal. A profession or type the
//! file does not list is closed (fail closed); deciding who deposited what is not done here.

use crate::csv;
use crate::error::PolicyError;
use mds_domain::{DocumentType, Profession};
use std::collections::{BTreeMap, BTreeSet};

/// The shipped copy of `reference/habilitation.csv`.
pub const EMBEDDED_HABILITATION: &str = include_str!("../../../reference/habilitation.csv");
pub(crate) const FILE: &str = "habilitation";
const HEADER: &str = "profession,type_code[,source]";

/// Profession slug → document type codes open to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Habilitation {
    open: BTreeMap<&'static str, BTreeSet<&'static str>>,
}

impl Habilitation {
    /// Parses `profession,type_code[,source]` rows. Professions and types must exist in the
    /// reference lists (a typo in the authority's file is an error, not a silent closure);
    /// the `source` column (`published`, `default`…) is informative and not interpreted.
    /// A repeated row is harmless and accepted.
    pub fn from_csv(text: &str) -> Result<Self, PolicyError> {
        let mut records = csv::records(text);
        let header = records.next().ok_or(PolicyError::Empty { file: FILE })?;
        let width = header.fields.len();
        let header_ok = matches!(
            header.fields[..],
            ["profession", "type_code"] | ["profession", "type_code", "source"]
        );
        if !header_ok {
            return Err(PolicyError::BadHeader {
                file: FILE,
                line: header.line,
                expected: HEADER,
            });
        }
        let mut open: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
        for record in records {
            let line = record.line;
            if record.fields.len() != width {
                return Err(PolicyError::FieldCount {
                    file: FILE,
                    line,
                    expected: width,
                    found: record.fields.len(),
                });
            }
            let (slug, code) = (record.fields[0], record.fields[1]);
            let profession =
                Profession::from_slug(slug).ok_or_else(|| PolicyError::UnknownProfession {
                    file: FILE,
                    line,
                    value: slug.to_owned(),
                })?;
            let doc_type =
                DocumentType::from_code(code).ok_or_else(|| PolicyError::UnknownDocumentType {
                    file: FILE,
                    line,
                    value: code.to_owned(),
                })?;
            open.entry(profession.slug())
                .or_default()
                .insert(doc_type.code());
        }
        Ok(Self { open })
    }

    /// A table that opens no type to anyone: the fail-closed fallback.
    pub fn closed() -> Self {
        Self {
            open: BTreeMap::new(),
        }
    }

    /// May this profession read and list documents of this type (when it did not deposit them)?
    pub fn allows(&self, profession: Profession, type_code: &str) -> bool {
        self.open
            .get(profession.slug())
            .is_some_and(|types| types.contains(type_code))
    }

    /// Every open (profession slug, type code) pair, in order.
    pub fn rows(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.open
            .iter()
            .flat_map(|(p, types)| types.iter().map(move |t| (*p, *t)))
    }

    /// The type codes open to a profession, e.g. to offer only those in a search form.
    pub fn types_for(&self, profession: Profession) -> impl Iterator<Item = &'static str> + '_ {
        self.open
            .get(profession.slug())
            .into_iter()
            .flat_map(|types| types.iter().copied())
    }
}

impl Default for Habilitation {
    /// The shipped habilitation. Its loading is checked by the tests; if it ever failed, the
    /// fallback opens nothing rather than guess.
    fn default() -> Self {
        Self::from_csv(EMBEDDED_HABILITATION).unwrap_or_else(|_| Self::closed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(slug: &str) -> Profession {
        Profession::from_slug(slug).unwrap()
    }

    #[test]
    fn embedded_file_loads_every_row() {
        let h = Habilitation::from_csv(EMBEDDED_HABILITATION).unwrap();
        assert_eq!(h, Habilitation::default());
        let rows = csv::records(EMBEDDED_HABILITATION).count() - 1;
        let loaded: usize = h.open.values().map(BTreeSet::len).sum();
        assert_eq!(loaded, rows, "the reference file has no duplicate rows");
        for record in csv::records(EMBEDDED_HABILITATION).skip(1) {
            assert!(h.allows(p(record.fields[0]), record.fields[1]));
        }
    }

    #[test]
    fn professions_see_only_their_rows() {
        let h = Habilitation::default();
        assert!(h.allows(p("medecin"), "68599-0"));
        assert!(!h.allows(p("infirmier"), "68599-0"));
        assert!(!h.allows(p("pharmacien"), "11488-4"));
        assert!(h.allows(p("pharmacien"), "60593-1"));
        assert!(!h.allows(p("assistant"), "11488-4"));
        assert!(!h.allows(p("medecin"), "unknown"));
        assert_eq!(h.types_for(p("technicien_laboratoire")).count(), 2);
        assert_eq!(h.types_for(p("assistant")).count(), 0);
        assert!(!Habilitation::closed().allows(p("medecin"), "11488-4"));
    }

    #[test]
    fn malformed_files_are_refused() {
        assert_eq!(
            Habilitation::from_csv("\n\n"),
            Err(PolicyError::Empty { file: FILE })
        );
        assert!(matches!(
            Habilitation::from_csv("type_code,profession\n"),
            Err(PolicyError::BadHeader { .. })
        ));
        let two = Habilitation::from_csv("profession,type_code\nmedecin,11488-4\n").unwrap();
        assert!(two.allows(p("medecin"), "11488-4"));
        assert!(matches!(
            Habilitation::from_csv("profession,type_code\nmedecin\n"),
            Err(PolicyError::FieldCount { line: 2, .. })
        ));
        assert!(matches!(
            Habilitation::from_csv("profession,type_code\nmédecin,11488-4\n"),
            Err(PolicyError::UnknownProfession { line: 2, .. })
        ));
        assert!(matches!(
            Habilitation::from_csv("profession,type_code,source\nmedecin,1-1,nc\n"),
            Err(PolicyError::UnknownDocumentType { line: 2, .. })
        ));
    }
}
