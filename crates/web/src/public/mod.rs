//! The public pages: the portal choice, sign-in in two steps, sign-out and the language
//! switch, self-enrolment and activation. They are pages like the portals' ones, so they sit
//! above `shared` and the shell and beside the portals (using none), not in the shell: the
//! shell is what every page stands on and holds no page. What their anonymous forms share is
//! here: a page without a portal's navigation, and the binding of a form to the nonce cookie
//! ([`Anonymous`]: parsed, then its form token checked against the cookie).

pub mod activation;
pub mod contact_confirm;
pub mod enrol;
pub mod login;
pub mod login_code;
pub mod lost_factor;
pub mod passkeys;
pub mod password;
pub mod recovery;
pub mod rights;

use crate::shell::cookies;
use crate::shell::i18n::Lang;
use crate::shell::layout::{self, Chrome};
use crate::shell::Web;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::Markup;
use mds_domain::AccountKind;

/// The home of each kind of account.
pub fn home_of(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Patient => "/patient",
        AccountKind::Professional | AccountKind::Assistant => "/pro",
        AccountKind::Support => "/support",
    }
}

/// A public page: no portal's navigation, nobody signed in.
pub fn page(lang: Lang, title: &str, here: &str, body: Markup) -> Markup {
    layout::page(&Chrome::public(lang, title, here), body)
}

/// The page, with a fresh (or the current) nonce cookie and its form token.
pub fn with_nonce(
    web: &Web,
    parts: &Parts,
    status: StatusCode,
    page: impl FnOnce(&str) -> Markup,
) -> Response {
    let secure = web.options.secure_cookies;
    let nonce =
        cookies::login_nonce(&parts.headers, secure).unwrap_or_else(mds_app::secrets::random_token);
    let csrf = mds_app::accounts::sign_in::csrf_token(&nonce);
    let cookie = cookies::nonce_cookie(&nonce, secure, 3600);
    (
        status,
        [(header::SET_COOKIE, cookie)],
        Html(page(&csrf).into_string()),
    )
        .into_response()
}

/// Whether `sent` is the form token of the request's nonce cookie.
pub fn nonce_ok(web: &Web, parts: &Parts, sent: &str) -> bool {
    cookies::login_nonce(&parts.headers, web.options.secure_cookies)
        .is_some_and(|n| cookies::same(sent, &mds_app::accounts::sign_in::csrf_token(&n)))
}

/// A form posted by someone not signed in, whose `csrf` field carries the form token of the
/// request's nonce cookie.
pub trait NonceBound {
    fn csrf(&self) -> &str;
}

/// An anonymous form, parsed and bound to the nonce cookie: a malformed form is refused as a
/// bad request, a missing or wrong form token as a forged one, before the handler runs.
pub struct Anonymous<T>(pub T);

impl<T> FromRequest<Web> for Anonymous<T>
where
    T: serde::de::DeserializeOwned + NonceBound + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, web: &Web) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let req = Request::from_parts(parts.clone(), body);
        let Ok(axum::Form(form)) = axum::Form::<T>::from_request(req, web).await else {
            return Err(crate::shell::error::WebError::BadRequest.into_response());
        };
        if !nonce_ok(web, &parts, form.csrf()) {
            return Err(crate::shell::error::WebError::Csrf.into_response());
        }
        Ok(Self(form))
    }
}
