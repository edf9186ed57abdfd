-- The old lots_by_place, made again as 056 and 057.
DROP TABLE IF EXISTS lots_by_place
