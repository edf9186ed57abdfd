-- The awards of the completed sections by the section's day (as competition_daily counts it),
-- trading place, trade type and winner: over the sections whose current bid list marks exactly
-- one winning bid, how many each winner won (wins) and their deal amounts (won_fen), added up as
-- changes (SummingMergeTree). winner_key is the bids' bidder_key; a winner whose lists give it
-- several names has a row for each. commit keeps it by month (winners.go), docs/competition.md
-- says how; the concentration of awards reads it rather than every bid.
CREATE TABLE IF NOT EXISTS winners_daily (
    deal_date   Date,
    place_code  String,
    trade_type  Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                      '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    winner_key  String,
    winner_code String,
    winner_name String,
    wins        Int64,
    won_fen     Int64
) ENGINE = SummingMergeTree() ORDER BY (deal_date, place_code, trade_type, winner_key, winner_code, winner_name) SETTINGS index_granularity = 1024
