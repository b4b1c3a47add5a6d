//! The one place where the portals' errors become pages: around every route, an error answer
//! (`error::Unrendered`) gets its page in the request's language — a French (or English)
//! message in the page, never JSON — and what went wrong inside goes to the log only.

use crate::shell::error::{Message, Unrendered, WebError};
use crate::shell::i18n::Lang;
use crate::shell::layout;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The middleware that renders the error answers of the portals.
pub async fn render(req: Request, next: Next) -> Response {
    let lang = Lang::of(req.headers());
    page(next.run(req).await, lang)
}

/// `response` with its error page in `lang`, if it is an error answer; else as it is.
fn page(mut response: Response, lang: Lang) -> Response {
    let Some(e) = response.extensions_mut().remove::<Unrendered>() else {
        return response;
    };
    if let Some(detail) = &e.detail {
        tracing::error!(error = %detail, "portal request failed");
    }
    let message = match &e.message {
        Message::Key(key) => lang.t(key),
        Message::Text { fr, en } => mds_domain::Language::from(lang).pick(fr, en),
    };
    let body = layout::error_page(lang, lang.t(e.title), message).into_string();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(body))
}

/// The page of `e` in `lang` now, for an answer whose language is not the request's.
pub fn in_language(e: WebError, lang: Lang) -> Response {
    page(e.into_response(), lang)
}

/// Any address no route answers.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

/// A route that exists, with another method.
pub async fn method_not_allowed() -> WebError {
    WebError::MethodNotAllowed
}
