-- lots_by_place (033) again, with each lot's sub-type (054) among the columns a lot list
-- shows, and so in the key like every other one. 057 fills it, 058 drops the old table and
-- 059 gives this one its name.
CREATE TABLE IF NOT EXISTS lots_by_place_sub (
    place_code   String,
    deal_date    Date,
    project_code String,
    lot_code     String,
    trade_type   Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                       '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    amount_fen   Int64,
    savings_fen  Int64,
    premium_fen  Int64,
    name         String,
    region_code  String,
    budget_fen   Int64,
    reserve_fen  Int64,
    online       UInt8,
    sub_type     String,
    lots         Int64
) ENGINE = SummingMergeTree(lots)
ORDER BY (place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen,
          name, region_code, budget_fen, reserve_fen, online, sub_type)
SETTINGS index_granularity = 1024
