-- Loads withdrawn: who withdrew which, when, and what it changed (lots removed, lots given
-- back their earlier version, lots a later load had changed and that were left as it has
-- them; the lots and the deal amount of all the data before and after). batch is batch_id
-- as deals holds it. Read by the ingest status page and for the data's generation (a
-- withdrawal changes the figures as a load does).
CREATE TABLE IF NOT EXISTS batch_withdrawals (
    batch_id       String,
    batch          UInt64,
    at             DateTime,
    user_name      String,
    region         String,
    removed        UInt64,
    restored       UInt64,
    kept           UInt64,
    lots_before    UInt64,
    lots_after     UInt64,
    amount_before  Int64,
    amount_after   Int64
) ENGINE = MergeTree() ORDER BY (at, batch_id)
