#!/usr/bin/env bash
# Manages the local ClickHouse server that `make run` and `make test` use.
#
#   local.sh start   find or install a server binary, start it on loopback (or reuse one that
#                    already answers at the address), wait until it answers
#   local.sh stop    stop the server this script started (never one it merely reused)
#   local.sh status  say whether a server answers at the address
#
# Environment: TRADESTAT_CLICKHOUSE (host:port, default 127.0.0.1:9000), TRADESTAT_VAR (state
# directory, default ./var), TRADESTAT_CLICKHOUSE_HTTP_PORT (default 8123).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
addr=${TRADESTAT_CLICKHOUSE:-127.0.0.1:9000}
host=${addr%:*}
port=${addr##*:}
http_port=${TRADESTAT_CLICKHOUSE_HTTP_PORT:-8123}
var=${TRADESTAT_VAR:-$PWD/var}
mkdir -p "$var"
var=$(cd "$var" && pwd)/clickhouse
pidfile=$var/server.pid

log() { echo "clickhouse: $*" >&2; }

# server_cmd prints the command that runs a ClickHouse server: an official single binary
# (`clickhouse server`) or a `clickhouse-server` (official or Debian's 18.16).
server_cmd() {
  local p
  for p in clickhouse-server /usr/sbin/clickhouse-server /usr/bin/clickhouse-server; do
    if command -v "$p" >/dev/null 2>&1; then echo "$(command -v "$p")"; return 0; fi
  done
  if command -v clickhouse >/dev/null 2>&1; then echo "$(command -v clickhouse) server"; return 0; fi
  return 1
}

client_cmd() {
  if command -v clickhouse-client >/dev/null 2>&1; then echo clickhouse-client; return 0; fi
  if command -v clickhouse >/dev/null 2>&1; then echo "clickhouse client"; return 0; fi
  return 1
}

answers() {
  local c
  c=$(client_cmd) || { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; return $?; }
  $c --host "$host" --port "$port" --query "SELECT 1" >/dev/null 2>&1
}

install_server() {
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    log "no ClickHouse server binary found; installing Debian's clickhouse-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
  else
    log "no ClickHouse server binary found (clickhouse or clickhouse-server on PATH)."
    log "install one (official packages, or Debian's clickhouse-server as root) and retry."
    exit 1
  fi
}

start() {
  if answers; then
    log "a server already answers at $addr; reusing it"
    return 0
  fi
  case "$host" in
    127.*|localhost|::1) ;;
    *) log "$addr does not answer and is not a loopback address; start that server yourself"; exit 1 ;;
  esac
  local cmd
  cmd=$(server_cmd) || { install_server; cmd=$(server_cmd); }
  client_cmd >/dev/null || install_server
  if answers; then # a package's install script may have started its own service
    log "a server answers at $addr after installing; reusing it"
    return 0
  fi

  mkdir -p "$var"/{data,tmp,user_files,format_schemas,log,etc}
  sed -e "s#@VAR@#$var#g" -e "s#@TCP_PORT@#$port#g" -e "s#@HTTP_PORT@#$http_port#g" \
    "$here/config.xml.in" >"$var/etc/config.xml"
  cp "$here/users.xml" "$var/etc/users.xml"

  log "starting $cmd on $addr (data in $var)"
  # Detached from this shell and its output, so that make, CI and terminals never wait on it.
  # setsid makes the server the leader of its own process group (no fork: a background job of
  # a script is not a group leader), so $! is the server and stop can signal the whole group,
  # including a watchdog process that newer ClickHouse builds fork.
  cd "$var"
  setsid nohup $cmd --config-file="$var/etc/config.xml" >"$var/log/stdout.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  cd - >/dev/null
  local i
  for i in $(seq 1 120); do
    if answers; then log "ready after ${i}x0.5s"; return 0; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "server exited during start-up; last log lines:"
      tail -n 20 "$var/log/clickhouse-server.err.log" "$var/log/stdout.log" 2>/dev/null >&2 || true
      rm -f "$pidfile"
      exit 1
    fi
    sleep 0.5
  done
  log "server did not answer within 60s; see $var/log"
  exit 1
}

stop() {
  if [ ! -f "$pidfile" ]; then log "no server started by tradestat is recorded in $pidfile"; return 0; fi
  local pid i
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -- "-$pid" 2>/dev/null || kill "$pid"
    for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid"; fi
    log "stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if answers; then echo "answers at $addr"; else echo "no server at $addr"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
