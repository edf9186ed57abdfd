#!/usr/bin/env bash
# Fetches libchdb.so (ClickHouse as a library, the current engine) from the npm registry into
# var/chdb once, and prints its path. The conformance test (go test -tags chdb
# ./internal/conformance) runs tradestat's SQL on it beside Debian's 18.16 (docs/domain.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version=26.5.3
dir=var/chdb
lib=$dir/libchdb-$version.so
if [ ! -s "$lib" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "@chdb/lib-linux-x64-gnu@$version" >/dev/null 2>&1)
  tar -xzf "$dir/chdb-lib-linux-x64-gnu-$version.tgz" -C "$dir" package/libchdb.so
  mv "$dir/package/libchdb.so" "$lib"
  rm -rf "$dir/package" "$dir/chdb-lib-linux-x64-gnu-$version.tgz"
fi
echo "$PWD/$lib"
