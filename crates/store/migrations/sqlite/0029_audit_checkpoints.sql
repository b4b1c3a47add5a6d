-- Signed checkpoints of the audit chain (issue 17, item 3; docs/AUDIT-PROOFS.md). Each one
-- covers the events after the previous checkpoint (from_seq, exclusive) up to to_seq: the
-- chain hash of event to_seq and the root of the Merkle tree over their chain hashes, signed
-- with the Ed25519 key derived from the vault's current master key. A unique from_seq keeps
-- two instances from signing overlapping batches; like the events, a checkpoint is never
-- changed or removed.
CREATE TABLE audit_checkpoints (
    to_seq BIGINT PRIMARY KEY,
    from_seq BIGINT NOT NULL UNIQUE,
    head_hash TEXT NOT NULL,
    root TEXT NOT NULL,
    signed_at_ms BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    -- The roots of the tree's 256-leaf blocks, hex, concatenated: what proving one event
    -- reads besides its own block's leaves.
    blocks TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;

-- Every public key the service ever signed with, so that a checkpoint or an export signed
-- before a key rotation still verifies after the master key is retired. Each key endorses
-- (signs) the list of the keys before it and itself: the published set is the current key's
-- list, so a row added by someone without the master key file is never published.
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    first_used_ms BIGINT NOT NULL,
    endorses TEXT NOT NULL,
    endorsement TEXT NOT NULL
);
CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;
