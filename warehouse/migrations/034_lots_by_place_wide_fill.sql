-- Fills the table of 033 with one row for every current lot, as 020 filled lots_by_place.
INSERT INTO lots_by_place_wide (place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen,
    name, region_code, budget_fen, reserve_fen, online, lots)
SELECT place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen,
    name, region_code, budget_fen, reserve_fen, online, toInt64(1)
FROM deals FINAL
