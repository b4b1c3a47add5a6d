//! Sign-in's second step: only the authenticator's 6-digit code — or, for an account with
//! passkeys, its passkey: a second form carrying the ceremony's options
//! (`data-passkey-get`, hidden until `static/mds.js` shows it) posts the browser's answer to
//! `/login/passkey`, checked under the same rules as a code. The pending sign-in left by
//! the password step is held server-side (`mds_app::accounts::two_step::PendingSignIn`); the browser keeps
//! its random token in a short-lived `HttpOnly`, `SameSite=Strict` cookie, and the form's
//! anti-CSRF token is derived from it. A missing, expired, used or exhausted pending sign-in
//! sends back to the first step with an explanation.

use crate::public::{home_of, page};
use crate::shared::form;
use crate::shell::cookies;
use crate::shell::error::WebError;
use crate::shell::i18n::Lang;
use crate::shell::session::{ClientIp, Req};
use crate::shell::url::{encode, local_path};
use crate::shell::Web;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup};
use mds_app::accounts::sign_in::{csrf_token, NewSession};
use mds_app::accounts::two_step::{CodeStep, PasskeyStep};
use mds_app::AppError;
use mds_domain::Timestamp;
use serde::Deserialize;

/// The second step's address, keeping where to go afterwards.
pub fn path(next: &str) -> String {
    if next.is_empty() {
        "/login/code".to_owned()
    } else {
        format!("/login/code?next={}", encode(next))
    }
}

fn code_page(
    lang: Lang,
    csrf: &str,
    next: &str,
    error: Option<&str>,
    passkey: Option<&serde_json::Value>,
) -> Markup {
    let l = lang;
    let described = form::described_by(Some("code-hint"), error.map(|_| "code-error"));
    let restart = if next.is_empty() {
        "/login".to_owned()
    } else {
        format!("/login?next={}", encode(next))
    };
    let body = html! {
        p.lead #step2 { (l.t("signin.step2")) }
        (form::form_error("code-error", error))
        form.stack method="post" action="/login/code" {
            (form::csrf(csrf))
            input type="hidden" name="next" value=(next);
            div.field {
                label for="totp_code" { (l.t("login.code")) }
                p.hint #code-hint { (l.t("signin.code.hint")) }
                input #totp_code type="text" name="totp_code" inputmode="numeric"
                    autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required
                    aria-describedby=[described.as_deref()];
            }
            button type="submit" { (l.t("login.submit")) }
        }
        @if let Some(options) = passkey {
            div #passkey-option hidden {
                p { (l.t("signin.passkey.or")) }
                p.error #passkey-error role="alert" hidden { (l.t("signin.passkey.browser_refused")) }
                form method="post" action="/login/passkey"
                    data-passkey-get=(options.to_string()) data-passkey-error="passkey-error" {
                    (form::csrf(csrf))
                    input type="hidden" name="next" value=(next);
                    input type="hidden" name="credential" value="";
                    button.secondary type="submit" { (l.t("signin.passkey")) }
                }
            }
        }
        p {
            a href=(restart) aria-describedby="restart-hint" { (l.t("signin.restart")) }
            " "
            span.hint #restart-hint { (l.t("signin.restart.hint")) }
        }
    };
    page(lang, l.t("signin.step2.title"), "/login/code", body)
}

/// Back to the first step, explaining why, and forgetting the pending sign-in.
fn restart(web: &Web, next: &str) -> Response {
    let to = if next.is_empty() {
        "/login?restart=1".to_owned()
    } else {
        format!("/login?restart=1&next={}", encode(next))
    };
    let cleared = cookies::pending_cookie("", web.options.secure_cookies, 0);
    ([(header::SET_COOKIE, cleared)], Redirect::to(&to)).into_response()
}

#[derive(Deserialize, Default)]
pub struct CodeQuery {
    next: Option<String>,
}

/// Anyone with a pending sign-in (the password was right). The code form.
pub async fn form(
    State(web): State<Web>,
    lang: Lang,
    Req(parts): Req,
    Query(q): Query<CodeQuery>,
) -> Response {
    let next = q.next.as_deref().and_then(local_path).unwrap_or("");
    let Some(token) = cookies::pending_token(&parts.headers, web.options.secure_cookies) else {
        return restart(&web, next);
    };
    let now = crate::shell::now();
    match web.app.pending_sign_in(&token, now).await {
        Ok(true) => page_with_passkey(&web, lang, &token, next, None, StatusCode::OK).await,
        Ok(false) => restart(&web, next),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// The code page, with the passkey option when the account has passkeys (a new ceremony).
async fn page_with_passkey(
    web: &Web,
    lang: Lang,
    token: &str,
    next: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let passkey = match web
        .app
        .start_passkey_sign_in(token, crate::shell::now())
        .await
    {
        Ok(p) => p,
        Err(e) => return WebError::from(e).into_response(),
    };
    let page = code_page(lang, &csrf_token(token), next, error, passkey.as_ref());
    (status, Html(page.into_string())).into_response()
}

#[derive(Deserialize)]
pub struct SecondStepForm {
    #[serde(default)]
    csrf: String,
    /// The code form's field.
    #[serde(default)]
    totp_code: String,
    /// The passkey form's field: the browser's answer to the ceremony.
    #[serde(default)]
    credential: String,
    #[serde(default)]
    next: String,
}

type Posted = Result<axum::Form<SecondStepForm>, axum::extract::rejection::FormRejection>;

/// Anyone with a pending sign-in. Checks the form's token against the pending sign-in's,
/// then the code: opens a new session (a new id at every sign-in) and goes to `next` or to
/// the account's portal; a wrong code asks again; a spent pending sign-in starts over.
pub async fn submit(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    form: Posted,
) -> Response {
    second_step(&web, lang, ip, &parts, form, false).await
}

/// Anyone with a pending sign-in. The browser's answer to the passkey ceremony, under the
/// same rules as a code; a passkey not accepted shows the code page again.
pub async fn passkey(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    form: Posted,
) -> Response {
    second_step(&web, lang, ip, &parts, form, true).await
}

async fn second_step(
    web: &Web,
    lang: Lang,
    ip: Option<String>,
    parts: &axum::http::request::Parts,
    form: Posted,
    passkey: bool,
) -> Response {
    let Ok(axum::Form(f)) = form else {
        return WebError::BadRequest.into_response();
    };
    let next = local_path(&f.next).unwrap_or("").to_owned();
    let Some(token) = cookies::pending_token(&parts.headers, web.options.secure_cookies) else {
        return restart(web, &next);
    };
    if !cookies::same(&f.csrf, &csrf_token(&token)) {
        return WebError::Csrf.into_response();
    }
    let now = crate::shell::now();
    let (answer, wrong) = if passkey {
        let req = PasskeyStep {
            pending_token: token.clone(),
            credential: f.credential,
            ip,
        };
        (
            web.app.sign_in_passkey(req, now).await,
            "signin.passkey.refused",
        )
    } else {
        let req = CodeStep {
            pending_token: token.clone(),
            totp_code: f.totp_code.trim().to_owned(),
            ip,
        };
        (web.app.sign_in_code(req, now).await, "signin.code.wrong")
    };
    match answer {
        Ok(s) => signed_in(web, &s, next, now),
        Err(AppError::Unauthenticated) => restart(web, &next),
        Err(e) => {
            let (status, error) = match &e {
                AppError::InvalidCredentials => {
                    (StatusCode::UNAUTHORIZED, lang.t(wrong).to_owned())
                }
                AppError::Throttled { .. } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    e.public_message_in(lang.into()),
                ),
                _ => return WebError::from(e).into_response(),
            };
            let r = page_with_passkey(web, lang, &token, &next, Some(&error), status).await;
            crate::shell::error::with_retry_after(r, &e)
        }
    }
}

/// The session cookie set, the sign-in's cookies cleared, and on to `next` or home.
fn signed_in(web: &Web, s: &NewSession, next: String, now: Timestamp) -> Response {
    let secure = web.options.secure_cookies;
    let max_age = (s.expires_at.millis() - now.millis()) / 1000;
    let target = if next.is_empty() {
        home_of(s.actor.kind).to_owned()
    } else {
        next
    };
    let mut r = Redirect::to(&target).into_response();
    let h = r.headers_mut();
    for c in [
        cookies::session_cookie(&s.token, secure, max_age),
        cookies::nonce_cookie("", secure, 0),
        cookies::pending_cookie("", secure, 0),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    r
}
