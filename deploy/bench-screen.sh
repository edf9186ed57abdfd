#!/usr/bin/env bash
# `make bench-screen`: the pages in real headless Chromium over loopback, on Baoshan's demo data.
#   - first paint of / and /screen in a fresh browser (no cache): first contentful paint and the
#     moment the map has pixels, ms from the start of navigation;
#   - the wall display's JS heap over REFRESHES refreshes back to back (default 1440: a day of
#     the display's own refreshes every 60 s), after a garbage collection, at the start, halfway
#     and at the end, and the growth over the second half.
# RUNS runs (default 5) of each; the table gives the median and the worst.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${RUNS:-5}
make --no-print-directory assets >/dev/null
deploy/deps.sh test >/dev/null
started=
if ! deploy/clickhouse/local.sh status >/dev/null 2>&1; then deploy/clickhouse/local.sh start >/dev/null; started=1; fi
trap '[ -z "$started" ] || deploy/clickhouse/local.sh stop >/dev/null' EXIT
printf "%-46s %12s %12s   (%d runs)\n" "benchmark metric" median worst "$runs"
out=$(go test -count="$runs" -run '^$' -bench 'FirstPaint|ScreenHeap' -benchtime 1x -timeout 60m ./app/ | grep '^Benchmark')
echo "$out" | awk -v runs="$runs" '
{ name = $1; sub(/-[0-9]+$/, "", name)
  for (i = 3; i + 1 <= NF; i += 2) { if ($(i + 1) == "ns/op") continue; k = name " " $(i + 1); v[k, ++n[k]] = $i; keys[k] = 1 } }
END {
  for (k in keys) {
    m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    worst = a[m]
    printf "%-46s %12.1f %12.1f\n", k, a[int((m + 1) / 2)], worst
  }
}' | sort
