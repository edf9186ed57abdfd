-- The lots table of 002, now carried into deals by 005.
DROP TABLE IF EXISTS lots
