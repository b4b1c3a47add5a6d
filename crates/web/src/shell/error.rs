//! The one place where the portals' errors become pages: a French (or English) message in the
//! page, never JSON; "does not exist" and "you may not see it" are the same not-found page.
//! Internal details go to the log only.

use crate::shell::i18n::Lang;
use crate::shell::layout;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mds_app::AppError;

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
}

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
    url.push_str(&crate::shell::url::encode(next));
    url
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
        AppError::Store(_) | AppError::Vault(_) | AppError::Audit(_) | AppError::Internal(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

impl WebError {
    /// The page of this error, in `lang`.
    pub fn page(&self, lang: Lang) -> Response {
        let (status, title, message) = match self {
            Self::Login { next, expired } => {
                return Redirect::to(&login_url(next, *expired)).into_response()
            }
            Self::WrongPortal => return Redirect::to("/").into_response(),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                lang.t("error.not_found.title"),
                lang.t("error.not_found").to_owned(),
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                lang.t("error.csrf.title"),
                lang.t("error.csrf").to_owned(),
            ),
            Self::BadRequest => (
                StatusCode::BAD_REQUEST,
                lang.t("error.title"),
                lang.t("error.bad_request").to_owned(),
            ),
            Self::App(e) => {
                let status = status_of(e);
                if status.is_server_error() {
                    tracing::error!(error = %e, "portal request failed");
                }
                (status, lang.t("error.title"), e.public_message())
            }
        };
        let body = layout::error_page(lang, title, &message);
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body.into_string(),
        )
            .into_response()
    }
}

/// Without the request at hand (the language cookie), errors answer in French.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.page(Lang::Fr)
    }
}

/// A page or an error page, in the language of the request.
pub struct Answer(pub Lang, pub Result<Response, WebError>);

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self.1 {
            Ok(r) => r,
            Err(e) => e.page(self.0),
        }
    }
}

pub async fn not_found(lang: Lang) -> Response {
    WebError::NotFound.page(lang)
}

pub async fn method_not_allowed(lang: Lang) -> Response {
    let body = layout::error_page(lang, lang.t("error.title"), lang.t("error.method"));
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into_string(),
    )
        .into_response()
}
