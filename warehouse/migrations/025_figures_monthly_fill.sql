-- Fills figures_monthly (024) with what monthly holds: changes that add up, copied as they are.
INSERT INTO figures_monthly (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen, online, budget_fen, reserve_fen, no_budget, no_reserve)
SELECT deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen, online, budget_fen, reserve_fen, no_budget, no_reserve FROM monthly
