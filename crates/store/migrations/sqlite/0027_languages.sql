-- English everywhere (issue 15, item 10): the language an account reads in — set when its
-- holder switches the portal's language while signed in, French by default — chooses the
-- language of its e-mails; an in-app notification keeps its English text beside the French
-- one (rows written before have none and show the French text).
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en'));
ALTER TABLE notifications ADD COLUMN text_en TEXT;
