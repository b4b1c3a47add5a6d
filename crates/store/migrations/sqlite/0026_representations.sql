-- Legal representatives (issue 15): support records that the holder of a patient account
-- represents a person — a parent for a minor, a guardian (tutelle) or a curator (curatelle)
-- for a protected adult — on the legal document it checked, sealed in the vault as an
-- identity file of the represented record (purpose `legal_representation`), until an end
-- date. While it runs and the record is open, the representative acts on the record with the
-- patient's rights (policy mode `representative`), everything traced as such. Support may
-- end it early (ended_at_ms). A session records the record its representative acts for.
CREATE TABLE representations (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    representative_account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('parent', 'guardian', 'curator')),
    document_file_id TEXT NOT NULL,
    ends_at_ms BIGINT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES accounts (id),
    recorded_at_ms BIGINT NOT NULL,
    ended_at_ms BIGINT,
    ended_by TEXT REFERENCES accounts (id)
);
CREATE INDEX representations_by_patient ON representations (patient_id, ended_at_ms);
CREATE INDEX representations_by_representative
    ON representations (representative_account_id, ended_at_ms);
ALTER TABLE sessions ADD COLUMN acting_for_patient_id TEXT;
