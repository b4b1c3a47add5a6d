//! Sign-in, sign-out and enrolment of a new account's password and second factor.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json};
use crate::ApiOptions;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use mds_app::accounts::sign_in::{Channel, LoginRequest};
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub login: String,
    pub password: String,
    /// Current 6-digit code of the authenticator app.
    pub totp_code: String,
    /// Open a browser session: the token goes into an `HttpOnly`, `SameSite=Strict` cookie
    /// instead of the body, and the answer carries the `csrf_token` that requests other than
    /// GET must send back in the `X-CSRF-Token` header.
    #[serde(default)]
    pub cookie: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    /// Bearer token for `Authorization: Bearer …`. Shown once; absent for cookie sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// For cookie sessions: send it as `X-CSRF-Token` on every request other than GET.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// Absolute expiry (RFC 3339); the session also ends after the idle timeout.
    pub expires_at: String,
    pub account: AccountOut,
}

#[derive(Serialize, ToSchema)]
pub struct AccountOut {
    pub id: String,
    /// patient, professional, assistant or support.
    pub kind: String,
    pub display_name: String,
}

impl From<&mds_app::Actor> for AccountOut {
    fn from(a: &mds_app::Actor) -> Self {
        Self {
            id: a.account_id.to_string(),
            kind: a.kind.as_str().to_owned(),
            display_name: a.display_name.clone(),
        }
    }
}

/// Anyone. Password and second factor in one step; the answer never says which was wrong.
/// A new session id is issued at every login.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = SessionOut), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(app): State<App>,
    Extension(options): Extension<ApiOptions>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginBody>,
) -> Result<Response, ApiError> {
    let channel = if body.cookie {
        Channel::Web
    } else {
        Channel::Api
    };
    let req = LoginRequest {
        login: body.login,
        password: body.password,
        totp_code: body.totp_code,
        ip,
        channel,
    };
    let now = crate::now();
    let s = app.login(req, now).await?;
    let account = AccountOut::from(&s.actor);
    let expires_at = s.expires_at.to_rfc3339();
    if !body.cookie {
        return Ok(axum::Json(SessionOut {
            token: Some(s.token),
            csrf_token: None,
            expires_at,
            account,
        })
        .into_response());
    }
    let max_age = (s.expires_at.millis() - now.millis()) / 1000;
    let cookie = crate::extract::session_cookie(&s.token, options.secure_cookies, max_age);
    let csrf = mds_app::accounts::sign_in::csrf_token(&s.token);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(SessionOut {
            token: None,
            csrf_token: Some(csrf),
            expires_at,
            account,
        }),
    )
        .into_response())
}

/// Any signed-in account. Ends the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(app): State<App>,
    Extension(options): Extension<ApiOptions>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
) -> Result<Response, ApiError> {
    app.logout(&actor, ip, crate::now()).await?;
    let cleared = crate::extract::session_cookie("", options.secure_cookies, 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cleared)]).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeBody {
    pub current_password: String,
    /// At least `security.password_min_length` characters (12 by default), not the login.
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct PasswordChangeOut {
    /// The account's other sessions, ended by the change (this one goes on).
    pub other_sessions_ended: u64,
}

/// Any signed-in account (not a structure's software). Changes the password: the current one
/// is required; the other sessions end; the account is told by e-mail. Five wrong current
/// passwords within an hour block further attempts until the hour ends (429).
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChangeBody,
    responses((status = 200, body = PasswordChangeOut), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn change_password(
    State(app): State<App>,
    Auth(actor): Auth,
    ClientIp(ip): ClientIp,
    Json(body): Json<PasswordChangeBody>,
) -> Result<axum::Json<PasswordChangeOut>, ApiError> {
    let other_sessions_ended = app
        .change_password(
            &actor,
            &body.current_password,
            &body.new_password,
            ip,
            crate::now(),
        )
        .await?;
    Ok(axum::Json(PasswordChangeOut {
        other_sessions_ended,
    }))
}

/// Any signed-in account. Who am I.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = AccountOut), (status = 401, body = ErrorBody)))]
pub async fn me(Auth(actor): Auth) -> axum::Json<AccountOut> {
    axum::Json(AccountOut::from(&actor))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentBody {
    /// The one-time enrolment token received when the account was created.
    pub token: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentOut {
    /// Base32 secret to type into an authenticator app.
    pub totp_secret: String,
    /// `otpauth://` URI (for a QR code).
    pub provisioning_uri: String,
}

/// Holder of an enrolment token. Sets the password and returns a new TOTP secret.
#[utoipa::path(post, path = "/api/v1/auth/enrolment", tag = "auth", request_body = EnrolmentBody,
    responses((status = 200, body = EnrolmentOut), (status = 422, body = ErrorBody)))]
pub async fn begin_enrolment(
    State(app): State<App>,
    Json(body): Json<EnrolmentBody>,
) -> Result<axum::Json<EnrolmentOut>, ApiError> {
    let e = app
        .begin_enrolment(&body.token, &body.password, crate::now())
        .await?;
    Ok(axum::Json(EnrolmentOut {
        totp_secret: e.totp_secret,
        provisioning_uri: e.provisioning_uri,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    pub token: String,
    pub totp_code: String,
}

/// Holder of an enrolment token. Proves the authenticator works; the account becomes active.
#[utoipa::path(post, path = "/api/v1/auth/enrolment/confirm", tag = "auth", request_body = ConfirmBody,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn confirm_enrolment(
    State(app): State<App>,
    Json(body): Json<ConfirmBody>,
) -> Result<StatusCode, ApiError> {
    app.confirm_enrolment(&body.token, &body.totp_code, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
