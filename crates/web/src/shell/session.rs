//! Browser sessions of the portals: the server-side sessions of `mds-app` behind the session
//! cookie (`cookies`). The anti-CSRF token of a form is derived from the session token
//! (`mds_app::accounts::sign_in::csrf_token`); before sign-in, the anonymous forms are bound to a random
//! nonce cookie the same way. A session is looked up once per request, whatever asks for it.

use crate::shell::cookies::{self, cookie, session_name};
use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::layout::{Chrome, Nav};
use crate::shell::Web;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::Method;
use mds_app::Actor;
use mds_domain::AccountKind;
use std::marker::PhantomData;

/// The path and query of the request, to come back to after signing in (GET only).
fn here(parts: &Parts) -> String {
    if parts.method == Method::GET {
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0);
        uri.path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned())
    } else {
        "/".to_owned()
    }
}

/// A signed-in account and the anti-CSRF token of its session.
#[derive(Clone)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
    /// Counts shown beside navigation links, by link (`/support/alerts`: the alerts not
    /// reviewed yet).
    pub nav_counts: Vec<(&'static str, i64)>,
    /// On the patient portal, the person whose record the session acts on as their legal
    /// representative (set by the portal's guard).
    pub acting_for: Option<String>,
}

impl Session {
    /// A page's layout for this account on a portal with navigation `nav`.
    pub fn chrome<'a>(
        &'a self,
        lang: Lang,
        nav: &'a Nav,
        title: &'a str,
        here: &'a str,
    ) -> Chrome<'a> {
        Chrome {
            lang,
            nav,
            title,
            here,
            user: Some((&self.actor.display_name, &self.csrf)),
            counts: &self.nav_counts,
            acting_for: self.acting_for.as_deref(),
            structure: self
                .actor
                .acting_structure
                .as_ref()
                .map(|s| (s.name.as_str(), s.choosable)),
        }
    }

    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if cookies::same(sent, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// The session of the request, if any is alive (no redirect).
pub async fn current(parts: &Parts, web: &Web) -> Result<Option<Session>, WebError> {
    let secure = web.options.secure_cookies;
    let Some(token) = cookie(&parts.headers, session_name(secure)).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if token.len() > 128 {
        return Ok(None);
    }
    match web.app.authenticate(&token, crate::shell::now()).await {
        Ok(actor) => Ok(Some(Session {
            actor,
            csrf: mds_app::accounts::sign_in::csrf_token(&token),
            nav_counts: Vec::new(),
            acting_for: None,
        })),
        Err(mds_app::AppError::Unauthenticated) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The session of the request, or the way to the login page (back here afterwards). Kept in
/// the request once found, so that a guard and a posted form share one lookup.
impl FromRequestParts<Web> for Session {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        if let Some(s) = parts.extensions.get::<Session>() {
            return Ok(s.clone());
        }
        match current(parts, web).await? {
            Some(s) => {
                parts.extensions.insert(s.clone());
                Ok(s)
            }
            None => {
                let had_cookie = cookie(&parts.headers, session_name(web.options.secure_cookies))
                    .is_some_and(|t| !t.is_empty());
                Err(WebError::Login {
                    next: here(parts),
                    expired: had_cookie,
                })
            }
        }
    }
}

/// Who may enter a portal: each portal's guard names the kinds of account it admits.
pub trait Guard {
    const ADMITS: &'static [AccountKind];
}

/// A signed-in account that the portal's guard `G` admits: its session, the page's language
/// and the caller's address. Anyone else is sent to sign in, or back to their own portal.
pub struct SignedIn<G> {
    pub s: Session,
    pub lang: Lang,
    pub ip: Option<String>,
    pub guard: PhantomData<G>,
}

impl<G: Guard> FromRequestParts<Web> for SignedIn<G> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        let mut s = Session::from_request_parts(parts, web).await?;
        if !G::ADMITS.contains(&s.actor.kind) {
            return Err(WebError::WrongPortal);
        }
        if s.actor.kind == AccountKind::Support {
            let open = web.app.open_alert_count(&s.actor).await?;
            s.nav_counts.push(("/support/alerts", open));
            let waiting = web.app.pending_recovery_count(&s.actor).await?;
            s.nav_counts.push(("/support/recovery-requests", waiting));
        }
        Ok(Self {
            s,
            lang: Lang::of(&parts.headers),
            ip: client_ip(parts),
            guard: PhantomData,
        })
    }
}

/// The client's address, when the server knows it.
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// Raw request parts, for handlers that read cookies themselves.
pub struct Req(pub Parts);

impl<S: Send + Sync> FromRequestParts<S> for Req {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.clone()))
    }
}

/// The caller's address as an extractor.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts)))
    }
}
