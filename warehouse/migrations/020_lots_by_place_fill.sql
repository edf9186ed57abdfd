-- Fills lots_by_place (019) for a database loaded before it: one row for every current lot.
INSERT INTO lots_by_place (place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen, lots)
SELECT place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen, toInt64(1)
FROM deals FINAL
