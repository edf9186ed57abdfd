-- The databases made before 073 hold bid lists whose winners are not in the rollups yet: every
-- month with sections is marked stale, so that readers read those months from the bid lists
-- until the next writer recomputes them.
INSERT INTO winners_stale (month, marked, done)
SELECT deal_date, toUInt64(1), toUInt8(0) FROM competition_monthly GROUP BY deal_date HAVING sum(sections) != 0
