-- Fills daily_sums for a database loaded before 016, from daily's current groups.
INSERT INTO daily_sums (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen,
    online, budget_fen, reserve_fen, no_budget, no_reserve)
SELECT deal_date, place_code, trade_type, toInt64(lots), amount_fen, savings_fen, premium_fen, toInt64(online),
    budget_fen, reserve_fen, toInt64(no_budget), toInt64(no_reserve)
FROM daily FINAL
WHERE lots != 0
