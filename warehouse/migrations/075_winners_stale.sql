-- The months whose winners (073, 074) may differ from the lots and bid lists: a writer marks a
-- month (done 0) before it changes a lot or a list of a section of that month, and clears it
-- (done 1) once it has recomputed the month; the newest mark of a month (the highest marked)
-- says. A reader does not read a stale month's winners from the rollups, and the next writer
-- recomputes the months a stopped one left marked.
CREATE TABLE IF NOT EXISTS winners_stale (
    month  Date,
    marked UInt64,
    done   UInt8
) ENGINE = ReplacingMergeTree(marked) ORDER BY month
