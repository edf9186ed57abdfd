-- Who did what, for accountability: sign-ins (and refused ones), sign-outs, uploads and
-- exports, with the filters a request carried. Written by the dashboard through its writer
-- account; read on the admin page.
CREATE TABLE IF NOT EXISTS audit_log (
    at        DateTime,
    user_name String,
    role      String,
    ip        String,
    action    String,
    path      String,
    filters   String,
    detail    String,
    status    UInt16
) ENGINE = MergeTree() PARTITION BY toYYYYMM(at) ORDER BY (at, user_name)
