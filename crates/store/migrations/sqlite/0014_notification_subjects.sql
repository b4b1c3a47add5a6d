-- What a notification is about, so the portal can say it in words and link to it (issue 18):
-- the document added (document_added) and the professional who acted (document_added,
-- break_glass, samu). Older rows have neither and keep their stored text.
ALTER TABLE notifications ADD COLUMN document_id TEXT;
ALTER TABLE notifications ADD COLUMN actor_id TEXT;
