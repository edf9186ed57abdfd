-- Fills monthly for a database loaded before 014, from daily's current groups.
INSERT INTO monthly (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen,
    online, budget_fen, reserve_fen, no_budget, no_reserve)
SELECT toStartOfMonth(deal_date) AS month, place_code, trade_type, toInt64(sum(lots)), sum(amount_fen), sum(savings_fen),
    sum(premium_fen), toInt64(sum(online)), sum(budget_fen), sum(reserve_fen), toInt64(sum(no_budget)), toInt64(sum(no_reserve))
FROM daily FINAL
GROUP BY month, place_code, trade_type
