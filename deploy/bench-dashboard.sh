#!/usr/bin/env bash
# `make bench-dashboard`: the dashboard at 100k and 10M lots. For each size it loads
# synthetic lots (tradestat demo --scale, through tradestat ingest) into a database of its
# own, kept between runs, then measures with cmd/dashbench: the overview page with all its
# panels, p50/p99 over SAMPLES requests (default 200) cold (a fresh server, nothing cached)
# and warm; API requests/s at 32 concurrent clients; and, for comparison, the time
# clickhouse-client takes for the equivalent raw aggregate over the lots (FINAL, by place,
# type and month of the latest year). Targets: warm p99 at 10M <= 50 ms, cold <= 300 ms,
# p99 at 10M <= 1.5 x p99 at 100k. SIZES="100000" measures one size.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sizes=${SIZES:-"100000 10000000"}
samples=${SAMPLES:-200}
make --no-print-directory build >/dev/null
go build -o bin/dashbench ./cmd/dashbench
started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then deploy/clickhouse/local.sh start; started=1; fi
trap '[ -z "$started" ] || deploy/clickhouse/local.sh stop' EXIT
. deploy/bench-data.sh

results=()
for n in $sizes; do
  ensure_lots "$n"
  db=$bench_db
  year=$(ch --query "SELECT toYear(max(deal_date)) FROM $db.daily FINAL WHERE lots != 0")
  out=$(TRADESTAT_DATABASE=$db bin/dashbench --samples "$samples")
  raw=()
  for _ in 1 2 3 4 5; do
    raw+=("$( { ch --time --format Null --query "SELECT place_code, trade_type, toMonth(deal_date), count(), sum(amount_fen),
      sum(savings_fen), sum(premium_fen), sum(online) FROM $db.deals FINAL WHERE toYear(deal_date) = $year
      GROUP BY place_code, trade_type, toMonth(deal_date)"; } 2>&1 | tail -n 1)")
  done
  raw_ms=$(printf '%s\n' "${raw[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] * 1000 }')
  results+=("$n $(echo "$out" | tr '\n' ' ') raw_ms=$raw_ms")
done

printf '%s\n' "${results[@]}" | awk '
function val(key,   i, kv) { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] } return "" }
BEGIN {
  printf "%-10s %14s %14s %14s %14s %10s %8s %22s\n", "lots", "cold p50 ms", "cold p99 ms", "warm p50 ms", "warm p99 ms", "API req/s", "errors", "clickhouse-client raw ms"
}
{
  printf "%-10s %14s %14s %14s %14s %10s %8s %22s\n", $1, val("overview_cold_p50_ms"), val("overview_cold_p99_ms"),
    val("overview_warm_p50_ms"), val("overview_warm_p99_ms"), val("api_rps"), val("api_errors"), val("raw_ms")
  p99[$1] = val("overview_warm_p99_ms")
}
END {
  printf "\n(overview: the page with all panels over HTTP on loopback; cold: a fresh server per request)\n"
  if ("10000000" in p99) printf "overview_p99_ms_10m=%s\n", p99["10000000"]
  if ("10000000" in p99 && "100000" in p99 && p99["100000"] > 0) printf "scale_ratio=%.2f\n", p99["10000000"] / p99["100000"]
}'
