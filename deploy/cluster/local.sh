#!/usr/bin/env bash
# A ClickHouse cluster on loopback for `make test-cluster`, without Docker: ZooKeeper from
# Debian's packages (run as a plain process) and three ClickHouse servers, each started by
# deploy/clickhouse/local.sh with a config.d of its own, forming the cluster tradestat_test:
#
#   shard 01: node1 (127.0.0.1, port BASE+1) and node2 (BASE+2), two replicas of one shard
#   shard 02: node3 (BASE+3)
#
# All on 127.0.0.1: a server finds its own entries in the cluster (for ON CLUSTER DDL) by an
# address of one of its interfaces and its own port.
#
#   local.sh start          install what is missing, start ZooKeeper and the three servers
#   local.sh stop           stop them all
#   local.sh stop-node N    stop server N (the failover test stops a replica)
#   local.sh start-node N   start server N again
#
# Environment: TRADESTAT_CLUSTER_BASE (default 9100: servers on 9101–9103, their HTTP ports
# on 9111–9113, interserver ports on 9121–9123, ZooKeeper on 9150), TRADESTAT_VAR.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
base=${TRADESTAT_CLUSTER_BASE:-9100}
var=${TRADESTAT_VAR:-$PWD/var}
mkdir -p "$var"
var=$(cd "$var" && pwd)/cluster
zk_port=$((base + 50))
log() { echo "cluster: $*" >&2; }

install_zookeeper() {
  [ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's zookeeper"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zookeeper default-jre-headless >/dev/null
  else
    log "ZooKeeper is missing: install Debian's zookeeper package (as root) and retry"
    exit 1
  fi
}

# zk_answers: ZooKeeper serves (imok to ruok), not merely accepts connections: a ClickHouse
# server started against one that is still starting exits.
zk_answers() {
  local reply=
  exec 3<>"/dev/tcp/127.0.0.1/$zk_port" 2>/dev/null || return 1
  echo ruok >&3
  read -r -t 2 reply <&3 || true
  exec 3<&- 3>&-
  [ "$reply" = imok ]
}

start_zookeeper() {
  install_zookeeper
  if zk_answers; then log "ZooKeeper already answers on $zk_port"; return 0; fi
  mkdir -p "$var/zookeeper/data"
  cat >"$var/zookeeper/zoo.cfg" <<CFG
tickTime=2000
dataDir=$var/zookeeper/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
  setsid nohup java -Xmx256m -cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar \
    org.apache.zookeeper.server.ZooKeeperServerMain "$var/zookeeper/zoo.cfg" \
    >"$var/zookeeper/log" 2>&1 </dev/null &
  echo $! >"$var/zookeeper/pid"
  for _ in $(seq 1 60); do zk_answers && { log "ZooKeeper ready on $zk_port"; return 0; }; sleep 0.5; done
  log "ZooKeeper did not start; see $var/zookeeper/log"; exit 1
}

node_env() { # the environment deploy/clickhouse/local.sh runs node $1 with
  echo "TRADESTAT_VAR=$var/node$1 TRADESTAT_CLICKHOUSE=127.0.0.1:$((base + $1)) TRADESTAT_CLICKHOUSE_HTTP_PORT=$((base + 10 + $1))"
}

start_node() {
  local n=$1 shard=01
  [ "$n" = 3 ] && shard=02
  local etc=$var/node$n/clickhouse/etc/config.d
  mkdir -p "$etc"
  sed -e "s#@BASE1@#$((base + 1))#g" -e "s#@BASE2@#$((base + 2))#g" -e "s#@BASE3@#$((base + 3))#g" \
    -e "s#@ZK@#$zk_port#g" -e "s#@INTERSERVER@#$((base + 20 + n))#g" -e "s#@SHARD@#$shard#g" -e "s#@REPLICA@#node$n#g" \
    "$here/loopback.xml.in" >"$etc/cluster.xml"
  env $(node_env "$n") "$here/../clickhouse/local.sh" start
}

stop_node() { env $(node_env "$1") "$here/../clickhouse/local.sh" stop; }

stop_all() {
  for n in 1 2 3; do stop_node "$n" || true; done
  if [ -f "$var/zookeeper/pid" ]; then
    local pid
    pid=$(cat "$var/zookeeper/pid")
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$var/zookeeper/pid"
    log "ZooKeeper stopped"
  fi
}

case "${1:-}" in
  start) start_zookeeper; for n in 1 2 3; do start_node "$n"; done ;;
  stop) stop_all ;;
  stop-node) stop_node "$2" ;;
  start-node) start_node "$2" ;;
  *) echo "usage: $0 start|stop|stop-node N|start-node N" >&2; exit 2 ;;
esac
