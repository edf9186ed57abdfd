-- The same for a load's account written before its records move (067).
ALTER TABLE ingest_pending ADD COLUMN bids UInt64 DEFAULT 0
