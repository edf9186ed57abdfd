-- Fills the counts of 011 for a database loaded before it: every group recomputed from deals
-- FINAL at a version above every row written so far, as a load recomputes them.
INSERT INTO daily (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen,
    online, budget_fen, reserve_fen, no_budget, no_reserve, version)
SELECT deal_date, place_code, trade_type, count(), sum(amount_fen), sum(savings_fen), sum(premium_fen),
    sum(online),
    sumIf(budget_fen, budget_fen != 0 AND trade_type IN {{tender_types}}),
    sumIf(reserve_fen, reserve_fen != 0 AND trade_type IN {{auction_types}}),
    countIf(budget_fen = 0 AND trade_type IN {{tender_types}}),
    countIf(reserve_fen = 0 AND trade_type IN {{auction_types}}),
    (SELECT max(version) + 1 FROM daily)
FROM deals FINAL
GROUP BY deal_date, place_code, trade_type
