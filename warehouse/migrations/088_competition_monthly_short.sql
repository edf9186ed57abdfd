-- competition_monthly (064) brought to the minimums as 087 brings competition_daily, by month.
INSERT INTO competition_monthly (deal_date, place_code, trade_type, bidders, submission_short)
SELECT k0, k1, k2, k3, sum(s) AS t FROM (
    SELECT deal_date AS k0, place_code AS k1, trade_type AS k2, bidders AS k3, -submission_short AS s FROM competition_monthly
    UNION ALL
    SELECT toStartOfMonth(if(toUInt16(open_date) > 0, open_date, deal_date)) AS k0, place_code AS k1, trade_type AS k2,
        toInt16(least(if(valid_bidders >= 0, valid_bidders, bidders), {{many_bidders}})) AS k3,
        toInt64(countIf(toUInt16(notice_date) > 0 AND toUInt16(deadline_date) > 0
            AND (toInt32(deadline_date) - toInt32(notice_date)) BETWEEN 1 AND 365
            AND (toInt32(deadline_date) - toInt32(notice_date)) < {{submission_minimum}})) AS s
    FROM deals FINAL GROUP BY k0, k1, k2, k3)
GROUP BY k0, k1, k2, k3 HAVING t != 0
