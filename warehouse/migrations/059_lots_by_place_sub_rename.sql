-- The table of 056 becomes lots_by_place.
RENAME TABLE lots_by_place_sub TO lots_by_place
