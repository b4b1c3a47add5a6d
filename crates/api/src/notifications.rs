//! The signed-in account's notifications (read/unread, paginated) and e-mail preferences.

use crate::error::{ApiError, ErrorBody};
use crate::extract::{Auth, Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use mds_app::information::notifications::inbox::{NotificationPage, Preference};
use mds_app::information::notifications::EmailMode;
use mds_app::App;
use mds_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only the notifications not read yet.
    #[serde(default)]
    pub unread: bool,
    /// At most 100; 50 by default.
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: String,
    /// document_added, first_access, break_glass, samu, consent_request,
    /// announcement_reminder, depositor_reminder, account_activated, account_closed.
    pub kind: String,
    /// French text, without medical content.
    pub text: String,
    /// The same text in English (absent on notifications written before English was kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_en: Option<String>,
    pub created_at: String,
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPageOut {
    pub items: Vec<NotificationOut>,
    /// Matching the filter, all pages together.
    pub total: i64,
    pub unread: i64,
}

impl From<NotificationPage> for NotificationPageOut {
    fn from(p: NotificationPage) -> Self {
        Self {
            items: p
                .items
                .into_iter()
                .map(|n| NotificationOut {
                    id: n.id,
                    kind: n.kind,
                    text: n.text,
                    text_en: n.text_en,
                    created_at: mds_domain::Timestamp::from_millis(n.created_at_ms).to_rfc3339(),
                    read: n.read_at_ms.is_some(),
                })
                .collect(),
            total: p.total,
            unread: p.unread,
        }
    }
}

/// How a kind is e-mailed.
#[derive(Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum ModeOut {
    /// One e-mail per notification, at once.
    Immediate,
    /// A line of the daily digest (sent after 07:00, New Caledonia time).
    Digest,
    Never,
}

impl From<EmailMode> for ModeOut {
    fn from(m: EmailMode) -> Self {
        match m {
            EmailMode::Immediate => ModeOut::Immediate,
            EmailMode::Digest => ModeOut::Digest,
            EmailMode::Never => ModeOut::Never,
        }
    }
}

impl From<ModeOut> for EmailMode {
    fn from(m: ModeOut) -> Self {
        match m {
            ModeOut::Immediate => EmailMode::Immediate,
            ModeOut::Digest => EmailMode::Digest,
            ModeOut::Never => EmailMode::Never,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PreferenceOut {
    pub kind: String,
    pub label: String,
    /// Sent by e-mail (at once or in the digest).
    pub email: bool,
    pub mode: ModeOut,
    /// Always sent by e-mail (emergency accesses, account events): cannot be switched off.
    pub mandatory: bool,
}

impl From<Preference> for PreferenceOut {
    fn from(p: Preference) -> Self {
        Self {
            kind: p.kind,
            label: p.label,
            email: p.email,
            mode: p.mode.into(),
            mandatory: p.mandatory,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferenceIn {
    pub kind: String,
    /// How it is e-mailed. Takes precedence over `email`.
    #[serde(default)]
    pub mode: Option<ModeOut>,
    /// The older on/off switch: `true` is `immediate`, `false` is `never`. One of `mode` and
    /// `email` is required; when both are given they must agree.
    #[serde(default)]
    pub email: Option<bool>,
}

impl PreferenceIn {
    fn choice(self) -> Result<(String, EmailMode), ApiError> {
        let mode = match (self.mode, self.email) {
            (Some(m), None) => m.into(),
            (None, Some(true)) => EmailMode::Immediate,
            (None, Some(false)) => EmailMode::Never,
            (Some(m), Some(e)) if (m != ModeOut::Never) == e => m.into(),
            (Some(_), Some(_)) => {
                return Err(AppError::invalid(
                    "notification_mode_conflict",
                    format!(
                        "« mode » et « email » se contredisent pour « {} ».",
                        self.kind
                    ),
                )
                .into())
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "notification_mode_missing",
                    format!("Indiquez « mode » pour « {} ».", self.kind),
                )
                .into())
            }
        };
        Ok((self.kind, mode))
    }
}

/// Any signed-in account. Its notifications, newest first.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = NotificationPageOut), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    Auth(actor): Auth,
    Query(p): Query<ListParams>,
) -> Result<axum::Json<NotificationPageOut>, ApiError> {
    let page = app
        .notifications(
            &actor,
            p.unread,
            p.limit.unwrap_or(0),
            p.offset.unwrap_or(0),
        )
        .await?;
    Ok(axum::Json(page.into()))
}

/// Any signed-in account. Marks one of its notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "notification id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(app): State<App>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app.mark_notification_read(&actor, &id, crate::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Any signed-in account. Its e-mail choice for every kind of notification.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = [PreferenceOut]), (status = 401, body = ErrorBody)))]
pub async fn preferences(
    State(app): State<App>,
    Auth(actor): Auth,
) -> Result<axum::Json<Vec<PreferenceOut>>, ApiError> {
    let prefs = app.notification_preferences(&actor).await?;
    Ok(axum::Json(prefs.into_iter().map(Into::into).collect()))
}

/// Any signed-in account. Chooses how the kinds listed are e-mailed (at once, in the daily
/// digest, never); the mandatory kinds always go at once (`notification_mandatory`).
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])), request_body = [PreferenceIn],
    responses((status = 200, body = [PreferenceOut]), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_preferences(
    State(app): State<App>,
    Auth(actor): Auth,
    Json(b): Json<Vec<PreferenceIn>>,
) -> Result<axum::Json<Vec<PreferenceOut>>, ApiError> {
    let choices = b
        .into_iter()
        .map(PreferenceIn::choice)
        .collect::<Result<Vec<_>, _>>()?;
    let prefs = app
        .set_notification_preferences(&actor, &choices, crate::now())
        .await?;
    Ok(axum::Json(prefs.into_iter().map(Into::into).collect()))
}
