# bench-data.sh — sourced by the benchmark scripts: ch (clickhouse-client on the configured
# server) and ensure_lots N, which makes sure database $bench_db (tradestat_bench_vV_N, V the
# version of the synthetic data below) holds N synthetic lots (tradestat demo --scale, loaded
# through tradestat ingest), kept between runs, and waits for the server's background merges
# to finish, as on a server that is not loading.
bench_data=2 # v2: project codes in date order, as real platforms give them out
client=clickhouse-client
command -v clickhouse-client >/dev/null 2>&1 || client="clickhouse client"
addr=${TRADESTAT_CLICKHOUSE:-127.0.0.1:9000}
ch() { $client --host "${addr%:*}" --port "${addr##*:}" "$@"; }

ensure_lots() {
  local n=$1 dir=var/bench/v$bench_data have
  bench_db=tradestat_bench_v${bench_data}_$n
  local db=$bench_db
  mkdir -p "$dir"
  have=$(ch --query "SELECT count() FROM $db.deals FINAL" 2>/dev/null || echo 0)
  if [ "$have" != "$n" ]; then
    echo "loading $n lots into $db (once; kept for later runs)" >&2
    ch --query "DROP DATABASE IF EXISTS $db"
    local csv=$dir/demo-scale-$n.csv
    [ -f "$csv" ] || bin/tradestat demo --scale "$n" --out "$dir" >/dev/null 2>&1
    bin/tradestat ingest --database "$db" --reports "$dir" "$csv" >/dev/null 2>&1
  fi
  for _ in $(seq 1 120); do [ "$(ch --query "SELECT count() FROM system.merges")" = 0 ] && break; sleep 0.5; done
}
