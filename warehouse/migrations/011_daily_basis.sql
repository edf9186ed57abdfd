-- The daily figures also count the lots a figure lacks a basis for: tender-type lots without
-- a budget or ceiling price (no savings can be computed for them) and auction-type lots
-- without a reserve price (no premium). A card or a sentence whose view holds such lots says
-- how many, so that an understated savings or premium figure never reads as complete.
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: the migration runs under the schema lock,
-- and a column that already exists (a run stopped before it was recorded) is accepted.
ALTER TABLE daily ADD COLUMN no_budget UInt64 DEFAULT 0, ADD COLUMN no_reserve UInt64 DEFAULT 0
