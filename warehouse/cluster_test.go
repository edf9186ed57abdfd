package warehouse

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// TestClusterStatements: every migration has a cluster form — CREATE TABLE as a replicated
// local table and a Distributed table sharded by the rows' identity, DROP TABLE of both,
// INSERT … SELECT as written.
func TestClusterStatements(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, m := range ms {
		stmts, err := clusterStatements(m.SQL, "c1", "db1")
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		got[m.Name] = stmts
	}
	for name, want := range map[string][]string{
		"004_deals.sql": {
			"CREATE TABLE IF NOT EXISTS db1.deals_local ON CLUSTER c1 (",
			"ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db1/deals_local', '{replica}', version) ORDER BY (project_code, lot_code)",
			"CREATE TABLE IF NOT EXISTS db1.deals ON CLUSTER c1 AS db1.deals_local ENGINE = Distributed(c1, db1, deals_local, cityHash64(project_code, lot_code))",
		},
		"007_daily.sql": {
			"ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db1/daily_local', '{replica}', version) ORDER BY (deal_date, place_code, trade_type)",
			"Distributed(c1, db1, daily_local, cityHash64(deal_date, place_code, trade_type))",
		},
		"009_audit_log.sql": {
			"ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/db1/audit_log_local', '{replica}') PARTITION BY toYYYYMM(at) ORDER BY (at, user_name)",
			"Distributed(c1, db1, audit_log_local, rand())",
		},
		"006_drop_lots.sql": {"DROP TABLE IF EXISTS db1.lots ON CLUSTER c1", "DROP TABLE IF EXISTS db1.lots_local ON CLUSTER c1"},
		"032_deals_granules_rename.sql": {"RENAME TABLE db1.deals_regranulated_local TO db1.deals_local ON CLUSTER c1",
			"DROP TABLE IF EXISTS db1.deals_regranulated ON CLUSTER c1",
			"CREATE TABLE IF NOT EXISTS db1.deals ON CLUSTER c1 AS db1.deals_local ENGINE = Distributed(c1, db1, deals_local, cityHash64(project_code, lot_code))"},
		"008_daily_from_deals.sql": {"INSERT INTO daily (deal_date", "FROM deals FINAL"},
		"011_daily_basis.sql": {"ALTER TABLE db1.daily_local ON CLUSTER c1 ADD COLUMN no_budget UInt64 DEFAULT 0, ADD COLUMN no_reserve",
			"DROP TABLE IF EXISTS db1.daily ON CLUSTER c1",
			"CREATE TABLE IF NOT EXISTS db1.daily ON CLUSTER c1 AS db1.daily_local ENGINE = Distributed(c1, db1, daily_local, cityHash64(deal_date, place_code, trade_type))"},
	} {
		all := strings.Join(got[name], "\n")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s in cluster mode:\n%s\nlacks %s", name, all, w)
			}
		}
	}
	if _, err := clusterStatements("ALTER TABLE deals DROP COLUMN x", "c1", "db1"); err == nil {
		t.Error("an ALTER was rewritten silently; cluster mode must refuse DDL it cannot rewrite")
	}
}

// TestRenamed: a RENAME run again after it took effect (a migration stopped before it was
// recorded) finds its table gone, which is not an error; any other failure is.
func TestRenamed(t *testing.T) {
	gone := &clickhouse.Exception{Code: 60, Message: "Table db1.deals_regranulated doesn't exist."}
	for _, c := range []struct {
		stmt string
		err  error
		want bool
	}{
		{"RENAME TABLE deals_regranulated TO deals", gone, true},
		{"RENAME TABLE db1.deals_regranulated_local TO db1.deals_local ON CLUSTER c1", fmt.Errorf("distributed DDL: %s", gone.Message), true},
		{"RENAME TABLE deals_regranulated TO deals", &clickhouse.Exception{Code: 57, Message: "Table db1.deals already exists."}, false},
		{"DROP TABLE deals", gone, false},
	} {
		if got := renamed(c.stmt, c.err); got != c.want {
			t.Errorf("renamed(%q, %v) = %v, want %v", c.stmt, c.err, got, c.want)
		}
	}
}
