-- winners_daily (073) with each winner's key also as a number, winner_id, which the writer
-- gives (commit/winners.go): a read groups the winners of a period by the number, much faster
-- than by the key's text. Two keys of one number would add up as one winner, so the writer
-- looks for them each time it recomputes months and keeps the months that hold them stale,
-- which sends their reads to the bid lists. The table is made anew (its rows are recomputed
-- from the lots and lists: 081).
CREATE TABLE IF NOT EXISTS winners_daily (
    deal_date   Date,
    place_code  String,
    trade_type  Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                      '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    winner_id   UInt64,
    winner_key  String,
    winner_code String,
    winner_name String,
    wins        Int64,
    won_fen     Int64
) ENGINE = SummingMergeTree() ORDER BY (deal_date, place_code, trade_type, winner_id, winner_key, winner_code, winner_name) SETTINGS index_granularity = 1024
