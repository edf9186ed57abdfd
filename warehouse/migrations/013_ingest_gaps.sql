-- What a load could not give: the tender-type lots it brought without a budget or ceiling
-- price, the auction-type lots without a reserve price, and its notes as the clerk read them
-- (figures the file cannot give, columns left unread with the field each resembles, which of
-- two competing columns was used). One row per load that had anything to say.
CREATE TABLE IF NOT EXISTS ingest_gaps (
    batch_id   String,
    no_budget  UInt64,
    no_reserve UInt64,
    notes      String
) ENGINE = MergeTree() ORDER BY batch_id
