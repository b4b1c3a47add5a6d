//! The CDA reader on any bytes: never panics, and what it reads is plain text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cda) = mds_domain::cda::parse(data) {
        // Everything shown is text: walking the model must not panic either.
        let _ = format!("{cda:?}");
    }
});
