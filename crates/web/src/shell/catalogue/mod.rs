//! The portals' texts: (key, French, English). French is the product language; English is a
//! courtesy for visitors. Messages coming from the use cases stay in French. One table per
//! area of the portals, so that each screen's texts sit together; every table sits here in the
//! shell, even a single portal's, because the lookup (`Lang::t`) is in the shell and must see
//! them all without an arrow back up to a portal.

mod core;
mod documents;
mod passkeys;
mod patient_settings;
mod places;
mod preview;
mod pro;
mod profile;
mod recovery;
mod rectification;
mod representation;
mod rights;
mod signin;
mod support;
mod support_codes;
mod support_directory;
mod support_software;

/// One text: key, French, English.
pub type Entry = (&'static str, &'static str, &'static str);

/// Every table of texts; a key appears once across all of them (tested in `i18n`).
pub const TABLES: &[&[Entry]] = &[
    core::ENTRIES,
    documents::ENTRIES,
    passkeys::ENTRIES,
    patient_settings::ENTRIES,
    places::ENTRIES,
    preview::ENTRIES,
    profile::ENTRIES,
    pro::ENTRIES,
    recovery::ENTRIES,
    rectification::ENTRIES,
    representation::ENTRIES,
    rights::ENTRIES,
    signin::ENTRIES,
    support::ENTRIES,
    support_codes::ENTRIES,
    support_directory::ENTRIES,
    support_software::ENTRIES,
];

/// The entry of `key`, if any.
pub fn find(key: &str) -> Option<&'static Entry> {
    TABLES
        .iter()
        .flat_map(|t| t.iter())
        .find(|(k, _, _)| *k == key)
}

/// Every entry, all tables together.
#[cfg(test)]
pub fn all() -> impl Iterator<Item = &'static Entry> {
    TABLES.iter().flat_map(|t| t.iter())
}
