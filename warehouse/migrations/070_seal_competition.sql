-- The competition figures of each seal (定稿) by month, place, trade type and number of
-- competitors, as competition_monthly (064) had them when the seal was made: written with the
-- seal, before the seal itself, and never changed. Failed sections and bids change nothing a
-- seal recorded.
CREATE TABLE IF NOT EXISTS seal_competition (
    seal_id          String,
    deal_date        Date,
    place_code       String,
    trade_type       Enum8('工程建设' = 1, '政府采购' = 2, '土地使用权出让' = 3, '矿业权出让' = 4,
                           '国有产权交易' = 5, '罚没财物处置' = 6, '药品及医用耗材采购' = 7, '其他' = 8),
    bidders          Int16,
    sections         Int64,
    failed           Int64,
    remote_known     Int64,
    remote           Int64,
    bidders_sum      Int64,
    submission_known Int64,
    submission_days  Int64,
    submission_short Int64,
    decision_known   Int64,
    decision_days    Int64,
    ceiling_known    Int64,
    ceiling_ratio_bp Int64,
    at_cap           Int64
) ENGINE = MergeTree() ORDER BY (seal_id, deal_date, place_code, trade_type, bidders) SETTINGS index_granularity = 256
