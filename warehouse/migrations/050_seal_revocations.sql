-- Seals an admin revoked: the seal stays, and so does this row saying who revoked it and when.
CREATE TABLE IF NOT EXISTS seal_revocations (
    seal_id   String,
    at        DateTime,
    user_name String
) ENGINE = MergeTree() ORDER BY (at, seal_id)
