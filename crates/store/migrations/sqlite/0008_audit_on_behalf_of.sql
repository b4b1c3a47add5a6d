-- Finding what a professional did through an assistant (history, access log, extraction).
CREATE INDEX audit_events_on_behalf_of ON audit_events (on_behalf_of, seq);
