-- The competition figures of every section, failed ones included, by the section's day (its
-- opening date, or its record's date where the export gives none: deal_date, so that periods
-- are read as the figures' are), trading place, trade type and number of competitors (valid
-- bidders, else bidders; -1 not said, 30 for thirty or more), added up as changes
-- (SummingMergeTree) like figures_daily. docs/competition.md defines each sum; commit's rollups
-- compute them.
CREATE TABLE IF NOT EXISTS competition_daily (
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
) ENGINE = SummingMergeTree() ORDER BY (deal_date, place_code, trade_type, bidders) SETTINGS index_granularity = 256
