-- A patient's change of e-mail address (issue 15): confirmed by a link sent to the NEW address,
-- whose token is stored as its SHA-256 only, alive 24 hours and spent by its first use.
CREATE TABLE contact_changes (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    new_email TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);
CREATE INDEX contact_changes_account ON contact_changes (account_id, created_at_ms);
