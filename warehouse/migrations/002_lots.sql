-- One row per lot (标段/包) that completed trading. A lot loaded again is inserted again with a
-- higher version; ReplacingMergeTree keeps only the newest per lot_id, and every read uses FINAL
-- so that no figure counts a lot twice before the background merge has run. There is no
-- PARTITION BY on purpose: ReplacingMergeTree replaces only within a partition, and a reload
-- that moves a lot to another date must still replace it.
-- Money is integer fen (Int64): exact, and summable on 18.16 and current ClickHouse alike.
CREATE TABLE IF NOT EXISTS lots (
    lot_id       String,
    project_code String,
    lot_code     String,
    name         String,
    trade_type   String,
    family       String,
    place_code   String,
    region_code  String,
    deal_date    Date,
    budget_fen   Int64,
    reserve_fen  Int64,
    amount_fen   Int64,
    savings_fen  Int64,
    premium_fen  Int64,
    online       UInt8,
    source_file  String,
    source_row   UInt32,
    batch_id     String,
    version      UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY lot_id
