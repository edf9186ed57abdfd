-- monthly (014) again, in finer granules, as figures_daily (021) is daily_sums: a month holds
-- about 20,000 groups at a country's scale, so a county's figures for five years read five
-- years of every place's rows with the default granules, and a sixtieth of that with these.
CREATE TABLE IF NOT EXISTS figures_monthly (
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
) ENGINE = SummingMergeTree() ORDER BY (deal_date, place_code, trade_type) SETTINGS index_granularity = 256
