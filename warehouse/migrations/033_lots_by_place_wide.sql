-- lots_by_place (019) again, holding every column a lot list shows, in granules of 1024 rows.
-- A list of some places then reads its page from this table alone, where it read the page's
-- lots from here and then their names and the rest from deals by project code: one query
-- rather than two, and deals' granules of far-apart lots no longer read. Every column is part
-- of the key, as the figures were: a reload that changes only a lot's name cancels the row
-- with the old name (-1) and adds one with the new (+1), never sums the two into one.
-- 1024-row granules: a county holds a few thousand lots, which one default granule held with
-- its neighbours', so that a county's month or a province's day read all of them.
-- 034 fills it, 035 drops the old table and 036 gives this one its name.
CREATE TABLE IF NOT EXISTS lots_by_place_wide (
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
    lots         Int64
) ENGINE = SummingMergeTree(lots)
ORDER BY (place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen,
          name, region_code, budget_fen, reserve_fen, online)
SETTINGS index_granularity = 1024
