//! The format check on any bytes: never panics, and what it accepts holds together — a CDA
//! is readable by the CDA reader, text and XML carry no DTD, an image has its dimensions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mds_domain::format::{declares_dtd, recognise, Format, MAX_IMAGE_SIDE};

fuzz_target!(|data: &[u8]| {
    let Ok(found) = recognise(data) else {
        return;
    };
    match found.format {
        Format::Pdf => assert!(data.starts_with(b"%PDF-") && found.dimensions.is_none()),
        Format::Png | Format::Jpeg => {
            let d = found.dimensions.expect("an image has dimensions");
            assert!((1..=MAX_IMAGE_SIDE).contains(&d.width));
            assert!((1..=MAX_IMAGE_SIDE).contains(&d.height));
        }
        Format::CdaXml => {
            assert!(!declares_dtd(data));
            mds_domain::cda::parse(data).expect("an accepted CDA is readable");
        }
        Format::Text => {
            assert!(!declares_dtd(data));
            assert!(std::str::from_utf8(data).is_ok());
        }
    }
});
