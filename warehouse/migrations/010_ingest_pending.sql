-- A load's account written just before its lots become visible. A load streams its lots into
-- a staging table of its own (deals_stage_<batch>, a copy of deals that no reader sees) and
-- then moves them into deals in one step (ALTER TABLE … ATTACH PARTITION … FROM, which adds
-- all of the staged parts at once or none). Only then come the daily figures and the batch
-- record in ingest_batches. A load stopped between the move and the record (a kill, a lost
-- connection) is completed by the next load from this row: its lots are all there, so its
-- figures and record are written as the load would have (loaded and duplicates are counted
-- after the move, so they read 0 here). state 'abandoned' marks a load
-- whose lots never moved, which nothing needs to complete.
CREATE TABLE IF NOT EXISTS ingest_pending (
    batch_id    String,
    state       String,
    file_name   String,
    file_size   UInt64,
    sha256      String,
    demo        UInt8,
    started_at  DateTime,
    finished_at DateTime,
    rows_read   UInt64,
    loaded      UInt64,
    rejected    UInt64,
    skipped     UInt64,
    duplicates  UInt64
) ENGINE = MergeTree() ORDER BY (started_at, batch_id)
