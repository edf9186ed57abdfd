#!/usr/bin/env bash
# `make test`: everything the tests need, then every test.
# Installs missing packages, builds the embedded front-end assets, starts the local ClickHouse
# server (or reuses one that answers), checks formatting and vet, runs all Go tests (unit,
# integration against the real server, headless Chromium), the conformance test of the SQL on
# the current ClickHouse engine (chdb), the fuzz targets briefly, the cluster test
# (deploy/test-cluster.sh), and stops the server again if this script was the one that started it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

deploy/deps.sh test
make --no-print-directory assets

# var/ holds local state, the ClickHouse server's data among it, whose parts come and go as the
# server merges them: a module file of its own keeps `go vet ./...` and `go test ./...` from
# walking it (a part removed mid-walk failed a run with "no such file or directory").
mkdir -p var
[ -f var/go.mod ] || printf 'module tradestat/var\n' >var/go.mod

started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then
  deploy/clickhouse/local.sh start
  started=1
fi
cleanup() { [ -z "$started" ] || deploy/clickhouse/local.sh stop; }
trap cleanup EXIT

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './var/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...

export TRADESTAT_ARTIFACTS=${TRADESTAT_ARTIFACTS:-$PWD/var/artifacts}
# A package's tests may take longer than go test's default ten minutes on a slow or busy
# two-core machine (the Chromium tests of app above all); the run as a whole stays bounded.
go test -count=1 -timeout 30m ./... 2>&1 | tee var/test.log
status=${PIPESTATUS[0]}
# The same SQL on the current engine: libchdb.so from the npm registry (fetched once into var/).
if [ "$status" = 0 ]; then
  lib=$(deploy/chdb.sh)
  go vet -tags chdb ./internal/conformance
  CHDB_LIB_PATH=$lib go test -count=1 -tags chdb -v ./internal/conformance 2>&1 | tail -n 4 | tee -a var/test.log
  status=${PIPESTATUS[0]}
fi
# The fuzz targets, briefly (FUZZTIME=5m make test for a longer run): each must find nothing.
# By default each runs a count of inputs, about ten seconds' worth here: a budget of time can
# end while a worker is still minimizing an input, which Go before 1.27 reports as a failure
# (context deadline exceeded, golang/go#75804) although nothing was found.
for run in FuzzParseAmount:20000x FuzzParseDate:10000x FuzzConvertRow:3000x FuzzScanFile:3000x; do
  target=${run%%:*}
  [ "$status" = 0 ] || break
  status=0
  go test ./ingest -run '^$' -fuzz "^$target\$" -fuzztime "${FUZZTIME:-${run#*:}}" >"var/fuzz-$target.log" 2>&1 || status=$?
  if [ "$status" = 0 ]; then
    tail -n 2 "var/fuzz-$target.log" | tee -a var/test.log
  else # the whole account of a failure, and the input it found (ingest/testdata/fuzz)
    grep -v '^fuzz: elapsed' "var/fuzz-$target.log" | tail -n 40 | tee -a var/test.log
  fi
done
# Cluster mode on a loopback cluster of three servers and ZooKeeper (make test-cluster).
if [ "$status" = 0 ]; then
  deploy/test-cluster.sh 2>&1 | tee -a var/test.log
  status=${PIPESTATUS[0]}
fi
echo "screenshots: $TRADESTAT_ARTIFACTS"
exit "$status"
