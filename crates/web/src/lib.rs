//! The web portals (patient, professional, support), server-rendered HTML. Handlers translate
//! forms and links to use cases of `mds-app` and render the answer; they hold no rules and
//! never touch the store, the vault or the audit. Every page is escaped by construction
//! (maud), carries a strict Content Security Policy (no inline script or style), and every
//! POST carries the session's anti-CSRF token; actions answer with a redirect (POST → GET).

mod assets;
mod catalogue;
mod enrol;
mod enrol_activation;
mod error;
mod form;
mod headers;
mod i18n;
mod layout;
mod login;
mod login_code;
mod patient;
mod patient_account;
mod patient_controls;
mod patient_documents;
mod patient_emergency;
mod patient_history;
mod patient_notifications;
mod pro;
mod pro_actions;
mod pro_documents;
mod pro_log;
mod pro_opposition;
mod pro_patients;
mod session;
mod support;
mod support_accounts;
mod support_alerts;
mod support_audit;
mod support_directory;
mod support_directory_new;
mod support_enrolments;
mod support_identity;
mod support_life;
mod support_structures;
mod viewer;
mod views;

pub use error::WebError;

use axum::extract::{DefaultBodyLimit, Request};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use mds_app::App;
use tower::ServiceExt;

/// Largest form body accepted (document uploads have their own limit, from the settings).
const FORM_BODY_LIMIT: usize = 64 * 1024;

/// Room for the multipart envelope and metadata fields around an uploaded file.
const UPLOAD_OVERHEAD: usize = 256 * 1024;

/// Options of the portals that depend on how the service is deployed.
#[derive(Clone, Copy, Debug, Default)]
pub struct WebOptions {
    /// Served over TLS (directly or behind a proxy): `__Host-` + `Secure` cookies.
    pub secure_cookies: bool,
}

/// What every handler receives.
#[derive(Clone)]
pub(crate) struct Web {
    pub app: App,
    pub options: WebOptions,
}

/// The portals, answering `/`, `/login`, `/logout`, `/lang/…`, `/patient/…`, `/pro/…`,
/// `/support/…` and `/static/…`; everything else goes to `rest` (the REST API and probes).
pub fn router(app: App, options: WebOptions, rest: Router) -> Router {
    let upload = DefaultBodyLimit::max(app.settings().max_document_bytes + UPLOAD_OVERHEAD);
    let patient_upload =
        DefaultBodyLimit::max(app.settings().max_patient_document_bytes + UPLOAD_OVERHEAD);
    let state = Web { app, options };
    let patient = Router::new()
        .route("/", get(patient::home))
        .route("/documents", get(patient::documents))
        .route("/documents/{id}", get(patient::document))
        .route("/documents/{id}/content", get(patient::content))
        .route("/care-team", get(patient::care_team))
        .route("/consents", get(patient::consents))
        .route("/consents/{id}/answer", post(patient::answer_consent))
        .route("/notifications", get(patient_notifications::list))
        .route(
            "/notifications/{id}/read",
            post(patient_notifications::mark_read),
        )
        .route("/history", get(patient_history::history))
        .route("/documents/{id}/mask", post(patient_controls::mask))
        .route("/documents/mask-all", post(patient_controls::mask_all))
        .route("/care-team/{pro}", post(patient_controls::member))
        .route("/care-team/add", post(patient_controls::add))
        .route("/settings", get(patient_emergency::hub))
        .route(
            "/emergency",
            get(patient_emergency::emergency).post(patient_emergency::set_emergency),
        )
        .route(
            "/blocked",
            get(patient_emergency::blocked).post(patient_emergency::set_blocked),
        )
        .route(
            "/preferences",
            get(patient_account::preferences).post(patient_account::set_preferences),
        )
        .route("/export", get(patient_account::export))
        .route("/export/download", get(patient_account::download))
        .route(
            "/close",
            get(patient_account::close_page).post(patient_account::close),
        )
        .route("/closed", get(patient_account::closed))
        .route(
            "/documents/add",
            get(patient_documents::add_form)
                .post(patient_documents::add)
                .layer(patient_upload),
        )
        .route(
            "/documents/{id}/delete",
            get(patient_documents::delete_form).post(patient_documents::delete),
        )
        .route("/documents/{id}/view", get(viewer::patient_inline))
        .fallback(error::not_found);
    let pro = Router::new()
        .route("/", get(pro::find))
        .route("/patient", get(pro::contextual))
        .route("/records/{pid}", get(pro::record))
        .route("/records/{pid}/documents/{id}", get(pro::document))
        .route("/records/{pid}/documents/{id}/content", get(pro::content))
        .route(
            "/records/{pid}/add",
            get(pro_actions::add_form)
                .post(pro_actions::add)
                .layer(upload),
        )
        .route("/records/{pid}/consent", post(pro_actions::request_consent))
        .route(
            "/records/{pid}/consents/{cid}",
            get(pro_actions::code_form).post(pro_actions::enter_code),
        )
        .route("/records/{pid}/break-glass", post(pro_actions::break_glass))
        .route("/records/{pid}/samu", post(pro_actions::samu))
        .route(
            "/records/{pid}/documents/{id}/replace",
            get(pro_documents::replace_form)
                .post(pro_documents::replace)
                .layer(upload),
        )
        .route(
            "/records/{pid}/documents/{id}/delete",
            get(pro_documents::delete_form).post(pro_documents::delete),
        )
        .route("/records/{pid}/opposition", post(pro_opposition::set))
        .route("/search", get(pro_patients::search))
        .route(
            "/patients/new",
            get(pro_patients::create_form)
                .post(pro_patients::create)
                .layer(DefaultBodyLimit::max(
                    mds_app::patients::IDENTITY_FILE_MAX_BYTES + UPLOAD_OVERHEAD,
                )),
        )
        .route("/access-log", get(pro_log::log))
        .route(
            "/records/{pid}/documents/{id}/view",
            get(viewer::pro_inline),
        )
        .fallback(error::not_found);
    let support = Router::new()
        .route("/", get(support::home))
        .route("/professionals", get(support_directory::list))
        .route("/alerts", get(support_alerts::list))
        .route("/enrolments/{rid}", get(support_enrolments::show))
        .route(
            "/enrolments/{rid}/scans/{sid}",
            get(support_enrolments::scan),
        )
        .route(
            "/enrolments/{rid}/validate",
            post(support_enrolments::validate),
        )
        .route("/enrolments/{rid}/reject", post(support_enrolments::reject))
        .route("/alerts/{id}/review", post(support_alerts::review))
        .route("/professionals/{id}", get(support_directory::show))
        .route(
            "/professionals/{id}/suspend",
            post(support_directory::suspend),
        )
        .route(
            "/professionals/{id}/reactivate",
            post(support_directory::reactivate),
        )
        .route("/patients", get(support_accounts::find))
        .route("/patients/{id}", get(support_accounts::show))
        .route("/patients/{id}/activate", post(support_accounts::activate))
        .route(
            "/patients/{id}/care-team",
            post(support_accounts::care_team),
        )
        .route("/patients/{id}/life", get(support_life::show))
        .route("/patients/{id}/death", post(support_life::death))
        .route("/patients/{id}/close", post(support_life::close))
        .route("/patients/{id}/erasure", post(support_life::erasure))
        .route("/erasures", get(support_life::erasures))
        .route("/structures", get(support_structures::list))
        .route(
            "/structures/new",
            get(support_directory_new::structure_form)
                .post(support_directory_new::create_structure),
        )
        .route(
            "/professionals/new",
            get(support_directory_new::professional_form)
                .post(support_directory_new::create_professional),
        )
        .route(
            "/assistants/new",
            get(support_directory_new::assistant_form)
                .post(support_directory_new::create_assistant),
        )
        .route("/identity-reviews", get(support_identity::list))
        .route(
            "/identity-reviews/{id}/approve",
            post(support_identity::approve),
        )
        .route(
            "/identity-reviews/{id}/reject",
            post(support_identity::reject),
        )
        .route(
            "/audit",
            get(support_audit::form).post(support_audit::extract),
        )
        .fallback(error::not_found);
    Router::new()
        .route("/", get(login::root))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/code",
            get(login_code::form).post(login_code::submit),
        )
        .route("/logout", post(login::logout))
        .route("/lang/{lang}", get(login::lang))
        .route("/static/{file}", get(assets::serve))
        .route(
            "/inscription",
            get(enrol::form)
                .post(enrol::submit)
                .layer(DefaultBodyLimit::max(
                    2 * mds_app::patients::IDENTITY_FILE_MAX_BYTES + UPLOAD_OVERHEAD,
                )),
        )
        .route(
            "/inscription/suivi",
            get(enrol::status_form).post(enrol::status),
        )
        .route(
            "/activation",
            get(enrol_activation::activation_form).post(enrol_activation::activation),
        )
        .route("/activation/confirm", post(enrol_activation::confirm))
        .nest("/patient", patient)
        .nest("/pro", pro)
        .nest("/support", support)
        .method_not_allowed_fallback(error::method_not_allowed)
        .fallback(move |lang: i18n::Lang, req: Request| elsewhere(rest.clone(), lang, req))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .with_state(state)
}

/// What the portals do not answer: the REST API and the probes get the request; any other
/// address is the portals' not-found page.
async fn elsewhere(rest: Router, lang: i18n::Lang, req: Request) -> Response {
    let path = req.uri().path();
    let api =
        path == "/api" || path.starts_with("/api/") || path == "/healthz" || path == "/readyz";
    if api {
        match rest.oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        }
    } else {
        WebError::NotFound.page(lang)
    }
}

/// The current instant, read once per request at the edge.
pub(crate) fn now() -> mds_domain::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    mds_domain::Timestamp::from_millis(ms)
}
