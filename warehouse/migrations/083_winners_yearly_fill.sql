-- winners_yearly (082) is empty: every month with sections is marked stale, as 081 did, so
-- that readers read the bid lists until the next writer recomputes the months and their years.
INSERT INTO winners_stale (month, marked, done)
SELECT deal_date, (SELECT max(marked) FROM winners_stale) + 1, toUInt8(0) FROM competition_monthly GROUP BY deal_date HAVING sum(sections) != 0
