//! The published schema of a health profile entry, the body of `POST …/profile/entries`. The
//! body is read as `mds_domain::profile::Entry` (no OpenAPI in the domain's profile types), so
//! its schema is written here, one object per `kind`, closed like the type
//! (`deny_unknown_fields`); the tests below keep each example accepted by the real type. What
//! no schema says — dates not in the future, each measure's range, the diastolic below the
//! systolic — is refused by `Entry::checked` with a French message (422).

use std::borrow::Cow;
use utoipa::openapi::{RefOr, Schema};

/// Marker type carrying the schema of an entry.
pub struct ProfileEntryIn;

/// No control character (line breaks included: every field is one line).
const ONE_LINE: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
/// As `ONE_LINE`, with at least one visible character.
const REQUIRED_LINE: &str =
    "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$";

fn text() -> serde_json::Value {
    serde_json::json!({ "type": "string", "maxLength": 200, "pattern": REQUIRED_LINE })
}

fn optional_text() -> serde_json::Value {
    serde_json::json!({ "type": ["string", "null"], "maxLength": 200, "pattern": ONE_LINE })
}

fn day(optional: bool) -> serde_json::Value {
    let t = if optional {
        serde_json::json!(["string", "null"])
    } else {
        serde_json::json!("string")
    };
    serde_json::json!({ "type": t, "format": "date", "description": "AAAA-MM-JJ, pas dans le futur" })
}

fn choice(values: &[&str]) -> serde_json::Value {
    serde_json::json!({ "type": "string", "enum": values })
}

/// One `kind` of entry: its required and optional fields.
fn variant(
    kind: &str,
    required: &[(&str, serde_json::Value)],
    optional: &[(&str, serde_json::Value)],
) -> serde_json::Value {
    let mut properties = serde_json::Map::new();
    properties.insert(
        "kind".to_owned(),
        serde_json::json!({ "type": "string", "enum": [kind] }),
    );
    for (name, schema) in required.iter().chain(optional) {
        properties.insert((*name).to_owned(), schema.clone());
    }
    let mut names = vec!["kind"];
    names.extend(required.iter().map(|(n, _)| *n));
    serde_json::json!({
        "type": "object", "title": kind, "properties": properties,
        "required": names, "additionalProperties": false,
    })
}

/// The schema as JSON (what the document shows).
pub(crate) fn schema_json() -> serde_json::Value {
    let variants = vec![
        variant(
            "allergy",
            &[
                ("substance", text()),
                ("severity", choice(&["mild", "severe", "unknown"])),
            ],
            &[("reaction", optional_text())],
        ),
        variant(
            "treatment",
            &[("medication", text())],
            &[("dosage", optional_text()), ("since", day(true))],
        ),
        variant("condition", &[("name", text())], &[("since", day(true))]),
        variant(
            "contact",
            &[
                ("role", choice(&["trusted_person", "emergency_contact"])),
                ("name", text()),
            ],
            &[
                ("relation", optional_text()),
                (
                    "phone",
                    serde_json::json!({
                        "type": ["string", "null"], "maxLength": 200,
                        "pattern": "^( *|[0-9 +]*[0-9][0-9 +]*)$",
                    }),
                ),
            ],
        ),
        variant(
            "organ_donation",
            &[("position", choice(&["accepts", "refuses", "restricted"]))],
            &[("note", optional_text())],
        ),
        variant(
            "advance_directives",
            &[],
            &[
                (
                    "document_id",
                    serde_json::json!({ "type": ["string", "null"], "format": "uuid",
                        "description": "Un document du dossier" }),
                ),
                ("location", optional_text()),
            ],
        ),
        variant(
            "vaccination",
            &[("vaccine", text()), ("on", day(false))],
            &[("lot", optional_text())],
        ),
        variant(
            "measurement",
            &[
                (
                    "quantity",
                    choice(&["weight", "height", "blood_pressure", "glucose"]),
                ),
                (
                    "value",
                    serde_json::json!({ "type": "number", "description":
                        "kg (0,3–400), cm (20–260), mmHg systolique (20–300), g/L (0,1–10)" }),
                ),
                ("on", day(false)),
            ],
            &[(
                "second",
                serde_json::json!({ "type": ["number", "null"],
                    "description": "La diastolique d'une tension artérielle ; rien pour les autres" }),
            )],
        ),
    ];
    serde_json::json!({
        "description": "One entry of the health profile, tagged by `kind`.",
        "oneOf": variants,
    })
}

impl utoipa::PartialSchema for ProfileEntryIn {
    fn schema() -> RefOr<Schema> {
        // Written above and checked by the tests: it always reads back.
        serde_json::from_value(schema_json()).unwrap_or_else(|_| RefOr::T(Schema::default()))
    }
}

impl utoipa::ToSchema for ProfileEntryIn {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ProfileEntryIn")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use mds_domain::profile::Entry;
    use serde_json::json;

    #[test]
    fn the_schema_reads_back_and_names_every_kind() {
        let schema: RefOr<Schema> = serde_json::from_value(schema_json()).unwrap();
        let back = serde_json::to_value(&schema).unwrap();
        assert_eq!(back["oneOf"].as_array().unwrap().len(), 8);
    }

    /// Each kind with all its fields, as the schema lists them, is read by `Entry`; a field
    /// the schema does not list is refused by both.
    #[test]
    fn every_variant_of_the_schema_is_an_entry() {
        let examples = [
            json!({"kind": "allergy", "substance": "Pénicilline", "severity": "severe", "reaction": "Œdème"}),
            json!({"kind": "treatment", "medication": "Metformine", "dosage": "1 g matin et soir", "since": "2020-01-02"}),
            json!({"kind": "condition", "name": "Diabète de type 2", "since": null}),
            json!({"kind": "contact", "role": "trusted_person", "name": "Paul Wéa", "relation": "Frère", "phone": "+687 12 34 56"}),
            json!({"kind": "organ_donation", "position": "restricted", "note": "Pas les cornées"}),
            json!({"kind": "advance_directives", "document_id": null, "location": "Chez mon notaire"}),
            json!({"kind": "vaccination", "vaccine": "DTP", "on": "2025-05-01", "lot": "A12"}),
            json!({"kind": "measurement", "quantity": "blood_pressure", "value": 130, "second": 80, "on": "2026-01-01"}),
        ];
        let schema = schema_json();
        for (example, variant) in examples.iter().zip(schema["oneOf"].as_array().unwrap()) {
            assert_eq!(example["kind"], variant["properties"]["kind"]["enum"][0]);
            let listed: Vec<&String> = variant["properties"].as_object().unwrap().keys().collect();
            for key in example.as_object().unwrap().keys() {
                assert!(listed.contains(&key), "{key} not in the schema");
            }
            assert_eq!(
                listed.len(),
                example.as_object().unwrap().len(),
                "{example}"
            );
            serde_json::from_value::<Entry>(example.clone()).unwrap();
            let mut extra = example.clone();
            extra["unknown"] = json!(1);
            assert!(serde_json::from_value::<Entry>(extra).is_err());
        }
    }
}
