-- How many of a load's lots did not complete trading (044): loaded, counted in no figure.
ALTER TABLE ingest_batches ADD COLUMN cancelled UInt64 DEFAULT 0
