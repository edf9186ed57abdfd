-- The report figures by day × trading place × trade type as changes that add up, as monthly
-- holds them by month (014): a load inserts, for each group it changes, the difference between
-- its new figures and what the table holds, and the SummingMergeTree adds them up as it
-- merges. It replaces daily, whose newest-version rows had to be read with FINAL: at a
-- province's or the country's scale that cost a lot list's page positions and a period's
-- partial months ten times the read itself.
CREATE TABLE IF NOT EXISTS daily_sums (
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
) ENGINE = SummingMergeTree() ORDER BY (deal_date, place_code, trade_type)
