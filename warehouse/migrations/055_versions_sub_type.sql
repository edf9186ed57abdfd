-- A kept version carries its lot's sub-type (054).
ALTER TABLE deal_versions ADD COLUMN sub_type String DEFAULT ''
