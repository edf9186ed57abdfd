-- The same for a load's account written before its lots move (010, 042).
ALTER TABLE ingest_pending ADD COLUMN versions UInt8 DEFAULT 0
