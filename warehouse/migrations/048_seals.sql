-- Sealed periods (定稿): a year's figures of an area as a report published them. A seal is
-- written last, after its lots (049), so that a seal that exists is complete; it is never
-- changed, and a revocation (050) is a row of its own.
CREATE TABLE IF NOT EXISTS seals (
    seal_id    String,
    year       UInt16,
    area       String,
    note       String,
    sealed_at  DateTime,
    user_name  String,
    region     String,
    lots       UInt64,
    amount_fen Int64
) ENGINE = MergeTree() ORDER BY (year, area, sealed_at, seal_id)
