-- Structure authentication, the DMP's "AIR simplifié" (DESIGN.md 1 and 7; référentiel EXI
-- 23 to 29): software credentials get an end date, public keys of structure software,
-- single-use assertion ids, short-lived access tokens, and each structure's list of
-- authorised professionals with an end date.

-- EXI 29: a software credential ends at most 3 years after it is issued. Credentials issued
-- before this migration end 3 years (of 365 days) after their creation.
ALTER TABLE structure_credentials ADD COLUMN expires_at_ms BIGINT;
UPDATE structure_credentials SET expires_at_ms = created_at_ms + 94608000000;

-- Public keys (JWK) a credential's software signs its assertions with; several may be
-- active at once (rotation), each named by its `kid`, which names no other key of the
-- credential even after revocation.
CREATE TABLE structure_keys (
    id TEXT PRIMARY KEY,
    credential_id TEXT NOT NULL REFERENCES structure_credentials (id),
    structure_id TEXT NOT NULL REFERENCES structures (id),
    kid TEXT NOT NULL,
    alg TEXT NOT NULL,
    jwk TEXT NOT NULL,
    thumbprint TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL,
    revoked_by TEXT REFERENCES accounts (id),
    revoked_at_ms BIGINT
);
CREATE UNIQUE INDEX structure_keys_kid ON structure_keys (credential_id, kid);
CREATE INDEX structure_keys_structure ON structure_keys (structure_id);

-- The `jti` of every accepted assertion, kept until the assertion expires: a replay is
-- refused by the primary key.
CREATE TABLE structure_assertion_jtis (
    credential_id TEXT NOT NULL REFERENCES structure_credentials (id),
    jti TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (credential_id, jti)
);
CREATE INDEX structure_assertion_jtis_expiry ON structure_assertion_jtis (expires_at_ms);

-- Access tokens issued at /fhir/auth/token; only a hash of each is kept, like sessions.
CREATE TABLE structure_access_tokens (
    token_hash TEXT PRIMARY KEY,
    credential_id TEXT NOT NULL REFERENCES structure_credentials (id),
    key_id TEXT NOT NULL REFERENCES structure_keys (id),
    scope TEXT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX structure_access_tokens_expiry ON structure_access_tokens (expires_at_ms);
CREATE INDEX structure_access_tokens_key ON structure_access_tokens (key_id);

-- EXI 28: the professionals a structure's software may act for, each until an end date
-- (a New Caledonia calendar day, at most 3 years ahead; `expires_at_ms` is the end of it).
CREATE TABLE structure_authorised_professionals (
    structure_id TEXT NOT NULL REFERENCES structures (id),
    professional_account_id TEXT NOT NULL REFERENCES accounts (id),
    ends_on TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    added_by TEXT NOT NULL REFERENCES accounts (id),
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (structure_id, professional_account_id)
);

-- Preload reads (EXI 11-12) are counted from the audit by professional, action and time,
-- and per record: the quota reads use this index.
CREATE INDEX audit_events_on_behalf_action ON audit_events (on_behalf_of, action, at_ms);
