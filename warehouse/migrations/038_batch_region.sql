-- Each load records the division its lots had to lie in: an admin limited to a region loads
-- with that region, and sees the loads of its region only. '' for loads recorded before.
-- (ADD COLUMN run again after a stop before it was recorded is accepted, as in 037.)
ALTER TABLE ingest_batches ADD COLUMN region String DEFAULT ''
