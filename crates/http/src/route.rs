//! Reading one parameter of a route from the request's path without the router: what a layer
//! wrapping a nested router needs (it sees the matched template in full, `/api/v1/records/
//! {patient_id}/…`, but the path without the prefix the router was nested under).

/// The segment of `path` that `template` names `{name}`, counted from the end, where the
/// template and the path have the same segments.
pub fn param<'a>(template: &str, path: &'a str, name: &str) -> Option<&'a str> {
    let wanted = format!("{{{name}}}");
    let from_end = template.rsplit('/').position(|s| s == wanted)?;
    path.rsplit('/').nth(from_end).filter(|s| !s.is_empty())
}

/// A copy of what identifies `req` — method, URI, headers, extensions — without its body:
/// what a layer keeps to run extractors (the caller, the address) after the handler has
/// consumed the request.
pub fn head_of<B>(req: &axum::http::Request<B>) -> axum::http::request::Parts {
    let (mut head, ()) = axum::http::Request::builder()
        .method(req.method().clone())
        .uri(req.uri().clone())
        .version(req.version())
        .body(())
        .unwrap_or_default()
        .into_parts();
    head.headers = req.headers().clone();
    head.extensions = req.extensions().clone();
    head
}

#[cfg(test)]
mod tests {
    use super::param;

    #[test]
    fn the_parameter_is_read_from_the_segment_the_template_names() {
        let route = "/api/v1/records/{patient_id}/documents/{document_id}";
        assert_eq!(
            param(route, "/api/v1/records/p1/documents/d1", "patient_id"),
            Some("p1")
        );
        // Inside a nested router: the prefix is gone from the path, not from the template.
        assert_eq!(
            param(route, "/records/p1/documents/d1", "patient_id"),
            Some("p1")
        );
        assert_eq!(
            param(route, "/records/p1/documents/d1", "document_id"),
            Some("d1")
        );
        assert_eq!(param("/records/mine", "/records/mine", "patient_id"), None);
        assert_eq!(param("/pro/records/{pid}", "/records/", "pid"), None);
    }
}
