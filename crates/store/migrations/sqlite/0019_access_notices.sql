-- Every access told (issue 15): a professional's reads of a record are told to the patient
-- once per hour at most (one "access"), not only the first one. `last_told_at_ms` is when
-- this pair's last access was told (the first one for older rows).
ALTER TABLE first_accesses ADD COLUMN last_told_at_ms BIGINT;
UPDATE first_accesses SET last_told_at_ms = first_at_ms;

-- The e-mail of a kind goes immediately, in the daily digest, or never. `email` stays the
-- "is e-mailed at all" flag that older rows hold; `mode` says how.
ALTER TABLE notification_preferences ADD COLUMN mode TEXT;
UPDATE notification_preferences SET mode = CASE WHEN email = 0 THEN 'never' ELSE 'immediate' END;

-- The lines waiting for an account's next daily digest: the e-mail's words (no professional
-- named, no medical content), written in the transaction of the notification.
CREATE TABLE email_digest_items (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    line TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX email_digest_items_due ON email_digest_items (created_at_ms);
CREATE INDEX email_digest_items_account ON email_digest_items (account_id, created_at_ms);
