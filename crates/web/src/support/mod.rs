//! The support console: its navigation and its guard (`Support`: support agents only). Its pages are the
//! modules below; the routes are mounted in `lib.rs`.

pub mod alerts;
pub mod audit;
pub mod consents;
pub mod directory;
pub mod directory_edit;
pub mod directory_new;
pub mod enrolments;
pub mod home;
pub mod identity;
pub mod life;
pub mod record_export;
pub mod records;
pub mod recovery;
pub mod recovery_requests;
pub mod rectifications;
pub mod representatives;
pub mod structure_software;
pub mod structures;

use crate::shell::i18n::Lang;
use crate::shell::layout::{self, Nav};
use crate::shell::session::{Guard, Session, SignedIn};
use axum::response::{Html, IntoResponse, Response};
use maud::Markup;
use mds_domain::AccountKind;

/// The support console's navigation.
pub const NAV: Nav = Nav {
    links: &[
        ("/support", "nav.support.home"),
        ("/support/professionals", "nav.support.directory"),
        ("/support/alerts", "nav.support.alerts"),
        ("/support/patients", "supx.nav.patients"),
        ("/support/identity-reviews", "supx.nav.reviews"),
        ("/support/rectifications", "supx.nav.rectifications"),
        ("/support/recovery-requests", "lostq.nav"),
        ("/support/erasures", "supx.nav.erasures"),
        ("/support/audit", "supx.nav.audit"),
        ("/support/structures", "supx.nav.structures"),
    ],
    sections: &[],
};

/// A page of the support console.
pub fn page(lang: Lang, s: &Session, title: &str, here: &str, body: Markup) -> Response {
    let c = s.chrome(lang, &NAV, title, here);
    Html(layout::page(&c, body).into_string()).into_response()
}

/// The console's record pages (`records`) and what hangs from them.
pub const PATIENTS: &str = "/support/patients";

/// Who may enter the support console: support agents.
pub enum SupportGuard {}

impl Guard for SupportGuard {
    const ADMITS: &'static [AccountKind] = &[AccountKind::Support];
}

/// A signed-in support agent on the console (`SignedIn`: the session, the page's language,
/// the caller's address).
pub type Support = SignedIn<SupportGuard>;
