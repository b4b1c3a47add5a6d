-- The health profile (issue 17, item 7): one row per fact the patient (or a professional, for
-- vaccinations and measurements) recorded, typed by its section; `entry` is the checked
-- `mds_domain::profile::Entry` as JSON. The author's name is kept as it was when they wrote,
-- for the patient to see who added what. A removed entry is deleted (the audit keeps that it
-- was); erasing the record deletes them all.
CREATE TABLE profile_entries (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    section TEXT NOT NULL,
    entry TEXT NOT NULL,
    author_account_id TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    author_name TEXT NOT NULL,
    recorded_at_ms BIGINT NOT NULL
);
CREATE INDEX profile_entries_patient ON profile_entries (patient_id, section, recorded_at_ms);
