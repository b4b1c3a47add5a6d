-- Notifications (DESIGN.md 6): in-app notifications, the durable e-mail outbox, the
-- patient's e-mail preferences, timers run by the job runner, and the (patient, professional)
-- pairs already notified of a first access. Texts never carry medical content.

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    read_at_ms BIGINT
);
CREATE INDEX notifications_account ON notifications (account_id, created_at_ms);

-- One row per e-mail to send. The id is the delivery id, sent as the Message-ID so that a
-- message re-sent after a crash between the SMTP acceptance and `sent_at_ms` is recognisable.
CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY,
    account_id TEXT,
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at_ms BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    sent_at_ms BIGINT,
    failed_at_ms BIGINT,
    last_error TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at_ms);

CREATE TABLE notification_preferences (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    email BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind)
);

-- A timer fires once: its state moves from pending to fired (or cancelled) in the
-- transaction of its effect; (kind, subject_id) is unique.
CREATE TABLE timers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    patient_id TEXT,
    due_at_ms BIGINT NOT NULL,
    state TEXT NOT NULL,
    fired_at_ms BIGINT,
    UNIQUE (kind, subject_id)
);
CREATE INDEX timers_due ON timers (state, due_at_ms);

CREATE TABLE first_accesses (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    professional_account_id TEXT NOT NULL,
    first_at_ms BIGINT NOT NULL,
    PRIMARY KEY (patient_id, professional_account_id)
);

-- The one-time code of a consent request now travels in the notification; only its hash
-- is kept.
ALTER TABLE consents DROP COLUMN code_for_delivery;
-- The expiry of an emergency session, once recorded in the audit by the expiry job.
ALTER TABLE emergency_sessions ADD COLUMN ended_at_ms BIGINT;
