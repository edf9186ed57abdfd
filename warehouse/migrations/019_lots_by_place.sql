-- The current lots in the order a drill-down lists them: by trading place, then day, with the
-- columns a list sorts and filters on. deals is ordered by lot identity (project and lot code),
-- which a reload needs to replace a lot, so a list of one county's lots or one month's had to
-- read every lot of the period across the whole region; here it reads that county's or that
-- month's rows alone, and then the page's own lots from deals by their codes.
-- Like daily_sums it holds changes that add up: a lot's current version counts +1, and when a
-- load replaces it, the earlier version's row gets a -1 that cancels it as the table merges
-- (a SummingMergeTree drops rows that come to zero). The version's figures are part of the key,
-- so that two versions of a lot are two rows, never summed into one.
CREATE TABLE IF NOT EXISTS lots_by_place (
    place_code   String,
    deal_date    Date,
    project_code String,
    lot_code     String,
    trade_type   Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                       '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    amount_fen   Int64,
    savings_fen  Int64,
    premium_fen  Int64,
    lots         Int64
) ENGINE = SummingMergeTree(lots)
ORDER BY (place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen)
