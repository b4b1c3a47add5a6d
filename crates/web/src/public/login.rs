//! Sign-in's first step (login and password; the same answer for an unknown login and a
//! wrong password), sign-out, the language switch and the portal choice. The second step,
//! the authenticator's code, is `login_code`.

use crate::public::{home_of, page, with_nonce, Anonymous};
use crate::shared::form;
use crate::shell::cookies;
use crate::shell::csrf::Posted;
use crate::shell::error::{Page, WebError};
use crate::shell::error_pages;
use crate::shell::i18n::{self, Lang};
use crate::shell::session::{self, ClientIp, Req, Session};
use crate::shell::url::local_path;
use crate::shell::Web;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::accounts::sign_in::Channel;
use mds_app::accounts::two_step::PasswordStep;
use serde::Deserialize;

/// Anyone. Signed in: one's own portal; otherwise the choice of portal.
pub async fn root(State(web): State<Web>, lang: Lang, Req(parts): Req) -> Page {
    if let Some(s) = session::current(&parts, &web).await? {
        return Ok(Redirect::to(home_of(s.actor.kind)).into_response());
    }
    let l = lang;
    let body = html! {
        p.lead { (l.t("root.intro")) }
        ul.cards {
            li { a.card href="/patient" { strong { (l.t("root.patient")) } span { (l.t("root.patient.hint")) } } }
            li { a.card href="/pro" { strong { (l.t("root.pro")) } span { (l.t("root.pro.hint")) } } }
            li { a.card href="/support" { strong { (l.t("root.support")) } span { (l.t("root.support.hint")) } } }
            li { a.card href="/inscription" { strong { (l.t("root.enrol")) } span { (l.t("root.enrol.hint")) } } }
        }
    };
    Ok(Html(page(lang, l.t("root.title"), "/", body).into_string()).into_response())
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    bye: Option<String>,
    restart: Option<String>,
    reset: Option<String>,
}

/// What the login page shows besides its fields.
struct LoginView<'a> {
    next: &'a str,
    login: &'a str,
    error: Option<String>,
    info: Option<&'static str>,
}

fn login_page(lang: Lang, csrf: &str, v: &LoginView) -> Markup {
    let l = lang;
    let err = v.error.as_deref();
    let described = form::described_by(None, err.map(|_| "login-error"));
    let body = html! {
        (form::notice(v.info))
        p.lead { (l.t("signin.step1")) }
        (form::form_error("login-error", err))
        form.stack method="post" action="/login" {
            (form::csrf(csrf))
            input type="hidden" name="next" value=(v.next);
            div.field {
                label for="login" { (l.t("login.login")) }
                input #login type="text" name="login" value=(v.login) autocomplete="username"
                    required autocapitalize="none" spellcheck="false" aria-describedby=[described.as_deref()];
            }
            div.field {
                label for="password" { (l.t("login.password")) }
                input #password type="password" name="password" autocomplete="current-password"
                    required aria-describedby=[described.as_deref()];
            }
            button type="submit" { (l.t("signin.continue")) }
        }
        p { a href="/password/forgotten" { (l.t("recovery.link")) } }
    };
    page(lang, l.t("login.title"), "/login", body)
}

/// Anyone. The sign-in form; `next` is where to go afterwards (a path of this site).
pub async fn form(
    State(web): State<Web>,
    lang: Lang,
    Req(parts): Req,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = q.next.as_deref().and_then(local_path).unwrap_or("");
    let info = if q.expired.is_some() {
        Some(lang.t("login.expired"))
    } else if q.bye.is_some() {
        Some(lang.t("login.bye"))
    } else if q.restart.is_some() {
        Some(lang.t("signin.restarted"))
    } else if q.reset.is_some() {
        Some(lang.t("recovery.done"))
    } else {
        None
    };
    let v = LoginView {
        next,
        login: "",
        error: None,
        info,
    };
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        login_page(lang, csrf, &v)
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Anyone. Checks the form's token against the login nonce and the password; when right,
/// keeps the pending sign-in in a short-lived cookie and asks for the code (`login_code`).
pub async fn submit(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    Anonymous(f): Anonymous<LoginForm>,
) -> Response {
    let secure = web.options.secure_cookies;
    let req = PasswordStep {
        login: f.login.clone(),
        password: f.password,
        ip,
        channel: Channel::Web,
    };
    let now = crate::shell::now();
    let next = local_path(&f.next).unwrap_or("").to_owned();
    match web.app.sign_in_password(req, now).await {
        Ok(p) => {
            let max_age = (p.expires_at.millis() - now.millis()) / 1000;
            let cookie = cookies::pending_cookie(&p.token, secure, max_age);
            let to = crate::public::login_code::path(&next);
            ([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response()
        }
        Err(e) => {
            let (status, error) = match &e {
                mds_app::AppError::Throttled { .. } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    e.public_message_in(lang.into()),
                ),
                mds_app::AppError::InvalidCredentials => {
                    (StatusCode::UNAUTHORIZED, lang.t("signin.wrong").to_owned())
                }
                _ => return WebError::from(e).into_response(),
            };
            let v = LoginView {
                next: &next,
                login: &f.login,
                error: Some(error),
                info: None,
            };
            let mut r = with_nonce(&web, &parts, StatusCode::OK, |csrf| {
                login_page(lang, csrf, &v)
            });
            *r.status_mut() = status;
            crate::shell::error::with_retry_after(r, &e)
        }
    }
}

/// Any signed-in account. Ends the session and clears the cookie.
pub async fn logout(
    State(web): State<Web>,
    ClientIp(ip): ClientIp,
    s: Session,
    _: Posted<serde::de::IgnoredAny>,
) -> Page {
    web.app.logout(&s.actor, ip, crate::shell::now()).await?;
    let cleared = cookies::session_cookie("", web.options.secure_cookies, 0);
    Ok((
        [(header::SET_COOKIE, cleared)],
        Redirect::to("/login?bye=1"),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// Anyone. Chooses the portals' language (a cookie; for a signed-in person, their account's
/// language too) and goes back to the page.
pub async fn lang(
    State(web): State<Web>,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
    parts: axum::http::request::Parts,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return error_pages::in_language(WebError::NotFound, Lang::Fr);
    };
    // A signed-in person's choice is also their account's: their e-mails follow it.
    if let Ok(Some(s)) = crate::shell::session::current(&parts, &web).await {
        if let Err(e) = web.app.set_language(&s.actor, lang.into()).await {
            tracing::warn!(error = %e, "could not record the account's language");
        }
    }
    let next = q.next.as_deref().and_then(local_path).unwrap_or("/");
    let secure = if web.options.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}",
        i18n::COOKIE,
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response()
}

impl crate::public::NonceBound for LoginForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}
