-- What happened to a section before its deal (tradestat.Procedure), when its export says:
-- bidders and valid bidders (-1: not said), remote evaluation (0 not said, 1 local, 2 remote),
-- the notice, bid deadline and opening dates (1970-01-01: not said), the ceiling price
-- (最高投标限价; 0: not said), the evaluation method and a failed section's reason. No figure of
-- deals is summed by them; the competition rollups (062, 064) are.
ALTER TABLE deals ADD COLUMN bidders Int32 DEFAULT -1, ADD COLUMN valid_bidders Int32 DEFAULT -1,
    ADD COLUMN remote UInt8 DEFAULT 0, ADD COLUMN notice_date Date, ADD COLUMN deadline_date Date,
    ADD COLUMN open_date Date, ADD COLUMN ceiling_fen Int64 DEFAULT 0, ADD COLUMN eval_method String DEFAULT '',
    ADD COLUMN fail_reason String DEFAULT ''
