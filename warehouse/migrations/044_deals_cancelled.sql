-- A lot whose latest load says it did not complete trading (流标, 废标, 终止 …): kept, so that
-- it replaces its earlier version, and left out of every figure (the rollups are sums over the
-- lots with cancelled = 0, and so are the reads of lots).
ALTER TABLE deals ADD COLUMN cancelled UInt8 DEFAULT 0
