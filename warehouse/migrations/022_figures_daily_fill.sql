-- Fills figures_daily (021) with what daily_sums holds: changes that add up, copied as they are.
INSERT INTO figures_daily (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen, online, budget_fen, reserve_fen, no_budget, no_reserve)
SELECT deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen, online, budget_fen, reserve_fen, no_budget, no_reserve FROM daily_sums
