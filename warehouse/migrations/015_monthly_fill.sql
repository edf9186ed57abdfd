-- Fills monthly for a database loaded before 014, from daily's current groups.
INSERT INTO monthly (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen,
    online, budget_fen, reserve_fen, no_budget, no_reserve, version)
SELECT toStartOfMonth(deal_date) AS month, place_code, trade_type, sum(lots), sum(amount_fen), sum(savings_fen),
    sum(premium_fen), sum(online), sum(budget_fen), sum(reserve_fen), sum(no_budget), sum(no_reserve), 1
FROM daily FINAL
GROUP BY month, place_code, trade_type
