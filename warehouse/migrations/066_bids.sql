-- The bids of bid lists (开标记录表, 投标人名单), one row per bid, every load's rows kept: a
-- section's current list is the rows of the newest load that named it (the highest version),
-- so that a corrected list replaces the earlier one whole, and withdrawing a load (deleting
-- its rows) gives the earlier list back. bidder_key is the credit code, else 名称: and the
-- name. price_fen 0: no price given; valid 0 not said, 1 valid, 2 rejected; winner 0 not said,
-- 1 lost, 2 won. place_code is the list's trading place: what a region may write.
CREATE TABLE IF NOT EXISTS bids (
    project_code  String,
    lot_code      String,
    bidder_key    String,
    bidder_code   String,
    bidder_name   String,
    place_code    String,
    price_fen     Int64,
    valid         UInt8,
    reject_reason String,
    winner        UInt8,
    batch_id      UInt64,
    version       UInt64,
    source_row    UInt32
) ENGINE = MergeTree() ORDER BY (project_code, lot_code, version, bidder_key)
