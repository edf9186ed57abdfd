-- Which migrations this database has had. MergeTree with an explicit ORDER BY: the old
-- MergeTree(date, key, granularity) form is rejected by current ClickHouse (docs/domain.md).
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    UInt32,
    name       String,
    applied_at DateTime
) ENGINE = MergeTree() ORDER BY version
