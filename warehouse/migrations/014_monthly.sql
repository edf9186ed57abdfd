-- The report figures pre-aggregated by month × trading place × trade type: daily's groups added
-- up by month (deal_date is the month's first day). At a province's or the country's scale a
-- daily group holds about one lot (a county trades a type a few times a month), so daily is
-- nearly as long as deals and a year read from it costs what the lots would; a month's groups
-- are a tenth of that. Reads take whole months from here and only the days of a partial month
-- at either end of a period from daily. Each load refreshes it the way it refreshes daily:
-- higher versions, ReplacingMergeTree, reads with FINAL.
CREATE TABLE IF NOT EXISTS monthly (
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
    no_budget    UInt64,
    no_reserve   UInt64,
    version      UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (deal_date, place_code, trade_type)
