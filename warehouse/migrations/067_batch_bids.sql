-- How many of a load's records were bids of bid lists (066); loaded counts lots and bids.
ALTER TABLE ingest_batches ADD COLUMN bids UInt64 DEFAULT 0
