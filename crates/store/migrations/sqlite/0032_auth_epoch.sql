-- The authentication epoch (issue 13, item 2): a counter that every change to what a
-- session authenticates as moves forward, so an instance may keep the actor of a session in
-- memory and, on each request, check with one single-row read that nothing changed since it
-- read it. Triggers move it, whoever writes (a request of any instance, a job, an operator
-- command in another process, a stray shell): a session changed or removed (any column but
-- its idle timer, which the cache treats apart); an account's kind, name or state; an
-- assistant's employer; a professional's facts; their structures; a structure's name. Each
-- column `sessions::get_with_account` reads is in a list below; the store's test
-- `auth_epoch` changes each one and checks that the epoch moved.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, value) VALUES (1, 0);

CREATE TRIGGER auth_epoch_sessions_update
AFTER UPDATE OF id_hash, account_id, channel, created_at_ms, expires_at_ms, idle_timeout_ms, ip,
    revoked_at_ms, acting_structure_id, acting_for_patient_id ON sessions
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_sessions_delete AFTER DELETE ON sessions
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER auth_epoch_accounts_update AFTER UPDATE OF id, kind, display_name, state ON accounts
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_accounts_delete AFTER DELETE ON accounts
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER auth_epoch_assistants_insert AFTER INSERT ON assistants
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_assistants_update AFTER UPDATE ON assistants
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_assistants_delete AFTER DELETE ON assistants
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER auth_epoch_professionals_insert AFTER INSERT ON professionals
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_professionals_update AFTER UPDATE ON professionals
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_professionals_delete AFTER DELETE ON professionals
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER auth_epoch_professional_structures_insert AFTER INSERT ON professional_structures
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_professional_structures_update AFTER UPDATE ON professional_structures
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_professional_structures_delete AFTER DELETE ON professional_structures
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER auth_epoch_structures_update AFTER UPDATE OF id, name ON structures
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_structures_delete AFTER DELETE ON structures
BEGIN UPDATE auth_epoch SET value = value + 1 WHERE id = 1; END;
