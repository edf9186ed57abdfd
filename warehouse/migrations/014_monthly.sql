-- The report figures pre-aggregated by month × trading place × trade type (deal_date is the
-- month's first day). At a province's or the country's scale a day's group holds about one
-- lot (a county trades a type a few times a month), so daily is nearly as long as deals; a
-- month's groups are a sixth of that. Reads take whole months from here and only the days of
-- a partial month at either end of a period from daily.
-- Unlike daily it holds changes that add up: a load inserts, for each group it changes, the
-- difference between the new figures and the old (negative where lots left the group), and
-- the SummingMergeTree adds them up as it merges, dropping groups that come to zero. A read is
-- then a plain sum, without FINAL, whose cost on 18.16 is many times that of the read itself.
-- Counts are Int64, since a change may be negative.
CREATE TABLE IF NOT EXISTS monthly (
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
