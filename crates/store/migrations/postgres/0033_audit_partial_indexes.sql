-- Most audit events are a person acting in their own name: `on_behalf_of` is NULL. The two
-- indexes on it (supervision window and structure software quota, 0006 and 0008) took an
-- entry for every event all the same: two of the seven B-trees each request's event writes,
-- though every query that reads them names a professional (`on_behalf_of = $1`, which no
-- NULL matches). Partial indexes serve the same lookups and leave those events out (issue
-- 13: bytes written per request).
DROP INDEX audit_events_on_behalf;
DROP INDEX audit_events_on_behalf_action;
CREATE INDEX audit_events_on_behalf ON audit_events (on_behalf_of, seq)
    WHERE on_behalf_of IS NOT NULL;
CREATE INDEX audit_events_on_behalf_action ON audit_events (on_behalf_of, action, at_ms)
    WHERE on_behalf_of IS NOT NULL;
