-- daily_sums (016) holds what daily held; nothing reads or writes daily any more.
DROP TABLE IF EXISTS daily
