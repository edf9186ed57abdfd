-- Brings the sections under the legal minimum submission period that competition_daily (062)
-- counts (submission_short) to periods.yaml's minimums by trade type and procurement method
-- ({{submission_minimum}}); before these, only 工程建设 had one, whatever its method. Like a
-- writer's refresh, it inserts each group's difference between its count over deals FINAL and
-- what the table holds, so the count comes out right however the table was filled; the other
-- sums are left as they are (0 in the rows inserted). seal_competition keeps what was sealed.
INSERT INTO competition_daily (deal_date, place_code, trade_type, bidders, submission_short)
SELECT k0, k1, k2, k3, sum(s) AS t FROM (
    SELECT deal_date AS k0, place_code AS k1, trade_type AS k2, bidders AS k3, -submission_short AS s FROM competition_daily
    UNION ALL
    SELECT if(toUInt16(open_date) > 0, open_date, deal_date) AS k0, place_code AS k1, trade_type AS k2,
        toInt16(least(if(valid_bidders >= 0, valid_bidders, bidders), {{many_bidders}})) AS k3,
        toInt64(countIf(toUInt16(notice_date) > 0 AND toUInt16(deadline_date) > 0
            AND (toInt32(deadline_date) - toInt32(notice_date)) BETWEEN 1 AND 365
            AND (toInt32(deadline_date) - toInt32(notice_date)) < {{submission_minimum}})) AS s
    FROM deals FINAL GROUP BY k0, k1, k2, k3)
GROUP BY k0, k1, k2, k3 HAVING t != 0
