-- Files a person chose in a portal form that was refused (a missing field, a wrong date):
-- kept encrypted in the vault for a short time, bound to the session (or the anonymous form
-- nonce) that sent them, so the form shown again says « fichier déjà reçu » instead of
-- asking for the file again. holder_hash is the SHA-256 of the session token or nonce; form
-- names the form and field. Rows past expires_at_ms are never read and are purged with their
-- objects by housekeeping.
CREATE TABLE held_uploads (
    id TEXT PRIMARY KEY,
    holder_hash TEXT NOT NULL,
    form TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    object_key TEXT NOT NULL UNIQUE,
    wrapped_key BYTEA NOT NULL,
    key_id TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX held_uploads_expiry ON held_uploads (expires_at_ms);
