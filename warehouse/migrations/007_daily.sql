-- The report figures pre-aggregated by day × trading place × trade type, so that the
-- dashboard's panels never scan the lots. It is not a materialized view: a view
-- would add a reloaded lot's figures a second time. Instead each load recomputes the days it
-- touched (the days its lots fall on now, and the days their earlier versions fell on) from
-- deals FINAL and inserts them with a higher version; ReplacingMergeTree keeps the newest row
-- per (day, place, type), and a group that no longer has lots is overwritten with zeros.
-- Reads use FINAL here too. Sums are Int64 fen and UInt64 counts: exact on both engines.
CREATE TABLE IF NOT EXISTS daily (
    deal_date    Date,
    place_code   String,
    trade_type   Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                       '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    lots         UInt64,
    amount_fen   Int64,
    savings_fen  Int64,
    premium_fen  Int64,
    online       UInt64,
    budget_fen   Int64,
    reserve_fen  Int64,
    version      UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (deal_date, place_code, trade_type)
