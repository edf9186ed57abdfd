-- Fills competition_monthly (064) from competition_daily (063), its changes added up by month.
INSERT INTO competition_monthly (deal_date, place_code, trade_type, bidders, sections, failed)
SELECT toStartOfMonth(deal_date) AS m, place_code, trade_type, bidders, sum(sections), sum(failed)
FROM competition_daily GROUP BY m, place_code, trade_type, bidders
