//! The 33 communes of New Caledonia (INSEE codes 98801 to 98833) and their province, read from
//! the reference file shipped in the project tree (`reference/nc-communes.csv`, embedded at build
//! time). Lookup only: nothing here reads files at run time.

use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

/// The reference file, embedded so that the binary carries its own copy.
const NC_COMMUNES_CSV: &str = include_str!("../../../reference/nc-communes.csv");

/// The three provinces of New Caledonia.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Province {
    Nord,
    Sud,
    IlesLoyaute,
}

impl Province {
    /// Stable machine name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nord => "nord",
            Self::Sud => "sud",
            Self::IlesLoyaute => "iles_loyaute",
        }
    }

    /// The name as written in the reference file and shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Self::Nord => "Nord",
            Self::Sud => "Sud",
            Self::IlesLoyaute => "Îles Loyauté",
        }
    }

    /// « Province Sud », « Province des Îles Loyauté ».
    pub fn label(self) -> &'static str {
        match self {
            Self::Nord => "Province Nord",
            Self::Sud => "Province Sud",
            Self::IlesLoyaute => "Province des Îles Loyauté",
        }
    }

    fn from_reference(text: &str) -> Option<Self> {
        match text {
            "Nord" => Some(Self::Nord),
            "Sud" => Some(Self::Sud),
            "Îles Loyauté" => Some(Self::IlesLoyaute),
            _ => None,
        }
    }
}

impl fmt::Display for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One New Caledonian commune.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Commune {
    /// INSEE code, 988xx.
    pub code: &'static str,
    /// Official name with its diacritics, e.g. « Nouméa ».
    pub name: &'static str,
    pub province: Province,
}

/// Every commune of the reference file, in file order (by INSEE code).
pub fn nc_communes() -> &'static [Commune] {
    static COMMUNES: OnceLock<Vec<Commune>> = OnceLock::new();
    COMMUNES.get_or_init(|| parse_reference(NC_COMMUNES_CSV))
}

/// The New Caledonian commune with this INSEE code, if any.
pub fn find_nc_commune(code: &str) -> Option<&'static Commune> {
    nc_communes().iter().find(|c| c.code == code)
}

/// Parses `insee_code,name,province` lines. A malformed line is skipped rather than failing at
/// run time: the tests below check that every line of the shipped file is understood.
fn parse_reference(csv: &'static str) -> Vec<Commune> {
    csv.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("insee_code"))
        .filter_map(|line| {
            let mut fields = line.split(',');
            let code = fields.next()?.trim();
            let name = fields.next()?.trim();
            let province = Province::from_reference(fields.next()?.trim())?;
            let well_formed = fields.next().is_none()
                && code.len() == 5
                && code.starts_with("988")
                && code.bytes().all(|b| b.is_ascii_digit())
                && !name.is_empty();
            well_formed.then_some(Commune {
                code,
                name,
                province,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_reference_file_is_understood() {
        let data_lines = NC_COMMUNES_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(data_lines, 33);
        assert_eq!(nc_communes().len(), 33);
    }

    #[test]
    fn codes_run_from_98801_to_98833_without_gap() {
        let codes: Vec<&str> = nc_communes().iter().map(|c| c.code).collect();
        let expected: Vec<String> = (98801..=98833).map(|n: u32| n.to_string()).collect();
        assert_eq!(codes, expected);
    }

    #[test]
    fn lookup_gives_name_and_province() {
        let noumea = find_nc_commune("98818").unwrap();
        assert_eq!(noumea.name, "Nouméa");
        assert_eq!(noumea.province, Province::Sud);
        assert_eq!(
            find_nc_commune("98814").unwrap().province,
            Province::IlesLoyaute
        );
        assert_eq!(find_nc_commune("98801").unwrap().province, Province::Nord);
        assert!(find_nc_commune("98834").is_none());
        assert!(find_nc_commune("98800").is_none());
        assert!(find_nc_commune("75056").is_none());
    }

    #[test]
    fn provinces_have_stable_names() {
        assert_eq!(Province::IlesLoyaute.as_str(), "iles_loyaute");
        assert_eq!(Province::IlesLoyaute.to_string(), "Îles Loyauté");
        assert_eq!(Province::Sud.label(), "Province Sud");
    }
}
