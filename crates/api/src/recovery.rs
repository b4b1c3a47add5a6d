//! Account recovery (issue 15): a forgotten password reset by the link e-mailed to the
//! account (the second factor still required), and support re-issuing an enrolment after a
//! lost second factor or an expired activation code. The rules are `mds_app`'s
//! `accounts::recovery`.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, ClientIp, Json};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mds_app::accounts::recovery::Reissued;
use mds_app::App;
use mds_domain::AccountId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequestBody {
    /// The account's login (a patient's e-mail address).
    #[schema(min_length = 1, max_length = 254)]
    pub login: String,
}

/// Anyone. Sends a reset link (valid 30 minutes, single use) to the e-mail address of the
/// account the login names, when it is active with a second factor. The answer is the same
/// whatever the login: it reveals no account. At most 3 links an hour per account.
#[utoipa::path(post, path = "/api/v1/auth/password/forgotten", tag = "auth",
    request_body = ResetRequestBody,
    responses((status = 202), (status = 422, body = ErrorBody)))]
pub async fn forgotten(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ResetRequestBody>,
) -> Result<StatusCode, ApiError> {
    app.request_password_reset(&body.login, ip, crate::now())
        .await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    /// The `token` of the link received by e-mail.
    pub token: String,
    /// At least `security.password_min_length` characters (12 by default), not the login.
    pub new_password: String,
    /// A current code of the account's authenticator app.
    pub totp_code: String,
}

/// Holder of a live reset link and of the account's second factor. Sets the new password;
/// every session of the account ends; the account is told by e-mail. Five wrong codes cancel
/// the link.
#[utoipa::path(post, path = "/api/v1/auth/password/reset", tag = "auth", request_body = ResetBody,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn reset(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ResetBody>,
) -> Result<StatusCode, ApiError> {
    app.reset_password(
        &body.token,
        &body.new_password,
        &body.totp_code,
        ip,
        crate::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueBody {
    /// The identity check made: for a patient the identity document shown and compared with
    /// the record, for a professional the directory data compared (1000 characters at most).
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub evidence: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReissueOut {
    pub account_id: String,
    pub login: String,
    /// The new activation code, shown this once: hand it to the person.
    pub enrolment_code: String,
    /// The account was active: its second factor was removed and its sessions ended.
    pub second_factor_removed: bool,
    /// The code was also e-mailed (a pending account with an address; never after a lost
    /// second factor).
    pub code_emailed: bool,
    pub sessions_ended: u64,
}

impl From<Reissued> for ReissueOut {
    fn from(r: Reissued) -> Self {
        Self {
            account_id: r.account_id.to_string(),
            login: r.login,
            enrolment_code: r.enrolment_code,
            second_factor_removed: r.second_factor_removed,
            code_emailed: r.code_emailed,
            sessions_ended: r.sessions_ended,
        }
    }
}

/// Support, for another account. A new activation code after an identity check: an active
/// account loses its second factor and its sessions (a lost phone); a pending one gets a new
/// code in place of an expired one. Audited with the evidence; the account is told.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/enrolment", tag = "directory", security(("bearer" = [])),
    request_body = ReissueBody,
    params(("id" = String, Path, description = "account id")),
    responses((status = 200, body = ReissueOut), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reissue(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<AccountId>,
    Json(b): Json<ReissueBody>,
) -> Result<axum::Json<ReissueOut>, ApiError> {
    let r = app
        .reissue_enrolment(&actor, &id, &b.evidence, crate::now())
        .await?;
    Ok(axum::Json(r.into()))
}
