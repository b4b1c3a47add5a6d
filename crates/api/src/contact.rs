//! A patient's contact data (issue 15, item 2): the new e-mail address (also the login) is
//! taken once the link sent to it is followed; the phone changes at once; the current password
//! is required for both. The rules and the audit are `mds-app`'s (`patients::contact`).

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json};
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::App;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChangeIn {
    #[schema(max_length = 254)]
    pub email: String,
    /// The account's current password.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneChangeIn {
    /// Empty to remove the number.
    #[schema(max_length = 30)]
    pub phone: String,
    /// The account's current password.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmIn {
    /// The `token` of the link received at the new address.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactOut {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The patient. Sends a confirmation link to the new address (and a notice to the current
/// one); nothing changes before the link is followed.
#[utoipa::path(post, path = "/api/v1/me/contact/email", tag = "auth", security(("bearer" = [])), request_body = EmailChangeIn,
    responses((status = 202), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn email(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Json(b): Json<EmailChangeIn>,
) -> Result<StatusCode, ApiError> {
    app.request_email_change(&a, &b.email, &b.password, ip, crate::now())
        .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Holder of a live confirmation link. The new address becomes the account's e-mail and login.
#[utoipa::path(post, path = "/api/v1/auth/contact/confirm", tag = "auth", request_body = ConfirmIn,
    responses((status = 200, body = ContactOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(b): Json<ConfirmIn>,
) -> Result<axum::Json<ContactOut>, ApiError> {
    let email = app.confirm_email_change(&b.token, ip, crate::now()).await?;
    Ok(axum::Json(ContactOut {
        email: Some(email),
        phone: None,
    }))
}

/// The patient. Changes (or removes, with an empty text) the phone number.
#[utoipa::path(put, path = "/api/v1/me/contact/phone", tag = "auth", security(("bearer" = [])), request_body = PhoneChangeIn,
    responses((status = 200, body = ContactOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn phone(
    State(app): State<App>,
    Auth(a): Auth,
    ClientIp(ip): ClientIp,
    Json(b): Json<PhoneChangeIn>,
) -> Result<axum::Json<ContactOut>, ApiError> {
    let phone = app
        .change_phone(&a, &b.phone, &b.password, ip.clone(), crate::now())
        .await?;
    let (email, _) = app.my_contact(&a).await?;
    Ok(axum::Json(ContactOut { email, phone }))
}
