//! Completes the OpenAPI document from what the routes share, so that no operation can be
//! published without it: every `{name}` of a path template is a declared path parameter; every
//! operation declares the error answers the shared layers can give (the JSON error body);
//! document contents declare the formats a record holds. Handlers' own declarations win.

use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::openapi::{
    ContentBuilder, KnownFormat, OpenApi, Ref, RefOr, Required, Response, ResponseBuilder,
    SchemaFormat,
};
use utoipa::Modify;

pub(crate) struct Complete;

impl Modify for Complete {
    fn modify(&self, doc: &mut OpenApi) {
        let mut forms = Vec::new();
        for (path, item) in &mut doc.paths.paths {
            let names = template_names(path);
            let is_content = path.ends_with("/content");
            for op in operations_mut(item) {
                forms.extend(multipart_form(op));
                declare_path_parameters(op, &names);
                declare_unsigned_ranges(op);
                declare_errors(op, !names.is_empty());
                if is_content {
                    declare_document_formats(op);
                }
            }
        }
        close_forms(doc, &forms);
    }
}

/// The schema name of an operation's `multipart/form-data` body, if it has one.
fn multipart_form(op: &Operation) -> Option<String> {
    let content = op
        .request_body
        .as_ref()?
        .content
        .get("multipart/form-data")?;
    match content.schema.as_ref()? {
        RefOr::Ref(r) => r.ref_location.rsplit('/').next().map(str::to_owned),
        RefOr::T(_) => None,
    }
}

/// A form declares all its parts: the multipart reader refuses any other (`mds_http`), so
/// the schema says `additionalProperties: false`.
fn close_forms(doc: &mut OpenApi, forms: &[String]) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for name in forms {
        if let Some(RefOr::T(Schema::Object(form))) = components.schemas.get_mut(name) {
            form.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
    }
}

/// Unsigned integer parameters accept exactly their Rust type's range: utoipa writes `u32` as
/// `int32` (whose maximum is half of `u32`'s) and `usize` with no maximum, so a client (or
/// schemathesis) would find values the document allows and the server refuses, or the reverse.
fn declare_unsigned_ranges(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() else {
            continue;
        };
        let unsigned = matches!(
            o.minimum,
            Some(utoipa::Number::Int(0) | utoipa::Number::UInt(0))
        ) || matches!(o.minimum, Some(utoipa::Number::Float(f)) if f == 0.0);
        if !unsigned || o.maximum.is_some() {
            continue;
        }
        let max = match &o.format {
            Some(SchemaFormat::KnownFormat(KnownFormat::Int32)) => u32::MAX as usize,
            None => usize::MAX,
            Some(_) => continue,
        };
        o.format = None;
        o.maximum = Some(utoipa::Number::UInt(max));
    }
}

/// The `{name}`s of a path template, in order.
pub(crate) fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
        &mut item.head,
        &mut item.options,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn declare_path_parameters(op: &mut Operation, names: &[&str]) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    for name in names {
        let declared = params
            .iter()
            .any(|p| p.name == *name && p.parameter_in == ParameterIn::Path);
        if !declared {
            params.push(path_parameter(name));
        }
    }
}

fn path_parameter(name: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some("Identifiant (UUID) de la ressource."))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::Custom("uuid".to_owned()))),
        ))
        .build()
}

/// The error answers every operation may give, by what it takes.
fn declare_errors(op: &mut Operation, has_path_parameters: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let body = op.request_body.as_ref().map(body_kind);
    let mut errors: Vec<(&str, &str)> = vec![
        ("400", "Requête mal formée : paramètre ou corps illisible."),
        ("422", "Donnée invalide : le champ en cause est nommé dans le message."),
        ("429", "Trop de requêtes : réessayez après `Retry-After` secondes."),
        ("503", "Stockage momentanément indisponible (`storage_unavailable`) : réessayez après `Retry-After` secondes ; rien n'a été enregistré."),
    ];
    if secured {
        errors.push(("401", "Authentification requise ou session expirée."));
        errors.push(("403", "Action non autorisée pour ce compte."));
    }
    if secured || has_path_parameters {
        errors.push((
            "404",
            "Introuvable, ou non visible pour ce compte (réponse uniforme).",
        ));
    }
    if body.is_some() {
        errors.push(("413", "Corps trop volumineux pour cette adresse."));
        errors.push(("415", "Type de contenu non accepté pour cette adresse."));
    }
    for (status, description) in errors {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(error_response(description)));
    }
}

fn body_kind(body: &RequestBody) -> &str {
    body.content.keys().next().map_or("", String::as_str)
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

/// A document's content is answered in its own format, one of those a record accepts.
fn declare_document_formats(op: &mut Operation) {
    let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") else {
        return;
    };
    ok.content.clear();
    for format in mds_domain::Format::ALL {
        let binary = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)));
        ok.content.insert(
            format.mime().to_owned(),
            ContentBuilder::new().schema(Some(binary)).build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_are_read_in_order() {
        assert_eq!(
            template_names("/api/v1/records/{patient_id}/documents/{document_id}/content"),
            ["patient_id", "document_id"]
        );
        assert!(template_names("/api/v1/records/mine").is_empty());
    }
}
