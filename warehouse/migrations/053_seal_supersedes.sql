-- The seal a seal replaced as the one in force over its year and area (048), "" for none: a
-- seal over a sealed period is made on purpose, by an admin, and says what it supersedes.
ALTER TABLE seals ADD COLUMN supersedes String DEFAULT ''
