#!/usr/bin/env bash
# `make loadtest`: 60 s of mixed traffic (overview pages, API, lot lists, exports) from 100
# concurrent signed-in clients against `tradestat serve` over the 10M-lot national dataset
# (REGION=000000: every county of every province; REGION=530500 for Baoshan's), after a
# 2-minute warm-up of the same traffic (the result caches fill to their bounds); prints
# requests/s, p50/p99 by kind of traffic, errors and the server's resident memory at the start
# and the end. The server runs as in production: its
# own process, access control on (an analyst account), reading as tradestat_reader and
# writing its audit log as tradestat_writer. Targets: zero errors, p99 <= 200 ms, RSS growth
# <= 10%. Each client pauses THINK (default 1s) on average between requests, as a person
# reading the page; THINK=0 holds the server at CLIENTS requests in flight. LOTS, CLIENTS,
# DURATION and WARMUP change the load too. REGIONS (default: a province, a city and a county
# within the region) are accounts limited to a division: clients take the whole region's and
# theirs in turn, and every figure (API summary, breakdown) answered to a limited account is
# compared after the run with the whole region's figure for that division; any difference is
# a leak, and the target "every account answered its region's figures only" is not met.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

lots=${LOTS:-10000000}
region=${REGION:-000000}
clients=${CLIENTS:-100}
duration=${DURATION:-60s}
warmup=${WARMUP:-2m}
think=${THINK:-1s}
if [ "$region" = 000000 ]; then regions=${REGIONS-530000,530500,530581}; else regions=${REGIONS-530581,530502}; fi
port=${LOADTEST_PORT:-18090}
make --no-print-directory build >/dev/null
go build -o bin/loadtest ./cmd/loadtest
started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then deploy/clickhouse/local.sh start; started=1; fi
. deploy/bench-data.sh
ensure_lots "$lots" "$region"

dir=var/loadtest
rm -rf "$dir" && mkdir -p "$dir"
password=load-test-$RANDOM$RANDOM
echo "$password" | bin/tradestat user --users "$dir/users" add analyst analyst >/dev/null
for code in ${regions//,/ }; do
  echo "$password" | bin/tradestat user --users "$dir/users" add "analyst-$code" analyst --region "$code" >/dev/null
done
TRADESTAT_DATABASE=$bench_db TRADESTAT_CLICKHOUSE_USER=tradestat_reader TRADESTAT_WRITER_USER=tradestat_writer \
  bin/tradestat serve --region "$region" --addr 127.0.0.1:$port --users "$dir/users" >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -z "$started" ] || deploy/clickhouse/local.sh stop' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
LOADTEST_PASSWORD=$password bin/loadtest --url "http://127.0.0.1:$port" --clients "$clients" --duration "$duration" \
  --warmup "$warmup" --think "$think" --user analyst --regions "$regions" --pid "$server" | tee "$dir/result.txt"
