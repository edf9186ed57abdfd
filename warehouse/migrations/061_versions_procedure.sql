-- A kept version carries its lot's procedure (060), so that a withdrawal gives it back.
ALTER TABLE deal_versions ADD COLUMN bidders Int32 DEFAULT -1, ADD COLUMN valid_bidders Int32 DEFAULT -1,
    ADD COLUMN remote UInt8 DEFAULT 0, ADD COLUMN notice_date Date, ADD COLUMN deadline_date Date,
    ADD COLUMN open_date Date, ADD COLUMN ceiling_fen Int64 DEFAULT 0, ADD COLUMN eval_method String DEFAULT '',
    ADD COLUMN fail_reason String DEFAULT ''
