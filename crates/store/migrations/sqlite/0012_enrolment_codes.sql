-- Short activation codes (issue 18, item 9): a code's first symbols (`selector`) name its row,
-- the rest is kept only as an argon2id hash in `token_hash`; each wrong code typed for a live
-- selector counts in `failed_attempts`, and the code is spent (revoked) at the limit.
-- Rows from before have no selector and can no longer be found: support issues new codes.
ALTER TABLE enrolment_tokens ADD COLUMN selector TEXT;
ALTER TABLE enrolment_tokens ADD COLUMN failed_attempts BIGINT NOT NULL DEFAULT 0;
CREATE INDEX enrolment_tokens_selector ON enrolment_tokens (selector);
