-- winners_monthly (080) by year, each year's rows dated on 1 January: a read of whole years
-- takes these rows, about a third as many as the year's months hold at national scale, where
-- most winners win in one place and type. The writer recomputes a year from its months
-- whenever it recomputes a month of it (commit/winners.go), under the same stale marks.
CREATE TABLE IF NOT EXISTS winners_yearly (
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
