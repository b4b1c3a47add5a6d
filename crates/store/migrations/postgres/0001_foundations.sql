-- Foundations: audit chain, accounts, sessions, directory, patients, documents.
-- Booleans are BIGINT 0/1 and instants BIGINT milliseconds since the epoch (UTC), so that one
-- SQL text serves SQLite and PostgreSQL through sqlx's Any driver.

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    writes BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, writes)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at_ms BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    on_behalf_of TEXT,
    structure_id TEXT,
    action TEXT NOT NULL,
    patient_id TEXT,
    document_id TEXT,
    access_mode TEXT,
    outcome TEXT NOT NULL,
    rule TEXT,
    detail TEXT NOT NULL,
    ip TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_patient ON audit_events (patient_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT,
    totp_secret TEXT,
    totp_confirmed BIGINT NOT NULL DEFAULT 0,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE enrolment_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    channel TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    idle_timeout_ms BIGINT NOT NULL,
    ip TEXT,
    revoked_at_ms BIGINT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE auth_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL
);

CREATE TABLE structures (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    ridet TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    commune TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE professionals (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    professional_id TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    profession TEXT NOT NULL,
    samu_regulator BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE professional_structures (
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    structure_id TEXT NOT NULL REFERENCES structures (id),
    PRIMARY KEY (professional_account_id, structure_id)
);

CREATE TABLE assistants (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    professional_account_id TEXT NOT NULL REFERENCES professionals (account_id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL
);

CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    account_id TEXT UNIQUE REFERENCES accounts (id),
    cafat_number TEXT NOT NULL UNIQUE,
    birth_name TEXT NOT NULL,
    birth_name_norm TEXT NOT NULL,
    first_names TEXT NOT NULL,
    first_names_norm TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_place TEXT NOT NULL,
    identity_status TEXT NOT NULL,
    validated_by TEXT,
    validated_how TEXT,
    validated_at_ms BIGINT,
    record_state TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    died_on TEXT,
    created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX patients_traits ON patients (birth_name_norm, first_names_norm, birth_date, sex, birth_place);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    type_code TEXT NOT NULL,
    class_code TEXT NOT NULL,
    title TEXT NOT NULL,
    act_date TEXT NOT NULL,
    author_account_id TEXT REFERENCES accounts (id),
    author_structure_id TEXT REFERENCES structures (id),
    depositor_account_id TEXT REFERENCES accounts (id),
    depositor_kind TEXT NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    version BIGINT NOT NULL,
    replaces_id TEXT REFERENCES documents (id),
    status TEXT NOT NULL,
    confidential BIGINT NOT NULL DEFAULT 0,
    hidden_from_patient BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    object_key TEXT,
    wrapped_key BYTEA,
    key_id TEXT
);
CREATE INDEX documents_patient ON documents (patient_id, status, act_date);
CREATE UNIQUE INDEX documents_same_content ON documents (patient_id, sha256) WHERE status <> 'deleted';
CREATE UNIQUE INDEX documents_object_key ON documents (object_key);
