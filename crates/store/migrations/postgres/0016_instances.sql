-- Several instances on one database (issue 16). An e-mail is claimed by the instance that
-- sends it until `claimed_until_ms`, so two instances never send the same row at the same
-- time; a crash between the server's acceptance and the row marked sent leaves the claim to
-- expire, and the copy sent again keeps the row's id as its Message-ID.
ALTER TABLE email_outbox ADD COLUMN claimed_until_ms BIGINT;

-- One row per background job: the instance running it (`holder`) keeps it until `until_ms`
-- (the run's lease, then the job's next due time), so each due job runs on one instance at a
-- time and once per interval across all of them.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms BIGINT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT,
    runs BIGINT NOT NULL
);
