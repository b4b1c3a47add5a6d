//! The professional portal (professionals and their assistants): its navigation and its guard
//! (`Pro`).
//! Its pages are the modules below; the routes are mounted in `lib.rs`.

pub mod access_log;
pub mod actions;
pub mod find;
pub mod opposition;
pub mod own_documents;
pub mod patients;
pub mod record;

use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::layout::{self, Chrome, Nav};
use crate::shell::session::{Session, SignedIn};
use crate::shell::Web;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use maud::Markup;
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

pub fn chrome<'a>(lang: Lang, s: &'a Session, title: &'a str, here: &'a str) -> Chrome<'a> {
    Chrome {
        lang,
        nav: &NAV,
        title,
        here,
        user: Some((&s.actor.display_name, &s.csrf)),
    }
}

pub fn render(c: &Chrome, body: Markup) -> Result<Response, WebError> {
    Ok(Html(layout::page(c, body).into_string()).into_response())
}

/// A signed-in professional or assistant on their portal: the session, the page's language
/// and the caller's address. Anyone else is sent to sign in, or back to their own portal.
pub struct Pro {
    pub s: Session,
    pub lang: Lang,
    pub ip: Option<String>,
}

impl FromRequestParts<Web> for Pro {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, WebError> {
        let SignedIn { s, lang, ip } = SignedIn::from_request_parts(parts, web).await?;
        match s.actor.kind {
            AccountKind::Professional | AccountKind::Assistant => Ok(Self { s, lang, ip }),
            _ => Err(WebError::WrongPortal),
        }
    }
}
