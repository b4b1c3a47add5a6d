//! The patient portal: its navigation and its guard (`Patient`: a signed-in patient, on their
//! own record, or on the record of a person they legally represent once they chose to act for
//! them). Its pages are the modules below; the routes are mounted in `lib.rs`.

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
pub mod preview;
pub mod profile;
pub mod rectification;
pub mod representation;
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
        ("/patient/profile", "nav.patient.profile"),
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

/// Pages about the signed-in account's own record and account (closure, erasure,
/// rectification, limitation, contact data): a legal representative acting for someone is
/// sent back to their own record for these; support handles them for the represented person.
/// (The export is the represented person's right too: it follows the record acted on.)
fn own_account_only(path: &str) -> bool {
    const OWN: [&str; 5] = [
        "/patient/close",
        "/patient/rectification",
        "/patient/limitation",
        "/patient/contact",
        "/patient/closed",
    ];
    OWN.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    })
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
        let SignedIn {
            mut s, lang, ip, ..
        } = SignedIn::<PatientGuard>::from_request_parts(parts, web).await?;
        let record = web.app.portal_record(&s.actor, crate::shell::now()).await?;
        // The portal is nested under /patient: the path as the browser asked for it.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned());
        if record.acting_for.is_some() && own_account_only(&path) {
            return Err(WebError::App(mds_app::AppError::conflict(
                "representative_own_only",
                "Ces démarches concernent votre propre dossier : revenez à votre dossier pour \
                 les faire. Pour la personne que vous représentez (clôture, rectification), \
                 adressez-vous au support.",
            )));
        }
        s.acting_for = record.acting_for;
        Ok(Self {
            s,
            lang,
            ip,
            pid: record.patient_id,
        })
    }
}
