#!/usr/bin/env bash
# Installs what tradestat needs on a fresh Debian machine, from the package registries, and
# only what is missing:
#   deps.sh build   Node.js/npm (for ECharts from the npm registry); Go must be on PATH
#   deps.sh test    build deps + Debian's chromium and a CJK font (browser tests, screenshots)
#                   and systemd-analyze (the units under deploy/systemd are checked)
# The ClickHouse server is installed by deploy/clickhouse/local.sh when it first starts one.
set -euo pipefail

want=()
need() { command -v "$1" >/dev/null 2>&1 || want+=("${@:2}"); }

need npm nodejs npm
if [ "${1:-build}" = test ]; then
  need chromium chromium
  need systemd-analyze systemd # checks the systemd units under deploy/systemd
  fc-list 2>/dev/null | grep -qiE 'wenquanyi|noto sans cjk|noto serif cjk' || want+=(fonts-wqy-zenhei)
fi
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  echo "deps: Go is at /usr/local/go/bin but not on PATH; add it to PATH" >&2
  exit 1
fi
command -v go >/dev/null 2>&1 || { echo "deps: Go (see go.mod for the version) is not installed" >&2; exit 1; }

[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then
  echo "deps: installing ${want[*]} from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
else
  echo "deps: please install: ${want[*]}" >&2
  exit 1
fi
