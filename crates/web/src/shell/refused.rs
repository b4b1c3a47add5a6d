//! Every request on a record leaves exactly one audit event, in the portals too (issue 14):
//! on the professional's routes naming a record (`{pid}`), a client error answered without
//! any event — a form refused before its use case (anti-CSRF token, unreadable or non-UTF-8
//! parts) — is handed to `App::audit_refused_request`, as the REST API does. The page is
//! unchanged.

use crate::shell::session::{ClientIp, Session};
use crate::shell::Web;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use mds_app::record::refused::RefusedRequest;
use mds_domain::PatientId;

pub async fn audit_unrecorded(State(web): State<Web>, req: Request, next: Next) -> Response {
    let Some(route) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
    else {
        return next.run(req).await;
    };
    let Some(patient_id) =
        mds_http::route::param(&route, req.uri().path(), "pid").and_then(PatientId::parse)
    else {
        return next.run(req).await;
    };
    let mut head = mds_http::route::head_of(&req);
    let (response, recorded) = mds_app::record::refused::counted(next.run(req)).await;
    let status = response.status();
    if recorded > 0 || !status.is_client_error() {
        return response;
    }
    let Ok(session) = Session::from_request_parts(&mut head, &web).await else {
        return response;
    };
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut head, &web).await;
    let code = format!("http_{}", status.as_u16());
    let request = RefusedRequest {
        method: head.method.as_str(),
        route: &route,
        code: &code,
    };
    if let Err(e) = web
        .app
        .audit_refused_request(
            &session.actor,
            &patient_id,
            request,
            ip,
            crate::shell::now(),
        )
        .await
    {
        tracing::warn!(error = %e, "could not audit a form refused before its use case");
    }
    response
}
