#!/usr/bin/env bash
# `make bench-dashboard`: the dashboard at 100k and 10M lots, for Baoshan and for the whole
# country. For each region and size it loads synthetic lots (tradestat demo --scale --region,
# through tradestat ingest) into a database of its own, kept between runs, then measures with
# cmd/dashbench, for each area asked of that region: the overview page with all its panels,
# p50/p99 over SAMPLES requests (default 200) cold (a fresh server, nothing cached) and warm;
# API requests/s at 32 concurrent clients; and, for comparison, the time clickhouse-client
# takes for the equivalent raw aggregate over the lots (FINAL, by place, type and month of the
# latest year). The national dataset spreads the lots over every county of every province,
# the provinces and capitals that have more places trading more; it is measured at the root,
# one province (云南省 530000) and one city (昆明市 530100).
# Targets: warm p99 at 10M <= 50 ms, cold <= 300 ms, p99 at 10M <= 1.5 x p99 at 100k.
# SIZES="100000" measures one size, REGIONS="000000" one region (either "" for none).
# Then the competition overview (/competition: its cards, tables and winners) over the national
# lots with their bid lists (about six bids a lot: 10M lots, some 60M bids), at the same areas,
# with the same targets: COMPETITION_SIZES (default "100000 10000000"; "" for none).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sizes=${SIZES-"100000 10000000"}
regions=${REGIONS-"530500 000000"}
samples=${SAMPLES:-200}
areas_of() { if [ "$1" = 000000 ]; then echo "root 530000 530100"; else echo root; fi; }
make --no-print-directory build >/dev/null
go build -o bin/dashbench ./cmd/dashbench
started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then deploy/clickhouse/local.sh start; started=1; fi
trap '[ -z "$started" ] || deploy/clickhouse/local.sh stop' EXIT
. deploy/bench-data.sh

results=()
for region in $regions; do
  for n in $sizes; do
    ensure_lots "$n" "$region"
    db=$bench_db
    year=$(ch --query "SELECT toYear(max(deal_date)) FROM (SELECT deal_date, sum(lots) AS n FROM $db.figures_monthly GROUP BY deal_date HAVING n != 0)")
    raw=()
    for _ in 1 2 3 4 5; do
      raw+=("$( { ch --time --format Null --query "SELECT place_code, trade_type, toMonth(deal_date), count(), sum(amount_fen),
        sum(savings_fen), sum(premium_fen), sum(online) FROM $db.deals FINAL WHERE toYear(deal_date) = $year
        GROUP BY place_code, trade_type, toMonth(deal_date)"; } 2>&1 | tail -n 1)")
    done
    raw_ms=$(printf '%s\n' "${raw[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] * 1000 }')
    for area in $(areas_of "$region"); do
      a=$area; [ "$a" = root ] && a=
      out=$(TRADESTAT_DATABASE=$db bin/dashbench --samples "$samples" --region "$region" --area "$a")
      results+=("$region/$area $n $(echo "$out" | tr '\n' ' ') raw_ms=$raw_ms")
    done
  done
done

for n in ${COMPETITION_SIZES-"100000 10000000"}; do
  ensure_lots "$n" 000000 bids
  for area in $(areas_of 000000); do
    a=$area; [ "$a" = root ] && a=
    out=$(TRADESTAT_DATABASE=$bench_db bin/dashbench --page /competition --duration 0 --samples "$samples" --region 000000 --area "$a")
    results+=("competition:000000/$area $n $(echo "$out" | sed 's/^competition_/overview_/' | tr '\n' ' ')")
  done
done

printf '%s\n' "${results[@]}" | awk '
function val(key,   i, kv) { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] } return "" }
BEGIN {
  printf "%-28s %-10s %12s %12s %12s %12s %10s %7s %12s %12s\n", "region/area", "lots", "cold p50 ms", "cold p99 ms", "warm p50 ms", "warm p99 ms", "API req/s", "errors", "raw ms", "ratio"
}
{
  p99[$1, $2] = val("overview_warm_p99_ms")
  ratio = ""
  if ($2 == "10000000" && p99[$1, "100000"] > 0) ratio = sprintf("%.2f", p99[$1, $2] / p99[$1, "100000"])
  printf "%-28s %-10s %12s %12s %12s %12s %10s %7s %12s %12s\n", $1, $2, val("overview_cold_p50_ms"), val("overview_cold_p99_ms"),
    val("overview_warm_p50_ms"), val("overview_warm_p99_ms"), val("api_rps"), val("api_errors"), val("raw_ms"), ratio
}
END {
  printf "\n(overview: the page with all panels over HTTP on loopback, competition: the competition overview\n with the lots bid lists; cold: a fresh server per request;\n ratio: warm p99 at 10M over warm p99 at 100k of the same region and area; raw: clickhouse-client over the lots)\n"
}'
