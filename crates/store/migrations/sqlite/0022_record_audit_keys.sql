-- Each record's own key for the free text the audit keeps about its person (issue 15): break-
-- glass reasons, SAMU call references, references typed by support are sealed under it in
-- audit_events.detail. The key is stored sealed under a master key (key_id says which).
-- Erasing the record deletes its row: the texts can no longer be opened, and the audit's hash
-- chain, which covers the sealed bytes, still verifies.
CREATE TABLE record_audit_keys (
    patient_id TEXT PRIMARY KEY REFERENCES patients (id),
    sealed_key TEXT NOT NULL,
    key_id TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
