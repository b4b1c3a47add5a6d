-- Requests of people who lost their second factor (issue 15): sent from the public form with
-- what happened and, for a patient, a new identity document scan (an identity file of owner
-- `recovery`, sealed in the vault); support compares it in the console, re-issues an
-- enrolment through the existing path, then closes the request (handled, or rejected with a
-- reason the person is told). The scan leaves the vault when the request is closed.
CREATE TABLE recovery_requests (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    message TEXT NOT NULL,
    submitted_at_ms BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'handled', 'rejected')),
    decided_by TEXT REFERENCES accounts (id),
    decided_at_ms BIGINT,
    decision_note TEXT
);
CREATE INDEX recovery_requests_by_state ON recovery_requests (state, submitted_at_ms);
CREATE INDEX recovery_requests_by_account ON recovery_requests (account_id, state);
