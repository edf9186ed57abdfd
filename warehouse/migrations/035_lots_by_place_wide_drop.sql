-- The old lots_by_place, made again as 033 and 034.
DROP TABLE IF EXISTS lots_by_place
