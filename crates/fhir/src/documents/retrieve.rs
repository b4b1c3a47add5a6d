//! ITI-68 Retrieve Document: `GET /fhir/Binary/{id}` (the `attachment.url` of a
//! `DocumentReference`) answers the decrypted content in its own format, or a FHIR `Binary`
//! with the content in base64 when FHIR JSON is asked (`Accept: application/fhir+json`,
//! `_format=json`). Either way it is one read of the document, decided and audited by the
//! app.

use crate::auth::{ClientIp, FhirActor};
use crate::format::{wanted, Fhir, IdPath, Params, Wanted};
use crate::model::documents::Binary;
use crate::model::Resource;
use crate::FhirError;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use mds_app::App;
use mds_domain::{DocumentId, Format};

/// The content type of a document's bytes (text is always UTF-8 in MDS).
fn content_type(format: Format) -> &'static str {
    match format {
        Format::Text => "text/plain; charset=utf-8",
        other => other.mime(),
    }
}

/// Whoever may read the document. Its content (ITI-68).
pub async fn retrieve(
    State(app): State<App>,
    FhirActor(actor): FhirActor,
    ClientIp(ip): ClientIp,
    params: Params,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> Result<Response, FhirError> {
    let as_fhir = wanted(&params, &headers)? == Wanted::Json;
    params.only(&[])?;
    let action = "document.read";
    let document_id = DocumentId::named(&id);
    let now = crate::now();
    let patient_id = app
        .record_of_document(&actor, &document_id, action, ip.clone(), now)
        .await?;
    let c = app
        .document_content_for(&actor, &patient_id, &document_id, ip, now)
        .await?;
    if as_fhir {
        let binary = Binary {
            id: Some(c.meta.id.to_string()),
            content_type: c.meta.format.mime().to_owned(),
            data: Some(data_encoding::BASE64.encode(&c.content)),
        };
        return Ok(Fhir(Resource::Binary(binary)).into_response());
    }
    let mut response = c.content.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(c.meta.format)),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", c.meta.sha256)) {
        h.insert(header::ETAG, v);
    }
    Ok(response)
}
