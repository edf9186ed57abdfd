-- Fills competition_daily (062) from the lots loaded before sections had procedures (060): each
-- is a section of its record's day whose bidders, evaluation and dates were not said, so only
-- the sections and the failed ones count.
INSERT INTO competition_daily (deal_date, place_code, trade_type, bidders, sections, failed)
SELECT deal_date, place_code, trade_type, toInt16(-1), toInt64(count()), toInt64(countIf(cancelled = 1))
FROM deals FINAL GROUP BY deal_date, place_code, trade_type
