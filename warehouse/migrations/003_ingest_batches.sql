-- One row per file loaded: what came in and what became of every row of it
-- (rows_read = loaded + rejected + skipped + duplicates).
CREATE TABLE IF NOT EXISTS ingest_batches (
    batch_id    String,
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
