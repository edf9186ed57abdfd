-- The lot versions a seal's figures came from: every lot of its year and area that counted
-- then, with the columns the figures and the list of changes need and the load it came from.
-- The sealed figures of any view within the seal are sums over these rows.
CREATE TABLE IF NOT EXISTS seal_lots (
    seal_id      String,
    project_code String,
    lot_code     String,
    name         String,
    trade_type   Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                       '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    place_code   String,
    deal_date    Date,
    budget_fen   Int64,
    reserve_fen  Int64,
    amount_fen   Int64,
    savings_fen  Int64,
    premium_fen  Int64,
    online       UInt8,
    batch_id     UInt64,
    version      UInt64
) ENGINE = MergeTree() ORDER BY (seal_id, project_code, lot_code)
