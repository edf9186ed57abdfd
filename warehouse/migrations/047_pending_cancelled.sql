-- The same for a load's account written before its lots move (046).
ALTER TABLE ingest_pending ADD COLUMN cancelled UInt64 DEFAULT 0
