-- The structure a professional acts from, chosen per session (issue 15): a professional who
-- works in several says which one at the start of their work; every audit event of the
-- session records it. NULL: not chosen, their first structure in identifier order. A choice
-- of a structure the professional no longer works in is ignored (the read checks it).
ALTER TABLE sessions ADD COLUMN acting_structure_id TEXT;
