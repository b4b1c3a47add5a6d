-- Sign-in throttling without lockout (issue 14): a counter remembers its last failure (delays
-- grow from it) and when the account's owner was last told of the failures.
ALTER TABLE auth_throttle ADD COLUMN last_failure_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE auth_throttle ADD COLUMN notified_at_ms BIGINT NOT NULL DEFAULT 0;

-- Self-enrolments that named an existing record or account (issue 14): answered like any
-- other request (the status token reads "pending"), recorded here for support, never queued
-- as a request. `kind` is email, cafat or identity.
CREATE TABLE enrolment_duplicates (
    id TEXT PRIMARY KEY,
    status_token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    patient_id TEXT,
    account_id TEXT,
    submitted_at_ms BIGINT NOT NULL
);
CREATE INDEX enrolment_duplicates_account ON enrolment_duplicates (account_id, submitted_at_ms);
