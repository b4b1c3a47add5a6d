-- Supervision (DESIGN.md 6) and structure software credentials (DESIGN.md 7).

-- The last audit event the supervision job has judged. Starts at the current head: the job
-- watches what happens from now on, not years of history at its first run.
CREATE TABLE supervision_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL
);
INSERT INTO supervision_cursor (id, last_seq) SELECT 1, seq FROM audit_head WHERE id = 1;

-- One alert per rule, subject and New Caledonia day (YYYY-MM-DD; day and record for the
-- alert of a single break-glass access): `dedup_key`.
CREATE TABLE supervision_alerts (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    day TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    event_seq BIGINT NOT NULL,
    event_at_ms BIGINT NOT NULL,
    patient_id TEXT,
    event_count BIGINT NOT NULL,
    raised_at_ms BIGINT NOT NULL,
    state TEXT NOT NULL,
    reviewed_by TEXT REFERENCES accounts (id),
    reviewed_at_ms BIGINT,
    review_comment TEXT
);
CREATE UNIQUE INDEX supervision_alerts_once ON supervision_alerts (rule, subject_id, dedup_key);
CREATE INDEX supervision_alerts_state ON supervision_alerts (state, raised_at_ms);

-- Credentials of structure software; only a hash of the secret is kept.
CREATE TABLE structure_credentials (
    id TEXT PRIMARY KEY,
    structure_id TEXT NOT NULL REFERENCES structures (id),
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL,
    revoked_by TEXT REFERENCES accounts (id),
    revoked_at_ms BIGINT
);
CREATE INDEX structure_credentials_structure ON structure_credentials (structure_id);

-- Events of assistants and structure software name the professional they act for: the
-- supervision window and the software quota read them by that professional.
CREATE INDEX audit_events_on_behalf ON audit_events (on_behalf_of, seq);
