package warehouse

import (
	"fmt"
	"regexp"
	"strings"
)

// Cluster mode (Config.Cluster, TRADESTAT_CLUSTER): every table is created ON CLUSTER as a
// local replicated table, name_local, on every server, plus a Distributed table under the
// table's own name over them, so that ingest and the dashboard work unchanged on top. Each
// table is sharded by a hash of what identifies its rows for deduplication — a lot by its
// project and lot codes, a daily group by its day, place and type — so that every version
// of a lot (and of a group) lands on the same shard and ReplacingMergeTree with FINAL, which
// each shard applies to its own rows, still keeps exactly the latest one: the replace-on-reload
// rule holds across the cluster. Inserts are synchronous (insert_distributed_sync), so a load
// reads its own rows back, as settle does.
//
// The migrations are written for one server; clusterStatements rewrites each of them. The
// servers need the cluster in remote_servers, {shard} and {replica} macros, and ZooKeeper (or
// ClickHouse Keeper) for replication and ON CLUSTER DDL: deploy/cluster holds such configs.

// shardKeys are the sharding expressions of the tables; a table not named here is sharded at
// random (it is only ever read whole).
var shardKeys = map[string]string{
	"deals":               "cityHash64(project_code, lot_code)",
	"deals_regranulated":  "cityHash64(project_code, lot_code)",
	"lots":                "cityHash64(lot_id)",
	"daily":               "cityHash64(deal_date, place_code, trade_type)",
	"monthly":             "cityHash64(deal_date, place_code, trade_type)",
	"daily_sums":          "cityHash64(deal_date, place_code, trade_type)",
	"figures_daily":       "cityHash64(deal_date, place_code, trade_type)",
	"figures_yearly":      "cityHash64(deal_date, place_code, trade_type)",
	"figures_monthly":     "cityHash64(deal_date, place_code, trade_type)",
	"lots_by_place":       "cityHash64(project_code, lot_code)",
	"lots_by_place_wide":  "cityHash64(project_code, lot_code)",
	"lots_by_place_sub":   "cityHash64(project_code, lot_code)",
	"competition_daily":   "cityHash64(deal_date, place_code, trade_type)",
	"competition_monthly": "cityHash64(deal_date, place_code, trade_type)",
	"bids":                "cityHash64(project_code, lot_code)",
	"winners_daily":       "cityHash64(deal_date, place_code, trade_type)",
	"winners_monthly":     "cityHash64(deal_date, place_code, trade_type)",
	"winners_yearly":      "cityHash64(deal_date, place_code, trade_type)",
	"winners_stale":       "cityHash64(month)",
	"winners_heads":       "cityHash64(year)",
}

var (
	createTable = regexp.MustCompile(`(?s)^CREATE TABLE IF NOT EXISTS (\w+) \((.*)\) ENGINE = (\w*MergeTree)\(([^)]*)\)(.*)$`)
	dropTable   = regexp.MustCompile(`^DROP TABLE IF EXISTS (\w+)$`)
	alterAdd    = regexp.MustCompile(`(?s)^ALTER TABLE (\w+) (ADD COLUMN .*)$`)
	renameTable = regexp.MustCompile(`^RENAME TABLE (\w+) TO (\w+)$`)
	comment     = regexp.MustCompile(`--[^\n]*`)
)

// clusterStatements is a migration's statement as cluster mode runs it: a CREATE TABLE becomes
// the replicated local table and the Distributed table over it, a DROP TABLE drops both, a
// RENAME TABLE renames the local tables and makes the Distributed table again under the new
// name, and anything else (INSERT … SELECT) runs as written, through the Distributed tables.
func clusterStatements(sql, cluster, database string) ([]string, error) {
	stmt := strings.TrimSpace(comment.ReplaceAllString(sql, ""))
	if m := createTable.FindStringSubmatch(stmt); m != nil {
		name, columns, engine, args, rest := m[1], m[2], m[3], strings.TrimSpace(m[4]), m[5]
		local := name + "_local"
		replicated := fmt.Sprintf("'/clickhouse/tables/{shard}/%s/%s', '{replica}'", database, local)
		if args != "" {
			replicated += ", " + args
		}
		key, ok := shardKeys[name]
		if !ok {
			key = "rand()"
		}
		// Names are qualified: each server runs ON CLUSTER DDL in its own default database.
		return []string{
			fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s ON CLUSTER %s (%s) ENGINE = Replicated%s(%s)%s", database, local, cluster, columns, engine, replicated, rest),
			fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s ON CLUSTER %s AS %s.%s ENGINE = Distributed(%s, %s, %s, %s)", database, name, cluster, database, local, cluster, database, local, key),
		}, nil
	}
	if m := dropTable.FindStringSubmatch(stmt); m != nil {
		return []string{
			fmt.Sprintf("DROP TABLE IF EXISTS %s.%s ON CLUSTER %s", database, m[1], cluster),
			fmt.Sprintf("DROP TABLE IF EXISTS %s.%s_local ON CLUSTER %s", database, m[1], cluster),
		}, nil
	}
	if m := renameTable.FindStringSubmatch(stmt); m != nil {
		from, to := m[1], m[2]
		key, ok := shardKeys[to]
		if !ok {
			key = "rand()"
		}
		return []string{
			fmt.Sprintf("RENAME TABLE %s.%s_local TO %s.%s_local ON CLUSTER %s", database, from, database, to, cluster),
			fmt.Sprintf("DROP TABLE IF EXISTS %s.%s ON CLUSTER %s", database, from, cluster),
			fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s ON CLUSTER %s AS %s.%s_local ENGINE = Distributed(%s, %s, %s_local, %s)", database, to, cluster, database, to, cluster, database, to, key),
		}, nil
	}
	if m := alterAdd.FindStringSubmatch(stmt); m != nil {
		// The replicated tables first (once per shard). A Distributed table cannot be altered
		// ON CLUSTER over replicated shards, so it is made again over the altered tables: it
		// holds no data, only their structure.
		name := m[1]
		key, ok := shardKeys[name]
		if !ok {
			key = "rand()"
		}
		return []string{
			fmt.Sprintf("ALTER TABLE %s.%s_local ON CLUSTER %s %s", database, name, cluster, m[2]),
			fmt.Sprintf("DROP TABLE IF EXISTS %s.%s ON CLUSTER %s", database, name, cluster),
			fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s ON CLUSTER %s AS %s.%s_local ENGINE = Distributed(%s, %s, %s_local, %s)", database, name, cluster, database, name, cluster, database, name, key),
		}, nil
	}
	if strings.HasPrefix(stmt, "CREATE") || strings.HasPrefix(stmt, "DROP") || strings.HasPrefix(stmt, "ALTER") || strings.HasPrefix(stmt, "RENAME") {
		return nil, fmt.Errorf("cluster mode cannot rewrite this DDL: %.80s", stmt)
	}
	return []string{stmt}, nil
}

// onCluster is the ON CLUSTER clause of database-level DDL in cluster mode, or nothing.
func (c Config) onCluster() string {
	if c.Cluster == "" {
		return ""
	}
	return " ON CLUSTER " + c.Cluster
}

// validCluster checks a cluster name, which is part of DDL.
func validCluster(name string) error {
	if name != "" && !identifier.MatchString(name) {
		return fmt.Errorf("cluster name %q: use letters, digits and underscores only", name)
	}
	return nil
}
