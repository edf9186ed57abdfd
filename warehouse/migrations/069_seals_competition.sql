-- Whether a seal recorded its competition figures (070) beside its deal figures: 1 for every
-- seal made since; the seals made before say 0, and their sealed competition figures are
-- refused by name rather than read as none.
ALTER TABLE seals ADD COLUMN competition UInt8 DEFAULT 0
