-- The care team of a patient: professionals presumed to have consent during effective care.
-- Chosen by the patient (active account) or at creation and then by support (inactive account).
CREATE TABLE care_team (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    attending_physician BIGINT NOT NULL DEFAULT 0,
    added_by TEXT NOT NULL REFERENCES accounts (id),
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (patient_id, professional_account_id)
);
CREATE INDEX care_team_professional ON care_team (professional_account_id);
