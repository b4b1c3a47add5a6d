-- Limitation (issue 15): the patient froze the use of their record while a request of theirs
-- is examined. While a row exists, professionals may neither add nor read anything except
-- through an emergency access (break-glass, SAMU) the patient did not oppose.
CREATE TABLE record_limitations (
    patient_id TEXT PRIMARY KEY REFERENCES patients (id),
    since_ms BIGINT NOT NULL,
    set_by TEXT NOT NULL
);

-- Rectification (issue 15): a patient asks for the correction of one identity trait; support
-- compares the evidence and applies or rejects it. The row keeps the value before and after:
-- the history of the identity.
CREATE TABLE rectification_requests (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    field TEXT NOT NULL,
    previous_value TEXT NOT NULL,
    requested_value TEXT NOT NULL,
    message TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    decided_by TEXT,
    decided_at_ms BIGINT,
    evidence TEXT,
    decision_note TEXT
);
CREATE INDEX rectification_requests_state ON rectification_requests (state, created_at_ms);
CREATE INDEX rectification_requests_patient ON rectification_requests (patient_id, created_at_ms);
