-- winners_monthly is made anew with its winners numbered (080).
DROP TABLE IF EXISTS winners_monthly
