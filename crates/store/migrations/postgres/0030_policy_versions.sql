-- The access policy files the service has decided with (issue 17, item 5): each access matrix
-- and habilitation file's text, under the stamp (version@digest prefix) that every decision's
-- audit event records, written when an instance starts serving with it. `mds policy
-- simulate` replays a decision under the very files it was taken by. Like the audit, a row is
-- never changed or removed.
CREATE TABLE policy_versions (
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    stamp TEXT NOT NULL,
    version TEXT NOT NULL,
    content TEXT NOT NULL,
    first_used_ms BIGINT NOT NULL,
    PRIMARY KEY (kind, digest)
);
CREATE INDEX policy_versions_stamp ON policy_versions (kind, stamp);
CREATE TRIGGER policy_versions_no_update BEFORE UPDATE OR DELETE ON policy_versions
FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER policy_versions_no_truncate BEFORE TRUNCATE ON policy_versions
FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();
