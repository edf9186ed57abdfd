-- The old deals, now copied (030).
DROP TABLE IF EXISTS deals
