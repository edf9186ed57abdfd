-- Carries the lots of a database made before 004 into deals. Running it twice (a crash
-- between running and recording it) only inserts rows with the same key and version, which
-- FINAL and merges collapse. batch_id: the 16 hex digits read as one big-endian UInt64.
INSERT INTO deals (project_code, lot_code, name, trade_type, place_code, region_code, deal_date,
    budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online, batch_id, source_row, version)
SELECT project_code, lot_code, name, trade_type, place_code, region_code, deal_date,
    budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online,
    reinterpretAsUInt64(reverse(unhex(batch_id))), source_row, version
FROM lots
