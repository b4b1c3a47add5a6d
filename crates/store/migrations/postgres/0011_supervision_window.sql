-- What supervision looks back on, kept by the job as it judges events (issue 14, item 8):
-- one row per actor × patient for permitted reads (the latest: `slot` names the pair), and
-- one row per permitted break-glass access and per denial (`slot` names the event). The job
-- deletes rows older than a day. Reading a subject's window then costs their distinct
-- patients, not their activity: a professional listing one record all day no longer makes
-- every pass scan a day of their events.
CREATE TABLE supervision_window (
    slot TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    on_behalf_of TEXT,
    action TEXT NOT NULL,
    patient_id TEXT,
    outcome TEXT NOT NULL
);
CREATE INDEX supervision_window_actor ON supervision_window (actor_id, at_ms);
CREATE INDEX supervision_window_on_behalf ON supervision_window (on_behalf_of, at_ms);
CREATE INDEX supervision_window_age ON supervision_window (at_ms);

-- The last day of events already judged, as the job would have kept them.
INSERT INTO supervision_window (slot, seq, at_ms, actor_kind, actor_id, on_behalf_of, action, patient_id, outcome)
SELECT 'read|' || actor_kind || '|' || COALESCE(actor_id, '') || '|' || COALESCE(on_behalf_of, '')
           || '|' || patient_id,
       MAX(seq), MAX(at_ms), actor_kind, actor_id, on_behalf_of, MAX(action), patient_id, MAX(outcome)
FROM audit_events
WHERE seq <= (SELECT last_seq FROM supervision_cursor WHERE id = 1)
  AND at_ms >= (EXTRACT(EPOCH FROM now())::BIGINT - 86400) * 1000
  AND outcome IN ('permit', 'success') AND patient_id IS NOT NULL
  AND action IN ('document.search', 'document.read', 'document.read_metadata',
                 'document.preload', 'document.preload.read')
GROUP BY actor_kind, actor_id, on_behalf_of, patient_id;
INSERT INTO supervision_window (slot, seq, at_ms, actor_kind, actor_id, on_behalf_of, action, patient_id, outcome)
SELECT 'event|' || seq, seq, at_ms, actor_kind, actor_id, on_behalf_of, action, patient_id, outcome
FROM audit_events
WHERE seq <= (SELECT last_seq FROM supervision_cursor WHERE id = 1)
  AND at_ms >= (EXTRACT(EPOCH FROM now())::BIGINT - 86400) * 1000
  AND ((outcome IN ('permit', 'success') AND action = 'record.break_glass.open') OR outcome = 'deny');
