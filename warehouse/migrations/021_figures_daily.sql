-- daily_sums (016) again, in finer granules: the server finds rows through one index mark per
-- granule, and at a country's scale a day holds about 1,600 groups, so with the default 8,192
-- rows a granule spanned five days of every place and a county's figures for a period read
-- the whole country's rows of it. With 256 rows a granule, a place's rows of a day are one
-- granule or two. The index stays small (a mark per 256 groups).
CREATE TABLE IF NOT EXISTS figures_daily (
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
