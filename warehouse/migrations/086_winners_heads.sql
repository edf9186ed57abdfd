-- The head of each year's winners, over every place and type winners_yearly (082) holds: the
-- totals a concentration gives (winners, of which won two sections or more, sections, amount)
-- and the largest winners by amount won, numbered as the rollups number them, in no order.
-- A read of one whole year whose places are all among the places it asks for, with no type,
-- takes these rather than grouping the year's winners, some hundreds of thousands at national
-- scale. The writer recomputes a year's head with its winners_yearly rows, under the same stale
-- marks (commit/winners.go); places lists the year's places, so that a read narrower than the
-- year's data knows the head is not its own. The newest mark's row is the head: FINAL.
CREATE TABLE IF NOT EXISTS winners_heads (
    year       Date,
    marked     UInt64,
    places     Array(String),
    winners    Int64,
    repeat     Int64,
    sections   Int64,
    amount_fen Int64,
    top_ids    Array(UInt64),
    top_wins   Array(Int64),
    top_won    Array(Int64)
) ENGINE = ReplacingMergeTree(marked) ORDER BY year
