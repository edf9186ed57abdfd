-- figures_daily (021) holds what daily_sums held; nothing reads or writes daily_sums any more.
DROP TABLE IF EXISTS daily_sums
