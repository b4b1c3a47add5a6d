//! What a client asks for and sends: the format of the answer (`_format`, `Accept`; XML
//! answers 406; writing FHIR JSON is in `wire.rs`), the bodies it sends (JSON only, 415
//! otherwise) and its search parameters, read as a list so that a repeated one
//! (`date=ge…&date=le…`) is kept and an unknown one is refused rather than silently ignored.

use crate::error::FhirError;
use crate::model::Resource;
use crate::wire::fhir_json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// A resource answered with `200 OK`.
pub struct Fhir(pub Resource);

impl IntoResponse for Fhir {
    fn into_response(self) -> Response {
        fhir_json(StatusCode::OK, &self.0)
    }
}

/// What the client asked the answer to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// FHIR JSON, asked for explicitly (`_format=json`, `Accept: application/fhir+json`).
    Json,
    /// No preference for a FHIR format (`*/*`, a document's own type, nothing).
    Any,
}

fn is_json(media: &str) -> bool {
    matches!(
        media,
        "json" | "application/json" | "application/fhir+json" | "application/json+fhir"
    )
}

fn is_xml(media: &str) -> bool {
    matches!(
        media,
        "xml" | "text/xml" | "application/xml" | "application/fhir+xml" | "application/xml+fhir"
    )
}

fn not_acceptable() -> FhirError {
    FhirError::http(
        StatusCode::NOT_ACCEPTABLE,
        "not-supported",
        "format_not_supported",
        "Seul le format JSON est proposé (application/fhir+json).",
    )
}

/// The media types of an `Accept` header, without parameters.
fn accepted(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|m| {
            m.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|m| !m.is_empty())
        .collect()
}

/// The format asked by `_format` or `Accept`. Asking only for XML, or for a `_format` MDS
/// does not write, answers 406.
pub fn wanted(params: &Params, headers: &HeaderMap) -> Result<Wanted, FhirError> {
    if let Some(f) = params.first("_format") {
        let f = f
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        return if is_json(&f) {
            Ok(Wanted::Json)
        } else {
            Err(not_acceptable())
        };
    }
    let media = accepted(headers);
    if media.iter().any(|m| is_json(m)) {
        return Ok(Wanted::Json);
    }
    if !media.is_empty() && media.iter().all(|m| is_xml(m)) {
        return Err(not_acceptable());
    }
    Ok(Wanted::Any)
}

/// The query parameters of a request, in order (`_format` and `_pretty` included).
#[derive(Clone, Debug, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(query: &str) -> Result<Self, FhirError> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .map(Self)
            .map_err(|_| FhirError::invalid("invalid_query", "Paramètres de requête illisibles."))
    }

    pub fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn values<'a>(&'a self, name: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// At most one value of `name`.
    pub fn single<'a>(&'a self, name: &str) -> Result<Option<&'a str>, FhirError> {
        let values = self.values(name);
        let first = values.first().copied();
        if values.len() > 1 {
            return Err(FhirError::invalid(
                "repeated_parameter",
                format!("Le paramètre « {name} » ne peut figurer qu'une fois."),
            ));
        }
        Ok(first)
    }

    /// Refuses any parameter outside `known` (besides `_format` and `_pretty`): a search
    /// must never widen because a filter was not understood.
    pub fn only(&self, known: &[&str]) -> Result<(), FhirError> {
        match self
            .0
            .iter()
            .map(|(k, _)| k.as_str())
            .find(|k| !known.contains(k) && !matches!(*k, "_format" | "_pretty"))
        {
            Some(k) => Err(FhirError::not_supported(format!(
                "Paramètre de recherche non pris en charge : « {k} » (voir /fhir/metadata)."
            ))),
            None => Ok(()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::parse(parts.uri.query().unwrap_or(""))
    }
}

/// Checks that a request body is FHIR JSON (`application/fhir+json` or `application/json`).
pub fn require_json_body(headers: &HeaderMap) -> Result<(), FhirError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if is_json(&media) && media.contains('/') {
        Ok(())
    } else {
        Err(FhirError::http(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            "unsupported_media_type",
            "Envoyez le corps en JSON FHIR (Content-Type: application/fhir+json).",
        ))
    }
}

/// A JSON body as a value, or the refusal of malformed JSON.
pub fn parse_json(bytes: &[u8]) -> Result<serde_json::Value, FhirError> {
    serde_json::from_slice(bytes).map_err(|_| {
        FhirError::http(
            StatusCode::BAD_REQUEST,
            "structure",
            "malformed_json",
            "Le corps de la requête n'est pas du JSON valide.",
        )
    })
}

/// A JSON body, read within the route's limit (`too-long` beyond), in FHIR JSON only, and
/// parsed (malformed JSON is refused here, before any use case).
pub struct JsonBody(pub serde_json::Value);

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonBody {
    type Rejection = FhirError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        require_json_body(req.headers())?;
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    FhirError::http(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too-long",
                        "body_too_large",
                        "Le corps de la requête est trop volumineux.",
                    )
                } else {
                    FhirError::invalid("unreadable_body", "Corps de requête illisible.")
                }
            })?;
        Ok(Self(parse_json(&bytes)?))
    }
}

/// The logical id in a path (`DocumentReference/{id}`): received ids that are not
/// identifiers name nothing, and are refused like unknown ones by the use case.
pub struct IdPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|_| FhirError::App(mds_app::AppError::NotFound))
    }
}
