-- The figures of each seal (定稿) by month, place and trade type, as the lots of seal_lots add
-- up: written with the seal, before the seal itself, and never changed. A sealed view's
-- figures and breakdowns read these few rows (a national year: tens of thousands) rather than
-- the sealed lots, so a sealed overview costs what a current one does.
CREATE TABLE IF NOT EXISTS seal_figures (
    seal_id      String,
    deal_date    Date,
    place_code   String,
    trade_type   Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                       '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    lots         Int64,
    amount_fen   Int64,
    savings_fen  Int64,
    premium_fen  Int64,
    online       Int64,
    budget_fen   Int64,
    reserve_fen  Int64,
    no_budget    Int64,
    no_reserve   Int64
) ENGINE = MergeTree() ORDER BY (seal_id, deal_date, place_code, trade_type) SETTINGS index_granularity = 256
