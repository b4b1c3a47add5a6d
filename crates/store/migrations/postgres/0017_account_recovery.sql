-- A forgotten password (issue 15): a link sent to the account's e-mail address carries a
-- random token, stored here only as its SHA-256 (`token_hash`), alive 30 minutes and spent
-- by its first use. The reset also asks for the second factor; wrong codes count in
-- `failed_attempts` and spend the link at the limit.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT,
    failed_attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX password_resets_account ON password_resets (account_id, created_at_ms);

-- TOTP seeds are sealed with a master key (`mds_vault::secret`): `totp_secret` holds the sealed
-- value and `totp_key_id` the key that opens it. NULL key id: a seed written before this
-- version, in clear until `mds serve` starts (it seals them) or `mds keys rotate` runs.
ALTER TABLE accounts ADD COLUMN totp_key_id TEXT;
