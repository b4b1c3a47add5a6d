//! The OpenAPI document, assembled from the handlers' annotations.

use crate::openapi_complete::Complete;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Mon Drive Santé API", version = "1", description = "Dossier médical partagé de la Nouvelle-Calédonie — REST API. Errors are JSON `{\"error\": {\"code\", \"message\"}}`."),
    paths(
        crate::health::healthz, crate::health::readyz,
        crate::auth::login, crate::auth::logout, crate::auth::me, crate::auth::change_password, crate::auth::begin_enrolment, crate::auth::confirm_enrolment,
        crate::recovery::forgotten, crate::recovery::reset, crate::recovery::reissue,
        crate::recovery_requests::submit, crate::recovery_requests::list,
        crate::recovery_requests::scan, crate::recovery_requests::close,
        crate::acting_structure::choices, crate::acting_structure::choose,
        crate::directory::create_structure, crate::directory::list_structures,
        crate::directory::create_professional, crate::directory::search_professionals, crate::directory::get_professional,
        crate::directory::edit_professional, crate::directory::edit_structure,
        crate::directory::suspend, crate::directory::reactivate, crate::directory::create_assistant,
        crate::audit::read, crate::checkpoints::list, crate::checkpoints::keys,
        crate::record::mine, crate::record::add, crate::record::list, crate::record::metadata,
        crate::record::content, crate::record::new_version, crate::record::delete,
        crate::record_controls::care_team, crate::record_controls::add_member,
        crate::record_controls::remove_member, crate::record_controls::attending,
        crate::record_controls::block, crate::record_controls::unblock,
        crate::record_controls::emergency_settings, crate::record_controls::break_glass,
        crate::record_controls::samu, crate::record_controls::oppose_feeding,
        crate::record_controls::lift_feeding_opposition, crate::record_controls::mask,
        crate::record_controls::unmask, crate::record_controls::mask_all,
        crate::record_controls::unmask_all,
        crate::record_controls::hide, crate::record_controls::show,
        crate::record_controls::request_consent, crate::record_controls::consents,
        crate::record_controls::approve, crate::record_controls::refuse,
        crate::record_controls::revoke, crate::record_controls::enter_code,
        crate::patients::create, crate::patients::search, crate::patients::activate,
        crate::patients::change_care_team, crate::patients::record_death, crate::patients::request_erasure, crate::patients::close, crate::patients::legal_export, crate::patients::support_export, crate::patients::heir_export,
        crate::patients::close_own, crate::patients::erase_own, crate::patients::export_own,
        crate::representatives::list, crate::representatives::record, crate::representatives::end,
        crate::representatives::document, crate::representatives::represented,
        crate::enrolments::submit, crate::enrolments::status, crate::enrolments::queue,
        crate::enrolments::scan, crate::enrolments::validate, crate::enrolments::reject,
        crate::reviews::list, crate::reviews::approve, crate::reviews::reject,
        crate::history::record_history, crate::history::access_log, crate::history::extract,
        crate::preview::preview,
        crate::profile::read, crate::profile::add, crate::profile::remove,
        crate::notifications::list, crate::notifications::mark_read,
        crate::notifications::preferences, crate::notifications::set_preferences,
        crate::supervision::list, crate::supervision::review,
        crate::software::create, crate::software::list, crate::software::revoke, crate::software::preload,
        crate::software_records::feed, crate::software_records::list, crate::software_records::content,
        crate::attestations::attestation,
        crate::record_settings::emergency_settings, crate::record_settings::blocks,
        crate::rectifications::mine, crate::rectifications::ask, crate::rectifications::queue,
        crate::rectifications::one, crate::rectifications::apply, crate::rectifications::reject,
        crate::rectifications::my_limitation, crate::rectifications::set_limitation,
        crate::contact::email, crate::contact::confirm, crate::contact::phone,
    ),
    components(schemas(
        mds_domain::AccountId, mds_domain::PatientId, mds_domain::DocumentId, mds_domain::StructureId,
        mds_domain::ProfileEntryId,
    )),
    modifiers(&BearerAuth, &Complete),
    tags((name = "auth"), (name = "directory"), (name = "audit"), (name = "patients"), (name = "enrolments"), (name = "record"), (name = "record-controls"), (name = "health"), (name = "notifications"), (name = "supervision"), (name = "software"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
            components.add_security_scheme(
                "structure_software",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("mds-at-… or mds-sw-…")
                        .description(Some(
                            "A structure's software: an access token from `POST \
                             /fhir/auth/token` (`mds-at-…`, 5 minutes, obtained with a JWT \
                             assertion signed by a key registered by support) or a credential \
                             secret (`mds-sw-…`), with the headers `X-MDS-Professional: <MDS \
                             account id or professional number>` naming the professional of \
                             that structure the software acts for (on its list of authorised \
                             professionals) and `X-MDS-Professional-Amr: mfa` asserting that \
                             they signed in to the software with two factors.",
                        ))
                        .build(),
                ),
            );
        }
    }
}

/// The OpenAPI document as JSON text.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Anyone. The OpenAPI 3 document of this API.
pub async fn serve() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}
