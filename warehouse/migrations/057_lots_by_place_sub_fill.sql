-- Fills the table of 056 with one row for every current lot that completed trading, as the
-- loads keep it.
INSERT INTO lots_by_place_sub (place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen,
    name, region_code, budget_fen, reserve_fen, online, sub_type, lots)
SELECT place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen,
    name, region_code, budget_fen, reserve_fen, online, sub_type, toInt64(1)
FROM deals FINAL WHERE cancelled = 0
