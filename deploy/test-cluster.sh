#!/usr/bin/env bash
# `make test-cluster` (and the last step of `make test`): cluster mode on a real ClickHouse
# cluster on loopback. Starts the single local server (the reference) if none answers, then
# ZooKeeper and three ClickHouse servers (deploy/cluster/local.sh: two shards, the first with
# two replicas), runs internal/clustertest (the demo loaded through tradestat, every figure
# compared with the single server's, then again with one replica stopped), and stops what it
# started. About 30 s here, ZooKeeper's installation aside.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then
  deploy/clickhouse/local.sh start
  started=1
fi
cleanup() {
  deploy/cluster/local.sh stop || true
  [ -z "$started" ] || deploy/clickhouse/local.sh stop
}
trap cleanup EXIT
deploy/cluster/local.sh start
go vet -tags cluster ./internal/clustertest
go test -count=1 -tags cluster -v ./internal/clustertest 2>&1 | grep -v '^clickhouse: \|^cluster: ' | tail -n 8
exit "${PIPESTATUS[0]}"
