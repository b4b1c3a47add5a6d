-- Record access controls (DESIGN.md 4.3 and 5): consents, emergency sessions, blocks,
-- feeding oppositions, emergency settings, information duty, masking metadata.
-- Version 3 is reserved for another change; the runner tolerates the gap.

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    purpose TEXT NOT NULL,
    -- requested, granted, refused, revoked
    state TEXT NOT NULL,
    -- SHA-256 of the one-time code read by the patient to the professional.
    code_hash TEXT,
    -- The code waiting to be delivered to the patient (shown in their portal until e-mail
    -- delivery exists); cleared as soon as the request is decided.
    code_for_delivery TEXT,
    code_expires_at_ms BIGINT,
    code_failures BIGINT NOT NULL DEFAULT 0,
    -- For an inactive account: the professional attests the patient's in-person consent.
    attested BIGINT NOT NULL DEFAULT 0,
    -- How it was granted: portal, code, attestation.
    granted_how TEXT,
    requested_at_ms BIGINT NOT NULL,
    decided_at_ms BIGINT,
    expires_at_ms BIGINT,
    revoked_at_ms BIGINT
);
CREATE INDEX consents_patient ON consents (patient_id, state);

CREATE TABLE emergency_sessions (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    -- break_glass or samu
    kind TEXT NOT NULL,
    reason TEXT,
    call_reference TEXT,
    opened_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX emergency_sessions_patient ON emergency_sessions (patient_id, expires_at_ms);

CREATE TABLE record_blocks (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    blocked_at_ms BIGINT NOT NULL,
    PRIMARY KEY (patient_id, professional_account_id)
);

-- The reason of an opposition is never recorded: there is deliberately no column for it.
CREATE TABLE feeding_oppositions (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    recorded_at_ms BIGINT NOT NULL,
    PRIMARY KEY (patient_id, professional_account_id)
);

CREATE TABLE emergency_settings (
    patient_id TEXT PRIMARY KEY REFERENCES patients (id),
    oppose_break_glass BIGINT NOT NULL DEFAULT 0,
    oppose_samu BIGINT NOT NULL DEFAULT 0,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE information_duty (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    confirmed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (patient_id, professional_account_id)
);

ALTER TABLE documents ADD COLUMN masked_by TEXT;
ALTER TABLE documents ADD COLUMN masked_at_patient_request BIGINT NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN masked_at_ms BIGINT;
