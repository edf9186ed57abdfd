-- A kept version carries its lot's buyer (084), so that a withdrawal gives it back.
ALTER TABLE deal_versions ADD COLUMN buyer String DEFAULT ''
