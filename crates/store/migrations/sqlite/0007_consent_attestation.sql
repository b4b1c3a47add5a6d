-- The signed attestation of an in-person consent (optional), stored encrypted as an identity
-- file of the patient (purpose consent_attestation) and named here by its id.
ALTER TABLE consents ADD COLUMN attestation_file_id TEXT;
