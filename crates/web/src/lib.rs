//! The web portals (patient, professional, support), server-rendered HTML. Handlers translate
//! forms and links to use cases of `mds-app` and render the answer; they hold no rules and
//! never touch the store, the vault or the audit. Every page is escaped by construction
//! (maud), carries a strict Content Security Policy (no inline script or style), and every
//! POST carries the session's anti-CSRF token; actions answer with a redirect (POST → GET).

mod patient;
mod pro;
mod public;
mod shared;
mod shell;
mod support;

pub use shell::error::WebError;
pub use shell::WebOptions;

use axum::extract::{DefaultBodyLimit, Request};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use mds_app::App;
use shell::{error_pages, Web};
use tower::ServiceExt;

/// Room for the multipart envelope and metadata fields around an uploaded file.
const UPLOAD_OVERHEAD: usize = 256 * 1024;

/// The portals, answering `/`, `/login`, `/logout`, `/lang/…`, `/patient/…`, `/pro/…`,
/// `/support/…` and `/static/…`; everything else goes to `rest` (the REST API and probes).
pub fn router(app: App, options: WebOptions, rest: Router) -> Router {
    let upload = mds_http::BodyLimit(app.settings().max_document_bytes + UPLOAD_OVERHEAD);
    let patient_upload =
        mds_http::BodyLimit(app.settings().max_patient_document_bytes + UPLOAD_OVERHEAD);
    let state = Web { app, options };
    let patient = Router::new()
        .route("/", get(patient::home::home))
        .route("/documents", get(patient::documents::documents))
        .route("/documents/{id}", get(patient::documents::document))
        .route("/documents/{id}/content", get(patient::documents::content))
        .route("/care-team", get(patient::care_team::care_team))
        .route("/profile", get(patient::profile::show))
        .route("/profile/entries", post(patient::profile::add))
        .route(
            "/profile/entries/{id}/remove",
            post(patient::profile::remove),
        )
        .route("/preview", get(patient::preview::preview))
        .route("/consents", get(patient::consents::consents))
        .route(
            "/consents/{id}/answer",
            post(patient::consents::answer_consent),
        )
        .route("/notifications", get(patient::notifications::list))
        .route(
            "/notifications/read-all",
            post(patient::notifications::mark_all_read),
        )
        .route(
            "/notifications/{id}/read",
            post(patient::notifications::mark_read),
        )
        .route("/history", get(patient::history::history))
        .route("/act-for", post(patient::representation::act_for))
        .route("/documents/{id}/mask", post(patient::controls::mask))
        .route(
            "/documents/mask-all",
            get(patient::controls::mask_all_confirm).post(patient::controls::mask_all),
        )
        .route("/documents/unmask-all", post(patient::controls::unmask_all))
        .route("/care-team/{pro}", post(patient::controls::member))
        .route("/care-team/add", post(patient::controls::add))
        .route("/settings", get(patient::settings::hub))
        .route(
            "/emergency",
            get(patient::settings::emergency).post(patient::settings::set_emergency),
        )
        .route(
            "/blocked",
            get(patient::settings::blocked).post(patient::settings::set_blocked),
        )
        .route(
            "/preferences",
            get(patient::account::preferences).post(patient::account::set_preferences),
        )
        .route(
            "/rectification",
            get(patient::rectification::show).post(patient::rectification::ask),
        )
        .route("/limitation", post(patient::rectification::limit))
        .route("/contact", get(patient::contact::show))
        .route("/contact/email", post(patient::contact::email))
        .route("/contact/phone", post(patient::contact::phone))
        .route("/export", get(patient::account::export))
        .route("/export/download", get(patient::account::download))
        .route(
            "/close",
            get(patient::account::close_page).post(patient::account::close),
        )
        .route("/closed", get(patient::account::closed))
        .route(
            "/documents/add",
            get(patient::own_documents::add_form)
                .post(patient::own_documents::add)
                .layer(patient_upload),
        )
        .route(
            "/documents/{id}/delete",
            get(patient::own_documents::delete_form).post(patient::own_documents::delete),
        )
        .route("/documents/{id}/view", get(patient::documents::inline))
        .fallback(error_pages::not_found);
    let pro = Router::new()
        .route("/", get(pro::find::find))
        .route("/patient", get(pro::find::contextual))
        .route("/records/{pid}", get(pro::record::record))
        .route("/records/{pid}/profile", get(pro::profile::show))
        .route("/records/{pid}/profile/entries", post(pro::profile::add))
        .route(
            "/records/{pid}/profile/entries/{id}/remove",
            post(pro::profile::remove),
        )
        .route("/records/{pid}/documents/{id}", get(pro::record::document))
        .route(
            "/records/{pid}/documents/{id}/content",
            get(pro::record::content),
        )
        .route(
            "/records/{pid}/add",
            get(pro::actions::add_form)
                .post(pro::actions::add)
                .layer(upload),
        )
        .route(
            "/records/{pid}/consent",
            post(pro::actions::request_consent),
        )
        .route(
            "/records/{pid}/consent-form",
            post(pro::consent_form::attach).layer(upload),
        )
        .route(
            "/records/{pid}/consents/{cid}",
            get(pro::actions::code_form).post(pro::actions::enter_code),
        )
        .route(
            "/records/{pid}/break-glass",
            post(pro::actions::break_glass),
        )
        .route("/records/{pid}/samu", post(pro::actions::samu))
        .route(
            "/records/{pid}/documents/{id}/replace",
            get(pro::own_documents::replace_form)
                .post(pro::own_documents::replace)
                .layer(upload),
        )
        .route(
            "/records/{pid}/documents/{id}/release",
            post(pro::document_controls::release),
        )
        .route(
            "/records/{pid}/documents/{id}/mask",
            post(pro::document_controls::mask),
        )
        .route(
            "/records/{pid}/documents/{id}/unmask",
            post(pro::document_controls::unmask),
        )
        .route(
            "/records/{pid}/documents/{id}/delete",
            get(pro::own_documents::delete_form).post(pro::own_documents::delete),
        )
        .route(
            "/records/{pid}/opposition",
            post(pro::actions::set_opposition),
        )
        .route(
            "/structure",
            get(pro::structure::form).post(pro::structure::choose),
        )
        .route("/search", get(pro::patients::search))
        .route(
            "/patients/new",
            get(pro::patients::create_form)
                .post(pro::patients::create)
                .layer(mds_http::BodyLimit(
                    mds_app::patients::identity::IDENTITY_FILE_MAX_BYTES + UPLOAD_OVERHEAD,
                )),
        )
        .route("/access-log", get(pro::access_log::log))
        .route(
            "/records/{pid}/documents/{id}/view",
            get(pro::record::inline),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            shell::refused::audit_unrecorded,
        ))
        .fallback(error_pages::not_found);
    let support = Router::new()
        .route("/", get(support::home::home))
        .route("/professionals", get(support::directory::list))
        .route("/alerts", get(support::alerts::list))
        .route("/enrolments/{rid}", get(support::enrolments::show))
        .route("/recovery-requests", get(support::recovery_requests::list))
        .route(
            "/recovery-requests/{id}/scan",
            get(support::recovery_requests::scan),
        )
        .route(
            "/recovery-requests/{id}/close",
            post(support::recovery_requests::close),
        )
        .route(
            "/enrolments/{rid}/scans/{sid}",
            get(support::enrolments::scan),
        )
        .route(
            "/enrolments/{rid}/validate",
            post(support::enrolments::validate),
        )
        .route(
            "/enrolments/{rid}/reject",
            post(support::enrolments::reject),
        )
        .route("/alerts/{id}/review", post(support::alerts::review))
        .route("/professionals/{id}", get(support::directory::show))
        .route(
            "/professionals/{id}/edit",
            get(support::directory_edit::professional_form)
                .post(support::directory_edit::edit_professional),
        )
        .route(
            "/structures/{id}/edit",
            get(support::directory_edit::structure_form)
                .post(support::directory_edit::edit_structure),
        )
        .route(
            "/professionals/{id}/suspend",
            post(support::directory::suspend),
        )
        .route(
            "/professionals/{id}/reactivate",
            post(support::directory::reactivate),
        )
        .route("/accounts/{id}/reissue", post(support::recovery::reissue))
        .route("/patients", get(support::records::find))
        .route("/patients/{id}", get(support::records::show))
        .route("/patients/{id}/activate", post(support::records::activate))
        .route(
            "/patients/{id}/export",
            post(support::record_export::download),
        )
        .route(
            "/patients/{id}/heir-export",
            post(support::record_export::heir_download),
        )
        .route(
            "/patients/{id}/consents/{cid}/attestation",
            get(support::consents::attestation),
        )
        .route(
            "/patients/{id}/representatives",
            post(support::representatives::record).layer(upload),
        )
        .route(
            "/patients/{id}/representatives/{rid}/end",
            post(support::representatives::end),
        )
        .route(
            "/patients/{id}/representatives/{rid}/document",
            get(support::representatives::document),
        )
        .route(
            "/patients/{id}/limitation",
            post(support::rectifications::limit),
        )
        .route("/rectifications", get(support::rectifications::list))
        .route("/rectifications/{id}", get(support::rectifications::show))
        .route(
            "/rectifications/{id}/apply",
            post(support::rectifications::apply),
        )
        .route(
            "/rectifications/{id}/reject",
            post(support::rectifications::reject),
        )
        .route(
            "/patients/{id}/care-team",
            post(support::records::care_team),
        )
        .route("/patients/{id}/life", get(support::life::show))
        .route("/patients/{id}/death", post(support::life::death))
        .route("/patients/{id}/close", post(support::life::close))
        .route("/patients/{id}/erasure", post(support::life::erasure))
        .route("/erasures", get(support::life::erasures))
        .route("/structures", get(support::structures::list))
        .route(
            "/structures/{id}/session-idle",
            post(support::structures::set_idle),
        )
        .route(
            "/structures/{id}/software",
            get(support::structure_software::show),
        )
        .route(
            "/structures/{id}/software/credentials",
            post(support::structure_software::create_credential),
        )
        .route(
            "/structures/{id}/software/credentials/{cid}/revoke",
            post(support::structure_software::revoke_credential),
        )
        .route(
            "/structures/{id}/software/keys",
            post(support::structure_software::register_keys),
        )
        .route(
            "/structures/{id}/software/keys/{kid}/revoke",
            post(support::structure_software::revoke_key),
        )
        .route(
            "/structures/{id}/software/professionals",
            post(support::structure_software::authorise),
        )
        .route(
            "/structures/{id}/software/professionals/{pid}/remove",
            post(support::structure_software::remove),
        )
        .route(
            "/structures/new",
            get(support::directory_new::structure_form)
                .post(support::directory_new::create_structure),
        )
        .route(
            "/professionals/new",
            get(support::directory_new::professional_form)
                .post(support::directory_new::create_professional),
        )
        .route(
            "/assistants/new",
            get(support::directory_new::assistant_form)
                .post(support::directory_new::create_assistant),
        )
        .route("/identity-reviews", get(support::identity::list))
        .route(
            "/identity-reviews/{id}/approve",
            post(support::identity::approve),
        )
        .route(
            "/identity-reviews/{id}/reject",
            post(support::identity::reject),
        )
        .route(
            "/audit",
            get(support::audit::form).post(support::audit::extract),
        )
        .fallback(error_pages::not_found);
    Router::new()
        .route("/", get(public::login::root))
        .route(
            "/login",
            get(public::login::form).post(public::login::submit),
        )
        .route(
            "/login/code",
            get(public::login_code::form).post(public::login_code::submit),
        )
        .route("/logout", post(public::login::logout))
        .route("/droits", get(public::rights::rights))
        .route(
            "/password",
            get(public::password::form).post(public::password::change),
        )
        .route(
            "/passkeys",
            get(public::passkeys::list).post(public::passkeys::add),
        )
        .route("/passkeys/{id}/remove", post(public::passkeys::remove))
        .route("/login/passkey", post(public::login_code::passkey))
        .route(
            "/password/forgotten",
            get(public::recovery::request_form).post(public::recovery::request),
        )
        .route(
            "/acces-perdu",
            get(public::lost_factor::form)
                .post(public::lost_factor::send)
                .layer(mds_http::BodyLimit(
                    mds_app::patients::identity::IDENTITY_FILE_MAX_BYTES + UPLOAD_OVERHEAD,
                )),
        )
        .route(
            "/password/reset",
            get(public::recovery::reset_form).post(public::recovery::reset),
        )
        .route(
            "/contact/confirm",
            get(public::contact_confirm::form).post(public::contact_confirm::confirm),
        )
        .route("/lang/{lang}", get(public::login::lang))
        .route("/static/{file}", get(shell::assets::serve))
        .route(
            "/inscription",
            get(public::enrol::form)
                .post(public::enrol::submit)
                .layer(mds_http::BodyLimit(
                    2 * mds_app::patients::identity::IDENTITY_FILE_MAX_BYTES + UPLOAD_OVERHEAD,
                )),
        )
        .route(
            "/inscription/suivi",
            get(public::enrol::status_form).post(public::enrol::status),
        )
        .route(
            "/activation",
            get(public::activation::activation_form).post(public::activation::activation),
        )
        .route("/activation/confirm", post(public::activation::confirm))
        .nest("/patient", patient)
        .nest("/pro", pro)
        .nest("/support", support)
        .method_not_allowed_fallback(error_pages::method_not_allowed)
        .fallback(move |req: Request| elsewhere(rest.clone(), req))
        // The layers as one stack, outermost first (ARCHITECTURE.md, http: one box per route).
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::middleware::from_fn(mds_http::edge::label_route))
                .layer(axum::middleware::from_fn(shell::headers::security_headers))
                .layer(axum::middleware::from_fn(error_pages::render))
                .layer(DefaultBodyLimit::max(shell::FORM_BODY_LIMIT)),
        )
        .with_state(state)
}

/// What the portals do not answer: the REST API, the FHIR surface (`/fhir`, with the token
/// endpoint of structure software) and the probes get the request; any other address is the
/// portals' not-found page.
async fn elsewhere(rest: Router, req: Request) -> Response {
    let path = req.uri().path();
    let api = mds_http::surfaces::is_rest(path) || path == "/fhir" || path.starts_with("/fhir/");
    if api {
        match rest.oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        }
    } else {
        WebError::NotFound.into_response()
    }
}
