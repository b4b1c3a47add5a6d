//! The support console: its navigation and its guard (`Support`: support agents only). Its pages are the
//! modules below; the routes are mounted in `lib.rs`.

pub mod alerts;
pub mod audit;
pub mod directory;
pub mod directory_new;
pub mod enrolments;
pub mod home;
pub mod identity;
pub mod life;
pub mod records;
pub mod structures;

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

/// The support console's navigation.
pub const NAV: Nav = Nav {
    links: &[
        ("/support", "nav.support.home"),
        ("/support/professionals", "nav.support.directory"),
        ("/support/alerts", "nav.support.alerts"),
        ("/support/patients", "supx.nav.patients"),
        ("/support/identity-reviews", "supx.nav.reviews"),
        ("/support/erasures", "supx.nav.erasures"),
        ("/support/audit", "supx.nav.audit"),
        ("/support/structures", "supx.nav.structures"),
    ],
    sections: &[],
};

/// A page of the support console.
pub fn page(lang: Lang, s: &Session, title: &str, here: &str, body: Markup) -> Response {
    let c = Chrome {
        lang,
        nav: &NAV,
        title,
        here,
        user: Some((&s.actor.display_name, &s.csrf)),
    };
    Html(layout::page(&c, body).into_string()).into_response()
}

/// A signed-in support agent on the console: the session, the page's language and the
/// caller's address. Anyone else is sent to sign in, or back to their own portal.
pub struct Support {
    pub s: Session,
    pub lang: Lang,
    pub ip: Option<String>,
}

impl FromRequestParts<Web> for Support {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, WebError> {
        let SignedIn { s, lang, ip } = SignedIn::from_request_parts(parts, web).await?;
        s.require(AccountKind::Support)?;
        Ok(Self { s, lang, ip })
    }
}
