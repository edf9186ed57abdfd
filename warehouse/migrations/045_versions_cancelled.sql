-- A kept version carries whether its lot had completed (044).
ALTER TABLE deal_versions ADD COLUMN cancelled UInt8 DEFAULT 0
