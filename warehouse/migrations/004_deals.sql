-- One row per lot (标段/包) that completed trading: the lots table of 002 slimmed down for
-- load speed. The server's cost of an insert grows with every column and most with
-- every String column, so nothing derivable is stored: the identity is the sorting key
-- (project_code, lot_code) instead of a joined lot_id string, the family follows from
-- trade_type in the reads, the source file name lives once per load in ingest_batches, and
-- the load is a UInt64 batch_id (the 16 hex digits of ingest_batches.batch_id). The trade
-- type is an Enum8 of the canonical types (docs/domain.md; tradestat.TradeTypes, which a test holds
-- equal to it): one byte a row where the name took up to 27. A new type is added with
-- ALTER TABLE deals MODIFY COLUMN, which rewrites no data.
-- A lot loaded again is inserted again with a higher version; ReplacingMergeTree keeps the
-- newest per sorting key, and every read uses FINAL so that no figure counts a lot twice
-- before the background merge has run. No PARTITION BY on purpose: ReplacingMergeTree
-- replaces only within a partition, and a reload that moves a lot to another date must still
-- replace it. Money is integer fen (Int64): exact, and summable on 18.16 and current
-- ClickHouse alike; savings and premium are stored because their rules (docs/domain.md) live in Go.
CREATE TABLE IF NOT EXISTS deals (
    project_code String,
    lot_code     String,
    name         String,
    trade_type   Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                       '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    place_code   String,
    region_code  String,
    deal_date    Date,
    budget_fen   Int64,
    reserve_fen  Int64,
    amount_fen   Int64,
    savings_fen  Int64,
    premium_fen  Int64,
    online       UInt8,
    batch_id     UInt64,
    source_row   UInt32,
    version      UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (project_code, lot_code)
