-- A kept version carries its section's procurement method (071), so that a withdrawal gives it back.
ALTER TABLE deal_versions ADD COLUMN solicitation UInt8 DEFAULT 0
