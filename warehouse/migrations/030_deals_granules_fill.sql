-- Copies every row of deals, every version as it is, into the table of 029. Run again after
-- a stop, it copies them twice: equal versions of a lot, which FINAL and merges keep once.
INSERT INTO deals_regranulated (project_code, lot_code, name, trade_type, place_code, region_code, deal_date, budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online, batch_id, source_row, version)
SELECT project_code, lot_code, name, trade_type, place_code, region_code, deal_date, budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online, batch_id, source_row, version
FROM deals
