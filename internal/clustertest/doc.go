// Package clustertest proves cluster mode (warehouse.Config.Cluster) on a real ClickHouse
// cluster: `make test-cluster` starts one on loopback (deploy/cluster/local.sh: ZooKeeper and
// three servers, two shards, the first with two replicas) and runs this package's test, which
// is behind the build tag cluster.
package clustertest
