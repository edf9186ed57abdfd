-- 1 for a load whose replaced lot versions were kept in deal_versions (040), so that it can be
-- withdrawn; 0 for loads made before, and for loads in cluster mode, which cannot.
ALTER TABLE ingest_batches ADD COLUMN versions UInt8 DEFAULT 0
