-- Fills figures_yearly (027) from figures_monthly: its changes added up by year.
INSERT INTO figures_yearly (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen, online, budget_fen, reserve_fen, no_budget, no_reserve)
SELECT toStartOfYear(deal_date) AS y, place_code, trade_type, sum(lots), sum(amount_fen), sum(savings_fen), sum(premium_fen), sum(online),
    sum(budget_fen), sum(reserve_fen), sum(no_budget), sum(no_reserve)
FROM figures_monthly GROUP BY y, place_code, trade_type
