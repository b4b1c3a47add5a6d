//! The patient portal: its navigation and its guard (`Patient`: a signed-in patient, on their
//! own record). Its pages are the modules below; the routes are mounted in `lib.rs`.

pub mod account;
pub mod care_team;
pub mod consents;
pub mod contact;
pub mod controls;
pub mod documents;
pub mod history;
pub mod home;
pub mod notifications;
pub mod own_documents;
pub mod rectification;
pub mod settings;

use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::layout::{Chrome, Nav};
use crate::shell::session::{Guard, Session, SignedIn};
use crate::shell::Web;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use mds_domain::{AccountKind, PatientId};

/// The patient portal's navigation; the settings pages belong to « Mes réglages ».
pub const NAV: Nav = Nav {
    links: &[
        ("/patient", "nav.patient.home"),
        ("/patient/documents", "nav.patient.documents"),
        ("/patient/care-team", "nav.patient.care_team"),
        ("/patient/consents", "nav.patient.consents"),
        ("/patient/notifications", "nav.patient.notifications"),
        ("/patient/history", "nav.patient.history"),
        ("/patient/settings", "settings.nav"),
    ],
    sections: &[(
        "/patient/settings",
        &[
            "/patient/emergency",
            "/patient/blocked",
            "/patient/preferences",
            "/patient/export",
            "/patient/close",
        ],
    )],
};

pub use crate::shell::layout::render;

/// A page's layout on the patient portal.
pub fn chrome<'a>(lang: Lang, s: &'a Session, title: &'a str, here: &'a str) -> Chrome<'a> {
    s.chrome(lang, &NAV, title, here)
}

/// Who may enter the patient portal.
pub enum PatientGuard {}

impl Guard for PatientGuard {
    const ADMITS: &'static [AccountKind] = &[AccountKind::Patient];
}

/// A signed-in patient on their portal: the session, the page's language, the caller's
/// address and their record. Anyone else is sent to sign in, or back to their own portal.
pub struct Patient {
    pub s: Session,
    pub lang: Lang,
    pub ip: Option<String>,
    pub pid: PatientId,
}

impl FromRequestParts<Web> for Patient {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, WebError> {
        let SignedIn { s, lang, ip, .. } =
            SignedIn::<PatientGuard>::from_request_parts(parts, web).await?;
        let pid = web.app.my_record(&s.actor).await?.patient_id;
        Ok(Self { s, lang, ip, pid })
    }
}
