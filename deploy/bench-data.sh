# bench-data.sh — sourced by the benchmark scripts: ch (clickhouse-client on the configured
# server) and ensure_lots N [REGION], which makes sure database $bench_db
# (tradestat_bench_vV_N for Baoshan, tradestat_bench_vV_REGION_N for another region; V the
# version of the synthetic data below) holds N synthetic lots of the region (tradestat demo
# --scale, loaded through tradestat ingest), kept between runs, and waits for the server's
# background merges to finish, as on a server that is not loading.
bench_data=3 # v2: project codes in date order; v3: places weighted over the region's division tree
client=clickhouse-client
command -v clickhouse-client >/dev/null 2>&1 || client="clickhouse client"
addr=${TRADESTAT_CLICKHOUSE:-127.0.0.1:9000}
ch() { $client --host "${addr%:*}" --port "${addr##*:}" "$@"; }

# ensure_lots N REGION bids: the lots with their bid lists (about six bids a lot), in a database
# of its own (…_bids).
ensure_lots() {
  local n=$1 region=${2:-530500} bids=${3:-} dir=var/bench/v$bench_data have
  bench_db=tradestat_bench_v${bench_data}_$n
  if [ "$region" != 530500 ]; then bench_db=tradestat_bench_v${bench_data}_${region}_$n; dir=$dir/$region; fi
  [ -z "$bids" ] || bench_db=${bench_db}_bids
  local db=$bench_db
  mkdir -p "$dir"
  have=$(ch --query "SELECT count() FROM $db.deals FINAL" 2>/dev/null || echo 0)
  if [ -n "$bids" ] && [ "$have" = "$n" ] && [ "$(ch --query "SELECT count() FROM $db.bids" 2>/dev/null || echo 0)" = 0 ]; then have=0; fi
  if [ "$have" != "$n" ]; then
    echo "loading $n lots${bids:+ and their bids} into $db (once; kept for later runs)" >&2
    ch --query "DROP DATABASE IF EXISTS $db"
    local csv=$dir/demo-scale-$n.csv bids_csv=$dir/demo-scale-$n-bids.csv
    if [ ! -f "$csv" ] || { [ -n "$bids" ] && [ ! -f "$bids_csv" ]; }; then
      bin/tradestat demo --region "$region" --scale "$n" ${bids:+--bids} --out "$dir" >/dev/null 2>&1
    fi
    bin/tradestat ingest --region "$region" --database "$db" --reports "$dir" "$csv" >/dev/null 2>&1
    [ -z "$bids" ] || bin/tradestat ingest --region "$region" --database "$db" --reports "$dir" "$bids_csv" >/dev/null 2>&1
  fi
  for _ in $(seq 1 120); do [ "$(ch --query "SELECT count() FROM system.merges")" = 0 ] && break; sleep 0.5; done
}
