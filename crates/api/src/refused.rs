//! Every request on a record leaves exactly one audit event (issue 14). Most are audited by
//! their use case; this layer, on the routes naming `{patient_id}`, counts the events the
//! request wrote (`mds_app::record::refused::counted`) and, when a client error was answered
//! with none — a body or query refused by an extractor, a malformed form, a check before the
//! gate — hands it to `App::audit_refused_request`. The answer is unchanged.

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
    let patient_id =
        mds_http::route::param(&route, req.uri().path(), "patient_id").and_then(PatientId::parse);
    // What identifies the caller, kept before the body is read.
    let mut head = mds_http::route::head_of(&req);
    let (response, recorded) = mds_app::record::refused::counted(next.run(req)).await;
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
