//! Self-enrolment for a person, anonymous: the traits and the two identity scans (the form
//! is bound to the login nonce cookie like the sign-in form), the tracking code shown once,
//! and the status read with that code (activation: `activation`). Every rule is in the use cases.

use crate::public::{nonce_ok, page, with_nonce};
use crate::shared::form;
use crate::shared::upload::{self, Part};
use crate::shell::error::{answer, WebError};
use crate::shell::i18n::Lang;
use crate::shell::session::{ClientIp, Req};
use crate::shell::Web;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};
use mds_app::patients::self_enrolment::SelfEnrolment;
use mds_app::AppError;
use mds_domain::identity::IdentityInput;
use serde::Deserialize;

fn field(id: &str, label: &str, kind: &str, value: &str, autocomplete: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(id) value=(value) autocomplete=(autocomplete) required;
        }
    }
}

/// The enrolment form, with what was typed and the error of a refused attempt.
fn enrol_page(
    lang: Lang,
    csrf: &str,
    v: &IdentityInput,
    email: &str,
    phone: &str,
    error: Option<&str>,
) -> Markup {
    let l = lang;
    let body = html! {
        p.lead { (l.t("enrol.intro")) }
        (form::form_error("enrol-error", error))
        form.stack method="post" action="/inscription" enctype="multipart/form-data" {
            (form::csrf(csrf))
            (field("birth_name", l.t("enrol.birth_name"), "text", &v.birth_name, "family-name"))
            (field("first_names", l.t("enrol.first_names"), "text", &v.first_names.join(" "), "given-name"))
            (field("birth_date", l.t("enrol.birth_date"), "date", &v.birth_date, "bday"))
            (form::sex_choice(l, &v.sex, true))
            div.field {
                label for="birth_place" { (l.t("enrol.birth_place")) }
                (form::birth_place_select(l, &v.birth_place, None))
            }
            (field("cafat", l.t("enrol.cafat"), "text", &v.cafat, "off"))
            (field("email", l.t("enrol.email"), "email", email, "email"))
            div.field {
                label for="phone" { (l.t("enrol.phone")) }
                input #phone type="tel" name="phone" value=(phone) autocomplete="tel";
            }
            div.field {
                label for="password" { (l.t("login.password")) }
                p.hint #password-hint { (l.t("enrol.password.hint")) }
                input #password type="password" name="password" autocomplete="new-password" required aria-describedby="password-hint";
            }
            div.field {
                label for="identity_document" { (l.t("enrol.scan.identity")) }
                p.hint #scan-hint { (l.t("enrol.scan.hint")) }
                input #identity_document type="file" name="identity_document" accept="application/pdf,image/jpeg,image/png" required aria-describedby="scan-hint";
            }
            div.field {
                label for="cafat_card" { (l.t("enrol.scan.cafat")) }
                input #cafat_card type="file" name="cafat_card" accept="application/pdf,image/jpeg,image/png" required aria-describedby="scan-hint";
            }
            button type="submit" { (l.t("enrol.submit")) }
        }
        p { a href="/activation" { (l.t("enrol.to_activation")) } }
    };
    page(lang, l.t("enrol.title"), "/inscription", body)
}

/// Anyone. The enrolment form.
pub async fn form(State(web): State<Web>, lang: Lang, Req(parts): Req) -> Response {
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        enrol_page(lang, csrf, &IdentityInput::default(), "", "", None)
    })
}

/// The parts of the enrolment form besides the identity, after its token (bound to the login
/// nonce).
const ENROL_PARTS: &[Part] = &[
    Part::file("identity_document"),
    Part::file("cafat_card"),
    upload::field("email"),
    upload::field("phone"),
    upload::field("password"),
];

/// Anyone. Sends the request; the tracking code is shown on this answer only.
pub async fn submit(
    State(web): State<Web>,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Req(parts): Req,
    mp: Multipart,
) -> Response {
    let now = crate::shell::now();
    // The quotas first, before the body is read.
    let admission = match web.app.admit_self_enrolment(ip.as_deref(), now).await {
        Ok(a) => a,
        Err(err) => return answer(err),
    };
    let declared = [&upload::IDENTITY_PARTS[..], ENROL_PARTS].concat();
    let mut up = match upload::read_checked(mp, |t| nonce_ok(&web, &parts, t), &declared).await {
        Ok(up) => up,
        Err(err) => return err.into_response(),
    };
    let e = SelfEnrolment {
        identity: upload::identity(&up),
        email: up.text("email").trim().to_owned(),
        phone: up.has("phone").then(|| up.text("phone")),
        password: up.text("password"),
        identity_document: up.take("identity_document").unwrap_or_default(),
        cafat_card: up.take("cafat_card").unwrap_or_default(),
    };
    let (identity, email, phone) = (
        e.identity.clone(),
        e.email.clone(),
        e.phone.clone().unwrap_or_default(),
    );
    match web
        .app
        .submit_admitted_enrolment(admission, e, ip, now)
        .await
    {
        Ok(receipt) => {
            let l = lang;
            let body = html! {
                p.notice role="status" { (l.t("enrol.sent")) }
                p { (l.t("enrol.tracking.intro")) }
                p { code #status-token { (receipt.status_token) } }
                p { a href="/inscription/suivi" { (l.t("enrol.tracking.link")) } }
            };
            Html(page(lang, l.t("enrol.title"), "/inscription", body).into_string()).into_response()
        }
        // No conflict: a submission naming an existing person gets the receipt above.
        Err(err @ AppError::Invalid { .. }) => {
            let msg = err.public_message();
            with_nonce(&web, &parts, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
                enrol_page(lang, csrf, &identity, &email, &phone, Some(&msg))
            })
        }
        Err(err) => WebError::from(err).into_response(),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub secret: String,
}

fn status_page(lang: Lang, csrf: &str, answer: Option<Markup>) -> Markup {
    let l = lang;
    let body = html! {
        @if let Some(a) = answer { (a) }
        form.stack method="post" action="/inscription/suivi" {
            (form::csrf(csrf))
            div.field {
                label for="token" { (l.t("enrol.tracking.code")) }
                input #token type="text" name="token" autocomplete="off" required;
            }
            button type="submit" { (l.t("enrol.tracking.submit")) }
        }
    };
    page(
        lang,
        l.t("enrol.tracking.title"),
        "/inscription/suivi",
        body,
    )
}

/// Anyone. The form to read a request's status with its tracking code.
pub async fn status_form(State(web): State<Web>, lang: Lang, Req(parts): Req) -> Response {
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        status_page(lang, csrf, None)
    })
}

/// Anyone holding a tracking code. The status (and the reason of a rejection).
pub async fn status(
    State(web): State<Web>,
    lang: Lang,
    Req(parts): Req,
    form: Result<axum::Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(axum::Form(f)) = form else {
        return WebError::BadRequest.into_response();
    };
    if !nonce_ok(&web, &parts, &f.csrf) {
        return WebError::Csrf.into_response();
    }
    let l = lang;
    let answer = match web.app.self_enrolment_status(f.token.trim()).await {
        Ok(s) => html! {
            p.notice role="status" #status { (match s.status.as_str() {
                "validated" => l.t("enrol.status.validated"),
                "rejected" => l.t("enrol.status.rejected"),
                _ => l.t("enrol.status.pending"),
            }) }
            @if let Some(r) = &s.reason { p { (l.t("enrol.status.reason")) " : " (r) } }
        },
        Err(AppError::NotFound) => html! { p.error role="alert" { (l.t("enrol.status.unknown")) } },
        Err(e) => return WebError::from(e).into_response(),
    };
    with_nonce(&web, &parts, StatusCode::OK, |csrf| {
        status_page(lang, csrf, Some(answer))
    })
}
