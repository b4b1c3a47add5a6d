//! The professional portal (professionals and their assistants): its navigation and its guard
//! (`Pro`).
//! Its pages are the modules below; the routes are mounted in `lib.rs`.

pub mod access_log;
pub mod actions;
pub mod consent_form;
pub mod document_controls;
pub mod find;
pub mod opposition;
pub mod own_documents;
pub mod patients;
pub mod profile;
pub mod record;
pub mod structure;

use crate::shell::i18n::Lang;
use crate::shell::layout::{Chrome, Nav};
use crate::shell::session::{Guard, Session, SignedIn};
use mds_domain::AccountKind;

/// The professional portal's navigation.
pub const NAV: Nav = Nav {
    links: &[
        ("/pro", "nav.pro.find"),
        ("/pro/search", "prox.nav.search"),
        ("/pro/patients/new", "prox.nav.create"),
        ("/pro/access-log", "prox.nav.log"),
    ],
    sections: &[],
};

pub use crate::shell::layout::render;

/// A page's layout on the professional portal.
pub fn chrome<'a>(lang: Lang, s: &'a Session, title: &'a str, here: &'a str) -> Chrome<'a> {
    s.chrome(lang, &NAV, title, here)
}

/// Who may enter the professional portal: professionals and their assistants.
pub enum ProGuard {}

impl Guard for ProGuard {
    const ADMITS: &'static [AccountKind] = &[AccountKind::Professional, AccountKind::Assistant];
}

/// A signed-in professional or assistant on their portal (`SignedIn`: the session, the page's
/// language, the caller's address).
pub type Pro = SignedIn<ProGuard>;
