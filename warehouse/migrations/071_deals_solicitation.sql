-- How a section's bidders were sought (tradestat.Solicitation: 0 not said, 1 open, 2 invited,
-- 3 negotiated, 4 consultation, 5 inquiry, 6 single source), when its export says: a single bid
-- is a red flag in an open procedure only.
ALTER TABLE deals ADD COLUMN solicitation UInt8 DEFAULT 0
