-- The table of 033 becomes lots_by_place.
RENAME TABLE lots_by_place_wide TO lots_by_place
