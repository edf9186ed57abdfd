-- The report figures by year × trading place × trade type (deal_date is the year's first day),
-- as figures_monthly (024) holds them by month: a figure of whole years that does not group
-- by month (a year's totals, the annual trend of every year, a breakdown by place or type)
-- reads a twelfth of the rows. At a country's scale the trend of five years read every month
-- of every place (1.58M groups for 10M lots), the slowest read of a cold page.
CREATE TABLE IF NOT EXISTS figures_yearly (
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
