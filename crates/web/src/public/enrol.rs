//! Self-enrolment for a person, anonymous: the traits and the two identity scans (the form
//! is bound to the login nonce cookie like the sign-in form), the tracking code shown once,
//! and the status read with that code (activation: `activation`). Every rule is in the use cases.

use crate::public::{nonce_ok, page, with_nonce, Anonymous};
use crate::shared::birth_place;
use crate::shared::form;
use crate::shared::upload::{self, Part};
use crate::shell::cookies;
use crate::shell::error::{answer, WebError};
use crate::shell::i18n::Lang;
use crate::shell::session::{ClientIp, Req};
use crate::shell::Web;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};
use mds_app::held_uploads::{nonce_holder, HeldFile};
use mds_app::patients::self_enrolment::SelfEnrolment;
use mds_app::AppError;
use mds_domain::identity::IdentityInput;
use serde::Deserialize;

fn field(
    id: &str,
    label: &str,
    kind: &str,
    value: &str,
    autocomplete: &str,
    error: Option<&str>,
) -> Markup {
    let described = error.map(|_| format!("{id}-error"));
    html! {
        div.field {
            label for=(id) { (label) }
            (form::field_error(&format!("{id}-error"), error))
            input id=(id) type=(kind) name=(id) value=(value) autocomplete=(autocomplete) required aria-describedby=[described];
        }
    }
}

/// The two scans' fields, as named for the held uploads.
const IDENTITY_DOCUMENT: &str = "enrol.identity_document";
const CAFAT_CARD: &str = "enrol.cafat_card";

/// What a refused enrolment form shows again: the values typed, the scans already received,
/// and the error with the field it concerns.
#[derive(Default)]
struct Again {
    identity: IdentityInput,
    email: String,
    phone: String,
    identity_document: Option<HeldFile>,
    cafat_card: Option<HeldFile>,
    /// The box saying the person read the information was ticked.
    informed: bool,
    /// What was sent about the birth place (a name to resolve, a choice among several).
    place: birth_place::Typed,
    error: Option<(Option<&'static str>, String)>,
}

/// The field of the enrolment form an error concerns (the summary links to it).
fn enrol_field(e: &AppError) -> Option<&'static str> {
    let code = e.code();
    let scan = || {
        if e.public_message().contains("carte CAFAT") {
            "cafat_card"
        } else {
            "identity_document"
        }
    };
    let prefixed = [
        ("birth_name", "birth_name"),
        ("first_name", "first_names"),
        ("birth_date", "birth_date"),
        ("minor", "birth_date"),
        ("sex", "sex-F"),
        ("birth_place", "birth_place"),
        ("cafat", "cafat"),
        ("duplicate_cafat", "cafat"),
        ("identifier_kind", "identifier_kind-cafat"),
        ("invalid_email", "email"),
        ("invalid_phone", "phone"),
        ("weak_password", "password"),
        ("information_not_acknowledged", "informed_of_rights"),
    ];
    match code {
        "file_missing" | "file_too_large" | "unsupported_format" => Some(scan()),
        _ => prefixed
            .iter()
            .find(|(prefix, _)| code.starts_with(prefix))
            .map(|(_, field)| *field),
    }
}

/// A scan's file input: required unless a file was already received.
fn scan_input(lang: Lang, id: &str, held: Option<&HeldFile>) -> Markup {
    html! {
        @if let Some(h) = held {
            (form::held_file(lang, &format!("held_{id}"), h))
            input id=(id) type="file" name=(id) accept="application/pdf,image/jpeg,image/png" aria-describedby="scan-hint held-hint";
        } @else {
            input id=(id) type="file" name=(id) accept="application/pdf,image/jpeg,image/png" required aria-describedby="scan-hint";
        }
    }
}

/// The enrolment form, with what was typed, the scans received and the error of a refused
/// attempt.
fn enrol_page(lang: Lang, csrf: &str, a: &Again) -> Markup {
    let l = lang;
    let (v, email, phone) = (&a.identity, a.email.as_str(), a.phone.as_str());
    let field_of = a.error.as_ref().and_then(|(f, _)| *f);
    let message = a.error.as_ref().map(|(_, m)| m.as_str());
    let at = |id: &str| (field_of == Some(id)).then_some(message).flatten();
    let body = html! {
        p.lead { (l.t("enrol.intro")) }
        p { (l.t("rights.before")) " " a href="/droits" target="_blank" rel="noopener" { (l.t("rights.title")) " " (l.t("rights.new_tab")) } "." }
        (form::error_summary(l, message, field_of))
        form.stack method="post" action="/inscription" enctype="multipart/form-data" {
            (form::csrf(csrf))
            (field("birth_name", l.t("enrol.birth_name"), "text", &v.birth_name, "family-name", at("birth_name")))
            (field("first_names", l.t("enrol.first_names"), "text", &v.first_names.join(" "), "given-name", at("first_names")))
            (field("birth_date", l.t("enrol.birth_date"), "date", &v.birth_date, "bday", at("birth_date")))
            (form::field_error("sex-error", at("sex-F")))
            (form::sex_choice(l, &v.sex, true))
            (birth_place::field(l, &v.birth_place, &a.place, at("birth_place")))
            (form::identifier_kind_choice(l, &v.identifier_kind))
            (field("cafat", l.t("enrol.cafat"), "text", &v.cafat, "off", at("cafat")))
            (field("email", l.t("enrol.email"), "email", email, "email", at("email")))
            div.field {
                label for="phone" { (l.t("enrol.phone")) }
                (form::field_error("phone-error", at("phone")))
                input #phone type="tel" name="phone" value=(phone) autocomplete="tel";
            }
            div.field {
                label for="password" { (l.t("login.password")) }
                p.hint #password-hint { (l.t("enrol.password.hint")) }
                (form::field_error("password-error", at("password")))
                input #password type="password" name="password" autocomplete="new-password" required aria-describedby="password-hint";
            }
            div.field {
                label for="identity_document" { (l.t("enrol.scan.identity")) }
                p.hint #scan-hint { (l.t("enrol.scan.hint")) }
                @if a.identity_document.is_some() || a.cafat_card.is_some() {
                    p.hint #held-hint { (l.t("upload.held.replace")) }
                }
                (form::field_error("identity_document-error", at("identity_document")))
                (scan_input(l, "identity_document", a.identity_document.as_ref()))
            }
            div.field {
                label for="cafat_card" { (l.t("enrol.scan.cafat")) }
                (form::field_error("cafat_card-error", at("cafat_card")))
                (scan_input(l, "cafat_card", a.cafat_card.as_ref()))
            }
            div.field {
                (form::field_error("informed_of_rights-error", at("informed_of_rights")))
                input #informed_of_rights type="checkbox" name="informed_of_rights" value="yes" required checked[a.informed];
                label for="informed_of_rights" { (l.t("enrol.informed")) " " a href="/droits" target="_blank" rel="noopener" { (l.t("rights.title")) " " (l.t("rights.new_tab")) } }
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
        enrol_page(lang, csrf, &Again::default())
    })
}

/// The parts of the enrolment form besides the identity, after its token (bound to the login
/// nonce).
const ENROL_PARTS: &[Part] = &[
    Part::file("identity_document"),
    Part::file("cafat_card"),
    upload::field("held_identity_document"),
    upload::field("held_cafat_card"),
    upload::field("email"),
    upload::field("phone"),
    upload::field("password"),
    upload::field("informed_of_rights"),
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
    // The form was bound to the nonce cookie (checked above): its files are held for it.
    let holder = cookies::login_nonce(&parts.headers, web.options.secure_cookies)
        .map(|n| nonce_holder(&n))
        .unwrap_or_default();
    let scans = (
        upload::Chosen::take(
            &mut up,
            "identity_document",
            "held_identity_document",
            IDENTITY_DOCUMENT,
        ),
        upload::Chosen::take(&mut up, "cafat_card", "held_cafat_card", CAFAT_CARD),
    );
    let scans = match (
        scans.0.resolve(&web, &holder).await,
        scans.1.resolve(&web, &holder).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(err), _) | (_, Err(err)) => return err.into_response(),
    };
    let e = SelfEnrolment {
        identity: upload::identity(&up),
        email: up.text("email").trim().to_owned(),
        phone: up.has("phone").then(|| up.text("phone")),
        password: up.text("password"),
        identity_document: scans.0.content(),
        cafat_card: scans.1.content(),
        informed_of_rights: up.has("informed_of_rights"),
    };
    let place = upload::place(&up);
    let refusal = birth_place::resolve(&place).refusal(lang);
    let mut again = Again {
        place,
        identity: e.identity.clone(),
        email: e.email.clone(),
        phone: e.phone.clone().unwrap_or_default(),
        informed: e.informed_of_rights,
        ..Again::default()
    };
    let sent = match refusal {
        Some(err) => Err(err),
        None => {
            web.app
                .submit_admitted_enrolment(admission, e, ip, now)
                .await
        }
    };
    match sent {
        Ok(receipt) => {
            scans.0.release(&web, &holder).await;
            scans.1.release(&web, &holder).await;
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
            // Both scans are kept, whichever field was wrong (a refused scan is kept too: the
            // person sees its name and replaces it).
            for (scan, slot) in [
                (&scans.0, &mut again.identity_document),
                (&scans.1, &mut again.cafat_card),
            ] {
                match scan.keep(&web, &holder).await {
                    Ok(h) => *slot = h,
                    Err(e) => return e.into_response(),
                }
            }
            again.error = Some((enrol_field(&err), err.public_message_in(lang.into())));
            with_nonce(&web, &parts, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
                enrol_page(lang, csrf, &again)
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
    Anonymous(f): Anonymous<TokenForm>,
) -> Response {
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

impl crate::public::NonceBound for TokenForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}
