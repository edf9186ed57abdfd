-- winners_daily is made anew with its winners numbered (078).
DROP TABLE IF EXISTS winners_daily
