-- Passkeys (WebAuthn) as a second factor (issue 15). `passkey` is the credential as the
-- WebAuthn library keeps it (public key, signature counter): no secret. A ceremony is the
-- server's half of a registration or an authentication in progress (its challenge), kept
-- here between the two requests, single use and short-lived; never sent to the browser.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_used_at_ms BIGINT
);
CREATE INDEX passkeys_account ON passkeys (account_id);
CREATE TABLE passkey_ceremonies (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    state TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
