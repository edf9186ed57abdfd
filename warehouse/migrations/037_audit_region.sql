-- The audit log records the region an entry's account is limited to ('' for the deployment's
-- whole region), so that what was done can be read by region.
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: the migration runs under the schema lock,
-- and a column that already exists (a run stopped before it was recorded) is accepted.
ALTER TABLE audit_log ADD COLUMN region String DEFAULT ''
