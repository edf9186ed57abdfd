-- The versions of lots that loads replaced, so that a load can be withdrawn: a load that
-- replaces lots first copies their current versions here, with its own batch as replaced_by,
-- and withdrawing it puts the newest version of each lot that no withdrawn load brought back
-- into deals. deals itself (a ReplacingMergeTree) forgets a replaced version at its next merge.
-- Plain MergeTree: every row is kept.
CREATE TABLE IF NOT EXISTS deal_versions (
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
    version      UInt64,
    replaced_by  UInt64
) ENGINE = MergeTree() ORDER BY (project_code, lot_code, version)
