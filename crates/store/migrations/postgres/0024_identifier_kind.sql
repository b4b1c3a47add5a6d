-- AMG numbers (issue 15): a patient is identified by a CAFAT number or, without CAFAT cover, by
-- the number of a provincial free medical aid card (AMG). The kind is recorded beside the
-- number and each kind is its own number space: the same digits may be a CAFAT number of one
-- person and an AMG number of another.
ALTER TABLE patients RENAME COLUMN cafat_number TO identifier_number;
ALTER TABLE patients ADD COLUMN identifier_kind TEXT NOT NULL DEFAULT 'cafat'
    CHECK (identifier_kind IN ('cafat', 'amg'));
ALTER TABLE patients DROP CONSTRAINT patients_cafat_number_key;
ALTER TABLE patients ADD CONSTRAINT patients_identifier UNIQUE (identifier_kind, identifier_number);
