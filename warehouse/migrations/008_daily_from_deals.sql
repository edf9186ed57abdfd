-- Fills daily for a database loaded before 007. budget_fen and reserve_fen are the rate bases:
-- the budget of lots that have savings (tender-type with a budget) and the reserve of lots
-- that have a premium (auction-type with a reserve), as Lot.Savings and Lot.Premium decide.
INSERT INTO daily (deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen,
    online, budget_fen, reserve_fen, version)
SELECT deal_date, place_code, trade_type, count(), sum(amount_fen), sum(savings_fen), sum(premium_fen),
    sum(online),
    sumIf(budget_fen, budget_fen != 0 AND trade_type IN {{tender_types}}),
    sumIf(reserve_fen, reserve_fen != 0 AND trade_type IN {{auction_types}}),
    1
FROM deals FINAL
GROUP BY deal_date, place_code, trade_type
