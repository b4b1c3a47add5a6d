-- A structure's idle timeout for the sessions of its professionals and assistants, in
-- minutes, within the bounds the authority sets in the configuration (security.
-- session_idle_min_minutes and session_idle_max_minutes); NULL = the service's default.
ALTER TABLE structures ADD COLUMN session_idle_minutes BIGINT;
