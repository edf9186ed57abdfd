-- A load's account written before its lots move (010) carries its region too, so that a
-- load completed by the next one is recorded with the region it was loaded with.
ALTER TABLE ingest_pending ADD COLUMN region String DEFAULT ''
