//! JSON request bodies on any bytes. The API's body structs are private to `mds-api` (and
//! depending on it would build the whole service), so the bytes go through `serde_json` into
//! the domain types those bodies are made of and are converted to — identity, identifiers,
//! document types, professions, formats, health profile entries — then validated as the use
//! cases do. A profile entry once checked must check again to itself and read back as written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mds_domain::identity::{IdentifierRules, IdentityInput};
use mds_domain::profile::{Day, Entry};
use mds_domain::{AccountId, DocumentType, Format, PatientId, Profession};
use serde_json::Value;
use time::macros::date;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = serde_json::from_slice::<IdentityInput>(data) {
        let _ = input.validate(&IdentifierRules::default(), date!(2026 - 11 - 22));
    }
    let _ = serde_json::from_slice::<Vec<AccountId>>(data);
    let _ = serde_json::from_slice::<PatientId>(data);
    let _ = serde_json::from_slice::<DocumentType>(data);
    let _ = serde_json::from_slice::<Profession>(data);
    let _ = serde_json::from_slice::<Format>(data);
    if let Ok(entry) = serde_json::from_slice::<Entry>(data) {
        let today = Day(date!(2026 - 11 - 22));
        if let Ok(checked) = entry.checked(today) {
            assert_eq!(checked.clone().checked(today).as_ref(), Ok(&checked));
            let text = serde_json::to_string(&checked).unwrap();
            assert_eq!(serde_json::from_str::<Entry>(&text).unwrap(), checked);
            let _ = checked.summary_fr();
        }
    }
    // A body nesting the identity, as `POST /api/v1/patients` and the enrolment form send it.
    if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(data) {
        if let Some(identity) = body.get("identity") {
            if let Ok(input) = serde_json::from_value::<IdentityInput>(identity.clone()) {
                let _ = input.validate(&IdentifierRules::default(), date!(2026 - 11 - 22));
            }
        }
    }
});
