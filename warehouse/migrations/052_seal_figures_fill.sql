-- Fills seal_figures (051) for the seals made before it, from their lots.
INSERT INTO seal_figures (seal_id, deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen,
    online, budget_fen, reserve_fen, no_budget, no_reserve)
SELECT seal_id, toStartOfMonth(deal_date) AS month, place_code, trade_type, toInt64(count()), sum(amount_fen), sum(savings_fen),
    sum(premium_fen), toInt64(sum(online)),
    sumIf(budget_fen, budget_fen != 0 AND trade_type IN {{tender_types}}),
    sumIf(reserve_fen, reserve_fen != 0 AND trade_type IN {{auction_types}}),
    toInt64(countIf(budget_fen = 0 AND trade_type IN {{tender_types}})),
    toInt64(countIf(reserve_fen = 0 AND trade_type IN {{auction_types}}))
FROM seal_lots
GROUP BY seal_id, month, place_code, trade_type
