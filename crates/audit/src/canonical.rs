//! The canonical encoding that event hashes are computed over (specified in the crate docs).
//! Pure functions only: no database, no clock. Changing anything here breaks every existing
//! chain, so a change needs a new version tag, never an edit.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Tag hashed first; a future format gets a new tag so that old and new hashes never collide.
pub const FORMAT_TAG: &str = "mds-audit/v1";

/// The hashed view of one event: every text exactly as stored in `audit_events`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashInput<'a> {
    pub prev_hash: &'a str,
    pub seq: i64,
    pub id: &'a str,
    pub at_ms: i64,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub on_behalf_of: Option<&'a str>,
    pub structure_id: Option<&'a str>,
    pub action: &'a str,
    pub patient_id: Option<&'a str>,
    pub document_id: Option<&'a str>,
    pub access_mode: Option<&'a str>,
    pub outcome: &'a str,
    pub rule: Option<&'a str>,
    /// The stored canonical JSON text, not a re-serialisation of it.
    pub detail: &'a str,
    pub ip: Option<&'a str>,
}

impl HashInput<'_> {
    /// The bytes that are hashed, in the documented order.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        text(&mut out, Some(FORMAT_TAG));
        text(&mut out, Some(self.prev_hash));
        integer(&mut out, self.seq);
        text(&mut out, Some(self.id));
        integer(&mut out, self.at_ms);
        text(&mut out, Some(self.actor_kind));
        text(&mut out, self.actor_id);
        text(&mut out, self.on_behalf_of);
        text(&mut out, self.structure_id);
        text(&mut out, Some(self.action));
        text(&mut out, self.patient_id);
        text(&mut out, self.document_id);
        text(&mut out, self.access_mode);
        text(&mut out, Some(self.outcome));
        text(&mut out, self.rule);
        text(&mut out, Some(self.detail));
        text(&mut out, self.ip);
        out
    }

    /// Lowercase hex SHA-256 of [`Self::encode`].
    pub fn hash(&self) -> String {
        data_encoding::HEXLOWER.encode(&Sha256::digest(self.encode()))
    }
}

const ABSENT: u8 = 0x00;
const TEXT: u8 = 0x01;
const INTEGER: u8 = 0x02;

fn text(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(ABSENT),
        Some(s) => {
            out.push(TEXT);
            // usize always fits in u64 on the platforms Rust supports.
            out.extend_from_slice(&(s.len() as u64).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
}

fn integer(out: &mut Vec<u8>, value: i64) {
    out.push(INTEGER);
    out.extend_from_slice(&value.to_be_bytes());
}

/// Canonical JSON text of `value`: no whitespace, object keys sorted by UTF-8 bytes, minimal
/// string escaping. Keys are sorted here rather than trusting `serde_json::Map`, whose order
/// depends on the `preserve_order` feature that any crate of the build may switch on.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        // serde_json prints integers in decimal and floats in their shortest round-trip form;
        // JSON values cannot hold NaN or infinities.
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // One escape form for every control character keeps the rule a single sentence.
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> HashInput<'static> {
        HashInput {
            prev_hash: crate::GENESIS_HASH,
            seq: 1,
            id: "e1",
            at_ms: 1_790_000_000_000,
            actor_kind: "professional",
            actor_id: Some("p1"),
            on_behalf_of: None,
            structure_id: Some("s1"),
            action: "document.read",
            patient_id: Some("pat1"),
            document_id: Some("d1"),
            access_mode: Some("care_team"),
            outcome: "permit",
            rule: Some("R1"),
            detail: "{}",
            ip: None,
        }
    }

    #[test]
    fn canonical_json_cases() {
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            (
                "scalars",
                json!([null, true, false, 0, -12, 1.5]),
                "[null,true,false,0,-12,1.5]",
            ),
            (
                "keys sorted by bytes",
                json!({"b": 1, "a": 2, "B": 3, "é": 4}),
                r#"{"B":3,"a":2,"b":1,"é":4}"#,
            ),
            (
                "nested objects sorted",
                json!({"z": {"y": 1, "x": [ {"d": 1, "c": 2} ]}}),
                r#"{"z":{"x":[{"c":2,"d":1}],"y":1}}"#,
            ),
            (
                "escapes",
                json!("a\"b\\c\nd\u{1}é\u{2028}/"),
                "\"a\\\"b\\\\c\\u000ad\\u0001é\u{2028}/\"",
            ),
            (
                "empty containers",
                json!({"a": [], "b": {}}),
                r#"{"a":[],"b":{}}"#,
            ),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(name, value, want)| {
                let got = canonical_json(value);
                (got != *want).then(|| format!("{name}: got {got}, want {want}"))
            })
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn canonical_json_is_stable_across_a_round_trip() {
        let value = json!({"reason": "urgence", "count": 3, "ids": ["a", "b"], "n": {"k": null}});
        let text = canonical_json(&value);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(canonical_json(&back), text);
    }

    #[test]
    fn encoding_is_length_prefixed_and_marks_absent_values() {
        let base = sample();
        // Moving bytes between neighbouring fields, or turning an absent value into an empty
        // one, must change the hash.
        let variants = [
            (
                "absent vs empty",
                HashInput {
                    ip: Some(""),
                    ..base
                },
            ),
            (
                "bytes moved between fields",
                HashInput {
                    actor_id: Some("p1s"),
                    structure_id: Some("1"),
                    ..base
                },
            ),
            ("seq", HashInput { seq: 2, ..base }),
            (
                "prev_hash",
                HashInput {
                    prev_hash: "1",
                    ..base
                },
            ),
            (
                "detail",
                HashInput {
                    detail: "{\"a\":1}",
                    ..base
                },
            ),
        ];
        let h = base.hash();
        assert_eq!(h.len(), 64);
        for (name, v) in variants {
            assert_ne!(v.hash(), h, "{name}");
        }
    }

    /// Pins the format: if this changes, every stored chain stops verifying. The expected
    /// hash was computed by an independent implementation written from the crate docs.
    #[test]
    fn encoding_is_pinned() {
        assert_eq!(
            sample().hash(),
            "0f63b479804a788dc859c954d0b25264369c88714f2311f9109ef2c8ea05c2a7"
        );
        let bytes = sample().encode();
        let mut want = vec![0x01];
        want.extend_from_slice(&12u64.to_be_bytes());
        want.extend_from_slice(b"mds-audit/v1");
        assert_eq!(&bytes[..want.len()], &want[..]);
        assert_eq!(*bytes.last().unwrap(), 0x00, "ip is absent");
        assert_eq!(
            sample().hash(),
            data_encoding::HEXLOWER.encode(&Sha256::digest(&bytes))
        );
    }
}
