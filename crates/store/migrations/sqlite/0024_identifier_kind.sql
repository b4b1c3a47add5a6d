-- foreign keys off: this migration rebuilds `patients` (see migrate.rs).
-- AMG numbers (issue 15): a patient is identified by a CAFAT number or, without CAFAT cover, by
-- the number of a provincial free medical aid card (AMG). The kind is recorded beside the
-- number and each kind is its own number space: the same digits may be a CAFAT number of one
-- person and an AMG number of another. SQLite cannot drop the column's UNIQUE constraint, so
-- the table is rebuilt (same rows, `cafat_number` renamed `identifier_number`).
CREATE TABLE patients_0024 (
    id TEXT PRIMARY KEY,
    account_id TEXT UNIQUE REFERENCES accounts (id),
    identifier_kind TEXT NOT NULL DEFAULT 'cafat' CHECK (identifier_kind IN ('cafat', 'amg')),
    identifier_number TEXT NOT NULL,
    birth_name TEXT NOT NULL,
    birth_name_norm TEXT NOT NULL,
    first_names TEXT NOT NULL,
    first_names_norm TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_place TEXT NOT NULL,
    identity_status TEXT NOT NULL,
    validated_by TEXT,
    validated_how TEXT,
    validated_at_ms BIGINT,
    record_state TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    died_on TEXT,
    created_at_ms BIGINT NOT NULL,
    created_by TEXT,
    closed_at_ms BIGINT,
    purge_after_ms BIGINT,
    erasure_requested_at_ms BIGINT,
    erasure_deadline_ms BIGINT,
    erased_at_ms BIGINT,
    death_recorded_by TEXT,
    UNIQUE (identifier_kind, identifier_number)
);
INSERT INTO patients_0024 (id, account_id, identifier_kind, identifier_number, birth_name,
    birth_name_norm, first_names, first_names_norm, birth_date, sex, birth_place,
    identity_status, validated_by, validated_how, validated_at_ms, record_state, email, phone,
    died_on, created_at_ms, created_by, closed_at_ms, purge_after_ms, erasure_requested_at_ms,
    erasure_deadline_ms, erased_at_ms, death_recorded_by)
SELECT id, account_id, 'cafat', cafat_number, birth_name,
    birth_name_norm, first_names, first_names_norm, birth_date, sex, birth_place,
    identity_status, validated_by, validated_how, validated_at_ms, record_state, email, phone,
    died_on, created_at_ms, created_by, closed_at_ms, purge_after_ms, erasure_requested_at_ms,
    erasure_deadline_ms, erased_at_ms, death_recorded_by
FROM patients;
DROP TABLE patients;
ALTER TABLE patients_0024 RENAME TO patients;
CREATE UNIQUE INDEX patients_traits ON patients (birth_name_norm, first_names_norm, birth_date, sex, birth_place);
CREATE INDEX patients_birth ON patients (birth_date, sex);
CREATE INDEX patients_purge ON patients (purge_after_ms);
CREATE INDEX patients_erasure ON patients (erasure_requested_at_ms);
