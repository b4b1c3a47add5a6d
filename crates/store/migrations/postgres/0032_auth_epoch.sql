-- The authentication epoch (issue 13, item 2): a counter that every change to what a
-- session authenticates as moves forward, so an instance may keep the actor of a session in
-- memory and, on each request, check with one single-row read that nothing changed since it
-- read it. Triggers move it, whoever writes (a request of any instance, a job, an operator
-- command in another process, a stray shell): a session changed or removed (any column but
-- its idle timer, which the cache treats apart); an account's kind, name or state; an
-- assistant's employer; a professional's facts; their structures; a structure's name. Each
-- column `sessions::get_with_account` reads is in a list below; the store's test
-- `auth_epoch` changes each one and checks that the epoch moved.
-- Statement triggers: one move per statement.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, value) VALUES (1, 0);

CREATE FUNCTION auth_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_epoch SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER auth_epoch_sessions_update
AFTER UPDATE OF id_hash, account_id, channel, created_at_ms, expires_at_ms, idle_timeout_ms, ip,
    revoked_at_ms, acting_structure_id, acting_for_patient_id ON sessions
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_sessions_delete AFTER DELETE OR TRUNCATE ON sessions
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();

CREATE TRIGGER auth_epoch_accounts_update AFTER UPDATE OF id, kind, display_name, state ON accounts
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_accounts_delete AFTER DELETE OR TRUNCATE ON accounts
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();

CREATE TRIGGER auth_epoch_assistants AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assistants
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_professionals
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON professionals
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_professional_structures
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON professional_structures
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();

CREATE TRIGGER auth_epoch_structures_update AFTER UPDATE OF id, name ON structures
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_structures_delete AFTER DELETE OR TRUNCATE ON structures
FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump();
