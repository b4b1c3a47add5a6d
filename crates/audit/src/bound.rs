//! Details are bounded, never refused: an event's `detail` often carries what a client typed
//! (a search filter, a title, a reason), and an append must never fail because of it — a
//! refused denial would vanish from the patient's history, the access log and supervision.
//! Long strings are cut at a character boundary and end with their length and a SHA-256
//! prefix of the whole value (so an investigator can still match a known value); long arrays
//! and objects keep their first items; a detail still above [`crate::MAX_DETAIL_BYTES`]
//! after that is replaced by its size and hash. The hash chain covers the bounded detail.
//! A text sealed under a record's key (`{"sealed": "<base64url>"}`, a lone string under the
//! key `sealed`: `mds-app`'s `audit_text`) is kept whole, since a cut one could never be
//! opened; its producer bounds the text before sealing it, and the detail's size bound still
//! applies.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Characters kept of a long string (identifiers, codes and reasons fit whole).
pub const MAX_STRING_CHARS: usize = 200;
/// Items kept of a long array or object.
pub const MAX_ITEMS: usize = 16;

/// `detail` with every string, array and object bounded; see the module's contract.
pub fn bounded(detail: Value, max_bytes: usize) -> Value {
    bounded_canonical(detail, max_bytes).0
}

/// [`bounded`], with the bounded detail's canonical text (computed once, as the chain needs it).
pub(crate) fn bounded_canonical(detail: Value, max_bytes: usize) -> (Value, String) {
    let detail = bound_value(detail);
    let text = crate::canonical::canonical_json(&detail);
    if text.len() <= max_bytes {
        return (detail, text);
    }
    let omitted = serde_json::json!({
        "detail_omitted": true,
        "bytes": text.len(),
        "sha256": digest(text.as_bytes()),
    });
    let text = crate::canonical::canonical_json(&omitted);
    (omitted, text)
}

fn bound_value(v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(bound_string(s)),
        Value::Array(items) => {
            let n = items.len();
            let mut kept: Vec<Value> = items.into_iter().take(MAX_ITEMS).map(bound_value).collect();
            if n > MAX_ITEMS {
                kept.push(Value::String(format!(
                    "[… {} éléments de plus]",
                    n - MAX_ITEMS
                )));
            }
            Value::Array(kept)
        }
        Value::Object(map) if is_sealed(&map) => Value::Object(map),
        Value::Object(map) => {
            let n = map.len();
            let mut kept: Map<String, Value> = map
                .into_iter()
                .take(MAX_ITEMS)
                .map(|(k, v)| (bound_string(k), bound_value(v)))
                .collect();
            if n > MAX_ITEMS {
                kept.insert("…".to_owned(), Value::from(n - MAX_ITEMS));
            }
            Value::Object(kept)
        }
        other => other,
    }
}

/// A text sealed under a record's key: `{"sealed": "<string>"}` and nothing else.
fn is_sealed(map: &Map<String, Value>) -> bool {
    map.len() == 1 && map.get("sealed").is_some_and(Value::is_string)
}

/// A string bounded as strings in a detail are (a text is bounded so before it is sealed).
pub fn bounded_text(s: &str) -> String {
    bound_string(s.to_owned())
}

fn bound_string(s: String) -> String {
    let chars = s.chars().count();
    if chars <= MAX_STRING_CHARS {
        return s;
    }
    let kept: String = s.chars().take(MAX_STRING_CHARS).collect();
    format!(
        "{kept}… [{chars} caractères, sha256:{}]",
        &digest(s.as_bytes())[..16]
    )
}

fn digest(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_details_are_kept_as_they_are() {
        let d = json!({ "type_code": "11488-4", "from": "2026-01-01", "ids": ["a", "b"] });
        assert_eq!(bounded(d.clone(), 8192), d);
    }

    #[test]
    fn long_strings_are_cut_at_a_character_and_keep_their_hash() {
        let long = "é".repeat(9_000);
        let d = bounded(json!({ "type_code": long }), 8192);
        let s = d["type_code"].as_str().unwrap_or_default();
        assert!(s.starts_with(&"é".repeat(MAX_STRING_CHARS)), "{s}");
        assert!(s.contains("9000 caractères, sha256:"), "{s}");
        assert!(s.chars().count() < MAX_STRING_CHARS + 60);
    }

    #[test]
    fn long_arrays_objects_and_keys_are_bounded() {
        let many: Vec<String> = (0..10_000).map(|i| format!("part-{i}")).collect();
        let keys: Map<String, Value> = (0..1_000)
            .map(|i| ("k".repeat(300) + &i.to_string(), json!(i)))
            .collect();
        let d = bounded(json!({ "parts": many, "fields": keys }), 8192);
        assert_eq!(d["parts"].as_array().map(Vec::len), Some(MAX_ITEMS + 1));
        let fields = d["fields"].as_object().cloned().unwrap_or_default();
        assert_eq!(fields.len(), MAX_ITEMS + 1);
        assert!(fields
            .keys()
            .all(|k| k.chars().count() < MAX_STRING_CHARS + 60));
        assert!(crate::canonical::canonical_json(&d).len() <= 8192);
    }

    #[test]
    fn a_sealed_text_is_kept_whole_and_only_that() {
        let long = "A".repeat(600);
        let sealed = json!({ "reason": { "sealed": long } });
        assert_eq!(bounded(sealed.clone(), 8192), sealed);
        let not_sealed = bounded(json!({ "reason": { "sealed": long, "x": 1 } }), 8192);
        assert_ne!(not_sealed["reason"]["sealed"], json!(long));
        let huge = json!({ "reason": { "sealed": "A".repeat(9000) } });
        assert_eq!(bounded(huge, 8192)["detail_omitted"], true);
        assert_eq!(bounded_text("court"), "court");
        assert!(bounded_text(&long).starts_with(&"A".repeat(200)));
        assert!(bounded_text(&long).contains("[600 caractères"));
    }

    #[test]
    fn a_detail_still_too_large_is_replaced_by_its_size_and_hash() {
        let nested = (0..MAX_ITEMS)
            .map(|_| json!((0..MAX_ITEMS).map(|_| "x".repeat(500)).collect::<Vec<_>>()))
            .collect::<Vec<_>>();
        let d = bounded(json!({ "nested": nested }), 8192);
        assert_eq!(d["detail_omitted"], true, "{d}");
        assert!(d["bytes"].as_u64().unwrap_or(0) > 8192);
    }
}
