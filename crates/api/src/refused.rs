//! Every request on a record leaves exactly one audit event (issue 14). Most are audited by
//! their use case; this layer, on the routes naming `{patient_id}`, counts the events the
//! request wrote (`mds_audit::scope`) and, when a client error was answered with none — a
//! body or query refused by an extractor, a malformed form, a check before the gate — hands
//! it to `App::audit_refused_request`. The answer is unchanged.

use crate::extract::{Auth, ClientIp};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use mds_app::record::refused::RefusedRequest;
use mds_app::App;
use mds_domain::PatientId;

pub async fn audit_unrecorded(State(app): State<App>, req: Request, next: Next) -> Response {
    let Some(route) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .filter(|r| r.contains("{patient_id}"))
    else {
        return next.run(req).await;
    };
    let patient_id = patient_in(&route, req.uri().path());
    // What identifies the caller, kept before the body is read.
    let (mut head, ()) = Request::builder()
        .method(req.method().clone())
        .uri(req.uri().clone())
        .body(())
        .unwrap_or_default()
        .into_parts();
    head.headers = req.headers().clone();
    head.extensions = req.extensions().clone();
    let (response, recorded) = mds_audit::scope::counted(next.run(req)).await;
    let status = response.status();
    if recorded > 0 || !status.is_client_error() || status == StatusCode::UNAUTHORIZED {
        return response;
    }
    let (Some(patient_id), Ok(Auth(actor))) =
        (patient_id, Auth::from_request_parts(&mut head, &app).await)
    else {
        return response;
    };
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut head, &app).await;
    let code = response
        .extensions()
        .get::<crate::error::ErrorCode>()
        .map_or("client_error", |c| c.0);
    let request = RefusedRequest {
        method: head.method.as_str(),
        route: &route,
        code,
    };
    if let Err(e) = app
        .audit_refused_request(&actor, &patient_id, request, ip, crate::now())
        .await
    {
        tracing::warn!(error = %e, "could not audit a request refused before its use case");
    }
    response
}

/// The record named by `path` where `route` (a template of the same number of segments)
/// has `{patient_id}`; `None` when it is not an identifier.
fn patient_in(route: &str, path: &str) -> Option<PatientId> {
    // A nested router sees its path without the prefix its template names: count from the
    // end, where both have the same segments.
    let from_end = route.rsplit('/').position(|s| s == "{patient_id}")?;
    PatientId::parse(path.rsplit('/').nth(from_end)?)
}

#[cfg(test)]
mod tests {
    use super::patient_in;

    #[test]
    fn the_record_is_read_from_the_segment_the_route_names() {
        let id = "0b6f2f2e-5b0e-4c9e-9a53-3f1a2b4c5d6e";
        let route = "/api/v1/records/{patient_id}/documents/{document_id}";
        let path = format!("/api/v1/records/{id}/documents/x");
        assert_eq!(
            patient_in(route, &path).map(|p| p.to_string()).as_deref(),
            Some(id)
        );
        let nested = "/records/{patient_id}/history";
        let path = format!("/api/v1/records/{id}/history");
        assert!(patient_in(nested, &path).is_some());
        let route = "/api/v1/records/{patient_id}/history";
        let path = format!("/records/{id}/history");
        assert_eq!(
            patient_in(route, &path).map(|p| p.to_string()).as_deref(),
            Some(id)
        );
        assert!(patient_in(route, "/api/v1/records/not-an-id/documents/x").is_none());
        assert!(patient_in("/records/mine", "/api/v1/records/mine").is_none());
    }
}
