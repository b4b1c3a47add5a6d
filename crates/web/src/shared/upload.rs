//! File uploads of the portals (multipart forms), read by the service's one reader
//! (`mds_http::multipart`): the anti-CSRF token first — the session's, or the login nonce's
//! for the anonymous self-enrolment — checked before anything else is read, then only the
//! form's declared parts, each once. A text field is bounded like a whole posted form; a file
//! by the route's body limit (the use case states its own limit in its words).

use crate::shared::form::words;
use crate::shell::error::WebError;
use crate::shell::session::Session;
use crate::shell::FORM_BODY_LIMIT;
use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use mds_domain::identity::IdentityInput;
use mds_http::ReadError;
pub use mds_http::{Form, Part};

/// A text field (or a checkbox) of an upload form.
pub const fn field(name: &'static str) -> Part {
    Part::text(name, FORM_BODY_LIMIT)
}

/// The identity fields of a form (self-enrolment, an inactive account created by a
/// professional).
pub const IDENTITY_PARTS: [Part; 6] = [
    field("birth_name"),
    field("first_names"),
    field("birth_date"),
    field("sex"),
    field("birth_place"),
    field("cafat"),
];

/// The identity typed in a form's identity fields: first names in one field, the CAFAT
/// number without surrounding spaces.
pub fn identity(up: &Form) -> IdentityInput {
    IdentityInput {
        birth_name: up.text("birth_name"),
        first_names: words(&up.text("first_names")),
        birth_date: up.text("birth_date"),
        sex: up.text("sex"),
        birth_place: up.text("birth_place"),
        cafat: up.text("cafat").trim().to_owned(),
    }
}

/// Reads an upload of the signed-in `s`: the session's token first, then only `parts`.
pub async fn read(
    s: &Session,
    mp: Result<Multipart, MultipartRejection>,
    parts: &[Part],
) -> Result<Form, WebError> {
    let mp = mp.map_err(|_| WebError::Csrf)?;
    read_checked(mp, |token| s.check_csrf(token).is_ok(), parts).await
}

/// Reads an upload whose token `valid` accepts, then only `parts`: a wrong or missing token
/// is the anti-CSRF refusal, any other refusal (an unknown or repeated part) a bad request.
pub async fn read_checked(
    mp: Multipart,
    valid: impl FnOnce(&str) -> bool,
    parts: &[Part],
) -> Result<Form, WebError> {
    mds_http::read_after_token(mp, valid, parts)
        .await
        .map_err(|e| match e {
            ReadError::Token => WebError::Csrf,
            ReadError::NotText { part } => WebError::App(mds_app::AppError::invalid(
                "invalid_text",
                format!("Le champ « {part} » du formulaire n'est pas du texte valide (UTF-8)."),
            )),
            _ => WebError::BadRequest,
        })
}
