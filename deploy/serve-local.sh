#!/bin/sh
# serve-local.sh ADDR INBOX — what `make run` serves: the dashboard on ADDR, reading as
# tradestat_reader and writing its audit log as tradestat_writer, and beside it the ingest
# worker on INBOX, where admins' uploads go. Stopping this script (Ctrl-C, SIGTERM) or either
# process stops both.
set -u
addr=$1 inbox=$2
mkdir -p "$inbox"
TRADESTAT_CLICKHOUSE_USER=tradestat_writer bin/tradestat ingest --watch "$inbox" &
worker=$!
TRADESTAT_CLICKHOUSE_USER=tradestat_reader TRADESTAT_WRITER_USER=tradestat_writer \
	bin/tradestat serve --addr "$addr" --auth off --inbox "$inbox" &
serve=$!
trap 'kill $worker $serve 2>/dev/null' INT TERM
# Whichever ends first ends the other.
while kill -0 $worker 2>/dev/null && kill -0 $serve 2>/dev/null; do
	sleep 1
done
kill $worker $serve 2>/dev/null
wait $serve
