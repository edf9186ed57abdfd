-- The table of 029 becomes deals.
RENAME TABLE deals_regranulated TO deals
