//! French first, English on request: the language of a page comes from the `mds_lang` cookie
//! (set by `/lang/{fr|en}`), French by default. The portal's own texts come from the tables in
//! `catalogue/`; the use cases' error messages from `AppError::public_message_in`.

use crate::shell::catalogue;
use crate::shell::cookies::cookie;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

pub const COOKIE: &str = "mds_lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "fr" => Some(Self::Fr),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language to offer in the switch.
    pub fn other(self) -> Self {
        match self {
            Self::Fr => Self::En,
            Self::En => Self::Fr,
        }
    }

    /// The language's own name, shown in the switch.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fr => "Français",
            Self::En => "English",
        }
    }

    /// The language of a request: its cookie, French by default.
    pub fn of(headers: &HeaderMap) -> Self {
        cookie(headers, COOKIE)
            .and_then(|c| Self::parse(&c))
            .unwrap_or(Self::Fr)
    }

    /// The text of `key`; French when the English one is missing, the key itself when unknown
    /// (the catalogue test makes sure every key used exists).
    pub fn t(self, key: &str) -> &'static str {
        match catalogue::find(key) {
            Some((_, fr, en)) => match self {
                Self::En if !en.is_empty() => en,
                _ => fr,
            },
            None => {
                tracing::warn!(key, "missing portal text");
                "…"
            }
        }
    }
}

impl From<Lang> for mds_domain::Language {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Fr => Self::Fr,
            Lang::En => Self::En,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key given to `Lang::t` in the crate's sources has its French and English texts.
    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 20, "the sources were not found: {files:?}");
        let mut missing = Vec::new();
        let mut used = 0;
        for file in files {
            let src = std::fs::read_to_string(&file).expect("read source");
            for piece in src.split(".t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                used += 1;
                match catalogue::find(key) {
                    Some((_, fr, en)) if !fr.is_empty() && !en.is_empty() => {}
                    _ => missing.push(format!("{}: {key}", file.display())),
                }
            }
        }
        assert!(used > 100, "only {used} texts found in the sources");
        assert!(missing.is_empty(), "missing texts: {missing:?}");
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = catalogue::all().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len());
    }
}
