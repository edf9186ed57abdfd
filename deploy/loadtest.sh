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
# The cost of a request: the CPU time serve and the ClickHouse server spent over the measured
# window (from /proc), per request answered, and the share of cached reads found kept (serve's
# /metrics); then each kind of traffic runs alone for ALONE (default 15s; 0 skips it) with the
# same clients, for its own CPU per request and cache hits. Target: at most 8 ms of CPU a
# request over the mix. With THINK=0, the knee: 1, 2, 4 … CLIENTS clients with no pause, KNEE
# (default 10s) each, and the highest rate whose p99 stays within 200 ms.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

lots=${LOTS:-10000000}
region=${REGION:-000000}
clients=${CLIENTS:-100}
duration=${DURATION:-60s}
warmup=${WARMUP:-2m}
think=${THINK:-1s}
alone=${ALONE:-15s}
knee=${KNEE:-10s}
case $think in 0|0s|0ms) ;; *) knee=0 ;; esac
if [ "$region" = 000000 ]; then regions=${REGIONS-530000,530500,530581}; else regions=${REGIONS-530581,530502}; fi
port=${LOADTEST_PORT:-18090}
make --no-print-directory build >/dev/null
go build -o bin/loadtest ./cmd/loadtest
started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then deploy/clickhouse/local.sh start; started=1; fi
. deploy/bench-data.sh
# The lots with their bid lists: the dataset bench-dashboard's competition figures read, so that
# one national database of 10M lots serves both.
ensure_lots "$lots" "$region" bids

dir=var/loadtest
rm -rf "$dir" && mkdir -p "$dir"
password=load-test-$RANDOM$RANDOM
echo "$password" | bin/tradestat user --users "$dir/users" add analyst analyst >/dev/null
for code in ${regions//,/ }; do
  echo "$password" | bin/tradestat user --users "$dir/users" add "analyst-$code" analyst --region "$code" >/dev/null
done
# Each client is a person with an account of their own (the server limits the lot lists and
# exports one account has in progress): client i takes the whole region's account or a
# region's in turn, as analyst-i or analyst-CODE-i.
kinds=("" ${regions//,/ })
for ((i = 0; i < clients; i++)); do
  code=${kinds[i % ${#kinds[@]}]}
  echo "$password" | bin/tradestat user --users "$dir/users" add "analyst${code:+-$code}-$i" analyst ${code:+--region "$code"} >/dev/null
done
TRADESTAT_DATABASE=$bench_db TRADESTAT_CLICKHOUSE_USER=tradestat_reader TRADESTAT_WRITER_USER=tradestat_writer \
  bin/tradestat serve --region "$region" --addr 127.0.0.1:$port --users "$dir/users" >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -z "$started" ] || deploy/clickhouse/local.sh stop' EXIT
# serve brings the database up to this build's migrations before it listens, which over 10M lots
# can take a minute: wait while it runs, and say why if it stops.
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
  kill -0 $server 2>/dev/null || { echo "loadtest: serve stopped:" >&2; tail -n 5 "$dir/serve.log" >&2; exit 1; }
  sleep 0.2
done
# The ClickHouse server's process, for its CPU time: the one local.sh started, else the oldest
# clickhouse-server running (a server started by other means).
db_pid=$(cat var/clickhouse/server.pid 2>/dev/null || pgrep -o -f clickhouse-server || echo 0)
LOADTEST_PASSWORD=$password bin/loadtest --url "http://127.0.0.1:$port" --clients "$clients" --duration "$duration" \
  --warmup "$warmup" --think "$think" --user analyst --regions "$regions" --own-accounts --pid "$server" --db-pid "$db_pid" \
  --alone "$alone" --knee "$knee" | tee "$dir/result.txt"
