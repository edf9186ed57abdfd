#!/usr/bin/env bash
# `make bench-seal`: `tradestat seal` of one year of the 10M-lot national dataset (REGION=000000,
# as make loadtest serves it; YEAR, default 2022, holds about a fifth of the lots), RUNS times
# (default 5): the command's wall time, and from system.query_log the server's peak memory and
# the rows read by the seal's INSERT … SELECT (the one statement that copies the lots). The
# table gives the median and the worst. Then the overview of that year, the page with all its
# panels, through cmd/dashbench (SAMPLES requests, default 20, cold — a fresh server each — and
# warm): before any seal, and with the year sealed, which adds the seal's mark and its figures
# read from seal_lots. The seals made are removed again at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lots=${LOTS:-10000000}
region=${REGION:-000000}
year=${YEAR:-2022}
runs=${RUNS:-5}
make --no-print-directory build >/dev/null
started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then deploy/clickhouse/local.sh start >/dev/null; started=1; fi
trap '[ -z "$started" ] || deploy/clickhouse/local.sh stop >/dev/null' EXIT
. deploy/bench-data.sh
ensure_lots "$lots" "$region"
# Migrated once before the runs, so that no run pays for new tables.
bin/tradestat batch list --region "$region" --database "$bench_db" >/dev/null
samples=${SAMPLES:-20}
go build -o bin/dashbench ./cmd/dashbench
no_seals() {
  ch --query "ALTER TABLE $bench_db.seal_lots DELETE WHERE 1" >/dev/null
  ch --query "ALTER TABLE $bench_db.seals DELETE WHERE 1" >/dev/null
  until [ "$(ch --query "SELECT count() FROM $bench_db.seals")" = 0 ]; do sleep 0.5; done
}
overview() { TRADESTAT_DATABASE=$bench_db bin/dashbench --samples "$samples" --region "$region" --year "$year" --duration 0; }
no_seals
current=$(overview)
ms=() mem=() rows=() sums_ms=() sums_mem=() sealed=
for i in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  out=$(bin/tradestat seal --region "$region" --database "$bench_db" --year "$year" --note "bench-seal $i")
  t1=$(date +%s%N)
  ms+=($(( (t1 - t0) / 1000000 )))
  sealed=$out
  id=$(grep -o '[0-9a-f]\{16\}' <<<"$out" | head -n 1)
  ch --query "SYSTEM FLUSH LOGS"
  read -r m r < <(ch --query "SELECT memory_usage, read_rows FROM system.query_log
    WHERE type = 2 AND query LIKE 'INSERT INTO seal_lots%' AND query LIKE '%$id%' ORDER BY event_time DESC LIMIT 1")
  mem+=($(( m / 1000000 ))) rows+=("$r")
  read -r fm fmem < <(ch --query "SELECT query_duration_ms, memory_usage FROM system.query_log
    WHERE type = 2 AND query LIKE 'INSERT INTO seal_figures%' AND query LIKE '%$id%' ORDER BY event_time DESC LIMIT 1")
  sums_ms+=("$fm") sums_mem+=($(( fmem / 1000000 )))
done
with_seal=$(overview)
no_seals
echo "$sealed"
stat() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { printf "%12s %12s", a[int((NR + 1) / 2)], a[NR] }'; }
printf "%-40s %12s %12s   (%d runs)\n" "seal of $year, $region, $lots lots" median worst "$runs"
printf "%-40s %s\n" "wall time of tradestat seal (ms)" "$(stat "${ms[@]}")"
printf "%-40s %s\n" "server peak memory of the copy (MB)" "$(stat "${mem[@]}")"
printf "%-40s %s\n" "rows the copy read" "$(stat "${rows[@]}")"
printf "%-40s %s\n" "the sums (seal_figures), ms" "$(stat "${sums_ms[@]}")"
printf "%-40s %s\n" "the sums' server peak memory (MB)" "$(stat "${sums_mem[@]}")"

val() { sed -n "s/^$1=//p" <<<"$2"; }
printf "\n%-40s %12s %12s %12s %12s   (%d samples)\n" "overview of $year, $region" "cold p50" "cold p99" "warm p50" "warm p99" "$samples"
for which in current with_seal; do
  out=${!which}
  printf "%-40s %12s %12s %12s %12s\n" "${which/_/ } (ms)" "$(val overview_cold_p50_ms "$out")" "$(val overview_cold_p99_ms "$out")" \
    "$(val overview_warm_p50_ms "$out")" "$(val overview_warm_p99_ms "$out")"
done
