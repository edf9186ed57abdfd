#!/usr/bin/env bash
# `make bench-ingest`: tradestat ingest against clickhouse-client on the same server and the
# same file. Generates ROWS synthetic lots (default 1,000,000; BIG=1 for 10,000,000, a file
# over 1 GB, to check that memory stays flat), loads them with `tradestat ingest` (full
# validation and accounting) into a fresh database, loads the same CSV with
#   clickhouse-client --query "INSERT INTO <same-shaped table> FORMAT CSVWithNames"
# and prints rows/s of each (median of RUNS runs, default 3), tradestat's peak RSS, and
# ingest_vs_clickhouse_client=<ratio>. Then the lots' bid lists (about six bids a lot, one
# file, tradestat demo --scale --bids) the same way: tradestat ingest into the database holding
# the lots, against clickhouse-client into a table of the file's columns; bids_vs_clickhouse_client.
# BIDS=0 leaves the bid lists out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rows=${ROWS:-1000000}
[ "${BIG:-}" = 1 ] && rows=10000000
db=tradestat_bench
dir=var/bench
mkdir -p "$dir"

command -v /usr/bin/time >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq time >/dev/null; }
make --no-print-directory build >/dev/null
started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then deploy/clickhouse/local.sh start; started=1; fi
trap '[ -z "$started" ] || deploy/clickhouse/local.sh stop' EXIT
client=clickhouse-client
command -v clickhouse-client >/dev/null 2>&1 || client="clickhouse client"
addr=${TRADESTAT_CLICKHOUSE:-127.0.0.1:9000}
ch() { $client --host "${addr%:*}" --port "${addr##*:}" "$@"; }
# settle waits until the server has no merge running, so one phase's background merges do not
# slow the next phase down.
settle() {
  for _ in $(seq 1 60); do
    [ "$(ch --query "SELECT count() FROM system.merges")" = 0 ] && return
    sleep 0.5
  done
}

csv=$dir/demo-scale-$rows.csv
bids_csv=$dir/demo-scale-$rows-bids.csv
with_bids=${BIDS:-1}
if [ ! -f "$csv" ] || { [ "$with_bids" = 1 ] && [ ! -f "$bids_csv" ]; }; then
  flags=(); [ "$with_bids" = 1 ] && flags=(--bids)
  bin/tradestat demo --scale "$rows" "${flags[@]}" --out "$dir" >/dev/null 2>&1
fi
bytes=$(stat -c %s "$csv")

# columns_of is a file's header as the columns of a table clickhouse-client loads it into: each
# named as the header names it (CSVWithNames matches them by name), all text.
columns_of() { head -n 1 "$1" | tr -d '\r' | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s`%s` String", (i > 1 ? ", " : ""), $i }'; }

# now prints the time in seconds; median the middle of its arguments.
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Each loader runs RUNS times (default 3), alternating, each into a fresh table on a settled
# server; the table shows the median of each, so that one noisy run decides nothing.
runs=${RUNS:-3}
a_runs=() b_runs=() c_runs=() d_runs=() e_runs=() rss_kb=0 bids_rss_kb=0
for run in $(seq 1 "$runs"); do
  ch --query "DROP DATABASE IF EXISTS $db"
  settle
  t0=$(now)
  /usr/bin/time -f "%M" -o "$dir/rss.txt" bin/tradestat ingest --database "$db" --reports "$dir" "$csv" >"$dir/ingest.txt" 2>/dev/null
  t1=$(now)
  rss=$(tail -n 1 "$dir/rss.txt")
  [ "$rss" -gt "$rss_kb" ] && rss_kb=$rss
  ch --query "CREATE TABLE $db.raw ($(columns_of "$csv")) ENGINE = MergeTree() ORDER BY tuple()"
  settle
  t2=$(now)
  ch --query "INSERT INTO $db.raw FORMAT CSVWithNames" <"$csv"
  t3=$(now)
  loaded=$(ch --query "SELECT count() FROM $db.deals FINAL")
  # The server's own ceiling for the table tradestat fills: the stored rows, already converted,
  # inserted by clickhouse-client into a copy of the deals table.
  ch --query "SELECT * FROM $db.deals FORMAT TabSeparated" >"$dir/deals.tsv"
  ch --query "CREATE TABLE $db.deals_copy AS $db.deals"
  settle
  t4=$(now)
  ch --query "INSERT INTO $db.deals_copy FORMAT TabSeparated" <"$dir/deals.tsv"
  t5=$(now)
  rm -f "$dir/deals.tsv"
  a_runs+=("$(awk "BEGIN{print $t1-$t0}")") b_runs+=("$(awk "BEGIN{print $t3-$t2}")") c_runs+=("$(awk "BEGIN{print $t5-$t4}")")
  if [ "$with_bids" = 1 ]; then
    settle
    t6=$(now)
    /usr/bin/time -f "%M" -o "$dir/rss.txt" bin/tradestat ingest --database "$db" --reports "$dir" "$bids_csv" >"$dir/ingest-bids.txt" 2>/dev/null
    t7=$(now)
    rss=$(tail -n 1 "$dir/rss.txt")
    [ "$rss" -gt "$bids_rss_kb" ] && bids_rss_kb=$rss
    ch --query "CREATE TABLE $db.raw_bids ($(columns_of "$bids_csv")) ENGINE = MergeTree() ORDER BY tuple()"
    settle
    t8=$(now)
    ch --query "INSERT INTO $db.raw_bids FORMAT CSVWithNames" <"$bids_csv"
    t9=$(now)
    bids_loaded=$(ch --query "SELECT count() FROM $db.bids")
    d_runs+=("$(awk "BEGIN{print $t7-$t6}")") e_runs+=("$(awk "BEGIN{print $t9-$t8}")")
  fi
done
ch --query "DROP DATABASE IF EXISTS $db"
a=$(median "${a_runs[@]}") b=$(median "${b_runs[@]}") c=$(median "${c_runs[@]}")

awk -v rows="$rows" -v bytes="$bytes" -v a="$a" -v b="$b" -v c="$c" -v rss="$rss_kb" -v loaded="$loaded" -v runs="$runs" 'BEGIN {
  printf "file: %d lots, %.1f MB; deals table after tradestat ingest: %d; median of %d runs each\n\n", rows, bytes/1048576, loaded, runs
  printf "%-44s %10s %12s %14s\n", "loader", "seconds", "rows/s", "peak RSS MB"
  printf "%-44s %10.2f %12.0f %14.1f\n", "tradestat ingest (validate, account, load)", a, rows/a, rss/1024
  printf "%-44s %10.2f %12.0f %14s\n", "clickhouse-client INSERT ... FORMAT CSV", b, rows/b, "-"
  printf "%-44s %10.2f %12.0f %14s\n", "  (reference: converted rows into deals-shaped)", c, rows/c, "-"
  printf "\nthe server alone takes deals-shaped rows at %.2f of the CSV-shaped rate: a ceiling for any client\n", b/c
  printf "ingest_vs_deals_shaped_clickhouse_client=%.2f\n", (rows/a)/(rows/c)
  printf "ingest_vs_clickhouse_client=%.2f\n", (rows/a)/(rows/b)
}'
[ "$with_bids" = 1 ] || exit 0
bid_rows=$(($(wc -l <"$bids_csv") - 1))
d=$(median "${d_runs[@]}") e=$(median "${e_runs[@]}")
awk -v rows="$bid_rows" -v bytes="$(stat -c %s "$bids_csv")" -v d="$d" -v e="$e" -v rss="$bids_rss_kb" -v loaded="$bids_loaded" -v runs="$runs" 'BEGIN {
  printf "\nbid lists: %d bids, %.1f MB; bids table after tradestat ingest: %d; median of %d runs each\n\n", rows, bytes/1048576, loaded, runs
  printf "%-44s %10s %12s %14s\n", "loader", "seconds", "rows/s", "peak RSS MB"
  printf "%-44s %10.2f %12.0f %14.1f\n", "tradestat ingest (check codes, account, load)", d, rows/d, rss/1024
  printf "%-44s %10.2f %12.0f %14s\n", "clickhouse-client INSERT ... FORMAT CSV", e, rows/e, "-"
  printf "bids_vs_clickhouse_client=%.2f\n", (rows/d)/(rows/e)
}'
