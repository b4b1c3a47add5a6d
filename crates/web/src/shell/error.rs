//! The portals' errors. An error answer is only marked here — its status, and what its page
//! will say — and rendered by `error_pages`, in the request's language, around every route:
//! handlers and extractors just return a `WebError`. "Does not exist" and "you may not see
//! it" are the same not-found; a missing session or the wrong portal is a redirect.

use crate::shell::url::encode;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mds_app::AppError;
use mds_domain::Language;

#[derive(Debug)]
pub enum WebError {
    App(AppError),
    NotFound,
    /// The anti-CSRF token of a form is missing or wrong.
    Csrf,
    /// No live session: go to the login page, back to `next` afterwards.
    Login {
        next: String,
        expired: bool,
    },
    /// A signed-in account on another portal's page: back to its own portal.
    WrongPortal,
    BadRequest,
    MethodNotAllowed,
}

/// What a page handler answers: the page, or the error whose page `error_pages` renders.
pub type Page = Result<Response, WebError>;

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::NotFound,
            e => Self::App(e),
        }
    }
}

/// The login page's address with its return target.
pub fn login_url(next: &str, expired: bool) -> String {
    let mut url = String::from("/login?");
    if expired {
        url.push_str("expired=1&");
    }
    url.push_str("next=");
    url.push_str(&encode(next));
    url
}

fn retry_after(e: &AppError) -> Option<axum::http::HeaderValue> {
    match e {
        AppError::Throttled {
            retry_after_seconds,
        } => axum::http::HeaderValue::from_str(&(*retry_after_seconds).max(1).to_string()).ok(),
        _ => None,
    }
}

/// `r` with `Retry-After` when `e` is a throttled attempt (sign-in or enrolment).
pub fn with_retry_after(mut r: Response, e: &AppError) -> Response {
    if let Some(v) = retry_after(e) {
        r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    r
}

/// The error page of `e`, with `Retry-After` when it is a throttled attempt.
pub fn answer(e: AppError) -> Response {
    let v = retry_after(&e);
    let mut r = WebError::from(e).into_response();
    if let Some(v) = v {
        r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    r
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::InvalidCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden | AppError::Denied { .. } => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Store(_) | AppError::Vault(_) | AppError::Audit(_) | AppError::Internal(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The message of an error page: a text of the catalogue, or the use case's own, in French
/// and in English (the page picks the request's language).
#[derive(Clone, Debug)]
pub enum Message {
    Key(&'static str),
    Text { fr: String, en: String },
}

/// An error answer waiting for its page, carried in the answer's extensions.
#[derive(Clone, Debug)]
pub struct Unrendered {
    /// Catalogue key of the page's title.
    pub title: &'static str,
    pub message: Message,
    /// What went wrong inside, for the log (server errors only).
    pub detail: Option<String>,
}

impl WebError {
    /// The status and the page of this error; `Err` for a redirect.
    fn shown(&self) -> Result<(StatusCode, Unrendered), Redirect> {
        let (status, title, message) = match self {
            Self::Login { next, expired } => return Err(Redirect::to(&login_url(next, *expired))),
            Self::WrongPortal => return Err(Redirect::to("/")),
            Self::App(e) => (
                status_of(e),
                "error.title",
                Message::Text {
                    fr: e.public_message_in(Language::Fr),
                    en: e.public_message_in(Language::En),
                },
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "error.not_found.title",
                Message::Key("error.not_found"),
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "error.csrf.title",
                Message::Key("error.csrf"),
            ),
            Self::BadRequest => (
                StatusCode::BAD_REQUEST,
                "error.title",
                Message::Key("error.bad_request"),
            ),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "error.title",
                Message::Key("error.method"),
            ),
        };
        let detail = match self {
            Self::App(e) if status.is_server_error() => Some(e.to_string()),
            _ => None,
        };
        Ok((
            status,
            Unrendered {
                title,
                message,
                detail,
            },
        ))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self.shown() {
            Ok((status, unrendered)) => {
                let mut r = status.into_response();
                r.extensions_mut().insert(unrendered);
                let retry = match &self {
                    Self::App(e) => e.retry_after_seconds(),
                    _ => None,
                };
                if let Some(v) = retry.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            Err(redirect) => redirect.into_response(),
        }
    }
}
