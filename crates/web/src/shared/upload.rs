//! File uploads of the portals (multipart forms), read by the service's one reader
//! (`mds_http::multipart`): the anti-CSRF token first — the session's, or the login nonce's
//! for the anonymous self-enrolment — checked before anything else is read, then only the
//! form's declared parts, each once. A text field is bounded like a whole posted form; a file
//! by the route's body limit (the use case states its own limit in its words).

use crate::shared::birth_place;
use crate::shared::form::words;
use crate::shell::error::WebError;
use crate::shell::session::Session;
use crate::shell::{Web, FORM_BODY_LIMIT};
use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use mds_app::held_uploads::HeldFile;
use mds_domain::identity::IdentityInput;
use mds_http::ReadError;
pub use mds_http::{Form, Part};

/// A text field (or a checkbox) of an upload form.
pub const fn field(name: &'static str) -> Part {
    Part::text(name, FORM_BODY_LIMIT)
}

/// The identity fields of a form (self-enrolment, an inactive account created by a
/// professional).
pub const IDENTITY_PARTS: [Part; 9] = [
    field("birth_name"),
    field("first_names"),
    field("birth_date"),
    field("sex"),
    field("birth_place"),
    field("birth_place_other"),
    field("birth_place_choice"),
    field("identifier_kind"),
    field("cafat"),
];

/// The identity typed in a form's identity fields: first names in one field, the identifier
/// number (CAFAT or AMG, its kind beside it) without surrounding spaces.
pub fn identity(up: &Form) -> IdentityInput {
    IdentityInput {
        identifier_kind: up.text("identifier_kind").trim().to_owned(),
        birth_name: up.text("birth_name"),
        first_names: words(&up.text("first_names")),
        birth_date: up.text("birth_date"),
        sex: up.text("sex"),
        birth_place: birth_place::resolve(&place(up)).code(),
        cafat: up.text("cafat").trim().to_owned(),
    }
}

/// What the form sent about the birth place (`shared::birth_place`).
pub fn place(up: &Form) -> birth_place::Typed {
    birth_place::Typed {
        select: up.text("birth_place"),
        other: up.text("birth_place_other"),
        choice: up.text("birth_place_choice"),
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

/// A file field of a form that may have been refused before: the file chosen now, or else
/// the one kept after the refusal (`mds_app::held_uploads`), whose handle the form sends back
/// in a hidden part. `form` names the field for the held files.
pub struct Chosen {
    form: &'static str,
    name: String,
    content: Vec<u8>,
    held_id: Option<String>,
    /// The kept file the content came from.
    held: Option<HeldFile>,
}

impl Chosen {
    /// Takes the file part `part` and the held handle `held_part` out of the form.
    pub fn take(up: &mut Form, part: &str, held_part: &str, form: &'static str) -> Self {
        let held_id = Some(up.text(held_part).trim().to_owned()).filter(|h| !h.is_empty());
        Self {
            form,
            name: up.file_name(part).unwrap_or_default().to_owned(),
            content: up.take(part).unwrap_or_default(),
            held_id,
            held: None,
        }
    }

    /// With no new file chosen, the content of the held one, if its holder still holds it
    /// (a newly chosen file wins; the held one then expires unused).
    pub async fn resolve(mut self, web: &Web, holder: &str) -> Result<Self, WebError> {
        if !self.content.is_empty() {
            return Ok(self);
        }
        if let Some(id) = &self.held_id {
            let now = crate::shell::now();
            if let Some((held, content)) = web.app.held_upload(holder, self.form, id, now).await? {
                self.content = content;
                self.held = Some(held);
            }
        }
        Ok(self)
    }

    /// A copy of the content, for the use case (the original stays to be kept on refusal).
    pub fn content(&self) -> Vec<u8> {
        self.content.clone()
    }

    /// After a refusal: the file to show as already received — the held one, or the one just
    /// chosen, now held.
    pub async fn keep(&self, web: &Web, holder: &str) -> Result<Option<HeldFile>, WebError> {
        if self.held.is_some() {
            return Ok(self.held.clone());
        }
        let now = crate::shell::now();
        Ok(web
            .app
            .hold_upload(holder, self.form, &self.name, &self.content, now)
            .await?)
    }

    /// After success: the held file is no longer needed (one left by a failure here expires).
    pub async fn release(&self, web: &Web, holder: &str) {
        if let Some(h) = &self.held {
            let _ = web.app.release_upload(holder, self.form, &h.id).await;
        }
    }
}
