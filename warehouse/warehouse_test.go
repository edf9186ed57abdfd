package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"tradestat"
	"tradestat/internal/chtest"
	"tradestat/warehouse"
)

func TestMigrationsOrdered(t *testing.T) {
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 3 || ms[0].Name != "001_schema_migrations.sql" {
		t.Fatalf("migrations: %+v", ms)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Version <= ms[i-1].Version {
			t.Errorf("migration %s does not come after %s", ms[i].Name, ms[i-1].Name)
		}
	}
}

// TestMigrateTwice: a second run applies nothing again, so every subcommand may migrate.
func TestMigrateTwice(t *testing.T) {
	conn, _ := chtest.Open(t) // Open has migrated once
	ctx := context.Background()
	if err := warehouse.Migrate(ctx, conn); err != nil {
		t.Fatal(err)
	}
	ms, _ := warehouse.Migrations()
	var n, distinct uint64
	if err := conn.QueryRow(ctx, "SELECT count(), uniqExact(version) FROM schema_migrations").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(ms)) || distinct != n {
		t.Errorf("schema_migrations: %d rows, %d versions; want %d each", n, distinct, len(ms))
	}
	for _, table := range []string{"deals", "ingest_batches"} {
		var exists uint8
		if err := conn.QueryRow(ctx, "EXISTS TABLE "+table).Scan(&exists); err != nil || exists != 1 {
			t.Errorf("table %s: exists=%d, %v", table, exists, err)
		}
	}
}

func TestConfig(t *testing.T) {
	env := map[string]string{"TRADESTAT_CLICKHOUSE": "10.0.0.5:9440", "TRADESTAT_DATABASE": "baoshan"}
	cfg := warehouse.ConfigFromEnv(func(k string) string { return env[k] })
	if cfg.Addr != "10.0.0.5:9440" || cfg.Database != "baoshan" || cfg.User != "default" {
		t.Errorf("from env: %+v", cfg)
	}
	def := warehouse.ConfigFromEnv(func(string) string { return "" })
	if def.Addr != "127.0.0.1:9000" || def.Database != "tradestat" {
		t.Errorf("defaults: %+v", def)
	}
	for name, ok := range map[string]bool{"tradestat": true, "t_1": true, "1t": false, "a-b": false, "x;DROP": false, "": false} {
		if err := warehouse.ValidDatabaseName(name); (err == nil) != ok {
			t.Errorf("ValidDatabaseName(%q) = %v", name, err)
		}
	}
}

// TestDealsFromLots: a database made before migration 004 keeps every lot, with its load's
// batch ID read as the same number the loader now writes, when 005 and 006 run on it.
func TestDealsFromLots(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	sql := migrationSQL(t)
	if err := conn.Exec(ctx, sql["002_lots.sql"]); err != nil {
		t.Fatal(err)
	}
	batch, err := conn.PrepareBatch(ctx, `INSERT INTO lots (lot_id, project_code, lot_code, name,
		trade_type, family, place_code, region_code, deal_date, budget_fen, reserve_fen, amount_fen,
		savings_fen, premium_fen, online, source_file, source_row, batch_id, version)`)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2021, 3, 9, 0, 0, 0, 0, time.UTC)
	for _, row := range [][]any{
		{"P1/001", "P1", "001", "道路工程", "工程建设", "工程建设", "530500", "530502", day, int64(100), int64(0), int64(90), int64(10), int64(0), uint8(1), "a.csv", uint32(3), "e5fb8425c81a6105", uint64(7)},
		{"P1/001", "P1", "001", "道路工程", "工程建设", "工程建设", "530500", "530502", day, int64(100), int64(0), int64(80), int64(20), int64(0), uint8(1), "b.csv", uint32(4), "0000000000000001", uint64(8)},
		{"P2/001", "P2", "001", "土地出让", "土地使用权出让", "土地、罚没财物、矿业权和国有产权交易", "530500", "530502", day, int64(0), int64(50), int64(60), int64(0), int64(10), uint8(0), "a.csv", uint32(5), "e5fb8425c81a6105", uint64(9)},
	} {
		if err := batch.Append(row...); err != nil {
			t.Fatal(err)
		}
	}
	if err := batch.Send(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"005_deals_from_lots.sql", "006_drop_lots.sql"} {
		if err := conn.Exec(ctx, sql[name]); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var n, amount, savings int64
	var batches []uint64
	if err := conn.QueryRow(ctx, "SELECT toInt64(count()), sum(amount_fen), sum(savings_fen) FROM deals FINAL").Scan(&n, &amount, &savings); err != nil {
		t.Fatal(err)
	}
	if n != 2 || amount != 140 || savings != 20 {
		t.Errorf("deals after 005: %d lots, amount %d, savings %d; want 2, 140, 20 (P1/001 from its newer load)", n, amount, savings)
	}
	if err := conn.QueryRow(ctx, "SELECT groupArray(batch_id) FROM (SELECT batch_id FROM deals FINAL ORDER BY project_code)").Scan(&batches); err != nil {
		t.Fatal(err)
	}
	if want := []uint64{1, 0xe5fb8425c81a6105}; fmt.Sprint(batches) != fmt.Sprint(want) {
		t.Errorf("batch IDs %v, want %v", batches, want)
	}
	var lots uint8
	if err := conn.QueryRow(ctx, "EXISTS TABLE lots").Scan(&lots); err != nil || lots != 0 {
		t.Errorf("lots still exists (%d, %v)", lots, err)
	}
}

// TestTradeTypeEnum: deals.trade_type holds exactly the canonical trade types, in their
// order, so that every lot ingest accepts can be stored and every stored type read back.
func TestTradeTypeEnum(t *testing.T) {
	conn, cfg := chtest.Open(t)
	var got string
	if err := conn.QueryRow(context.Background(), "SELECT type FROM system.columns WHERE database = ? AND table = 'deals' AND name = 'trade_type'", cfg.Database).Scan(&got); err != nil {
		t.Fatal(err)
	}
	var values []string
	for i, tt := range tradestat.TradeTypes() {
		values = append(values, fmt.Sprintf("'%s' = %d", tt, i+1))
	}
	if want := "Enum8(" + strings.Join(values, ", ") + ")"; got != want {
		t.Errorf("deals.trade_type is %s, want %s", got, want)
	}
}

// TestConcurrentFirstOpen: two processes opening one new database at the same moment both
// succeed: the second waits for the first's migrations instead of racing them.
func TestConcurrentFirstOpen(t *testing.T) {
	_, cfg := chtest.Open(t)
	ctx := context.Background()
	for i := range 5 {
		c := cfg
		c.Database = fmt.Sprintf("%s_race%d", cfg.Database, i)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				conn, err := warehouse.Open(ctx, c)
				if err == nil {
					conn.Close()
				}
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Errorf("round %d: %v", i, err)
			}
		}
		if err := warehouse.DropDatabase(ctx, c, c.Database); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationsTakeTheDomainRules: the trade types a migration sorts into savings and premium
// are the domain's, filled in from Go; nothing is left unfilled.
func TestMigrationsTakeTheDomainRules(t *testing.T) {
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if strings.Contains(m.SQL, "{{") {
			t.Errorf("%s: a placeholder left unfilled", m.Name)
		}
		if m.Version != 12 {
			continue
		}
		for _, k := range []tradestat.Kind{tradestat.Tender, tradestat.Auction} {
			want := "trade_type IN ('" + strings.Join(tradestat.TypeNames(k), "', '") + "')"
			if !strings.Contains(m.SQL, want) {
				t.Errorf("%s lacks %s", m.Name, want)
			}
		}
	}
}

// TestDealsRegranulated: a database whose deals were made by 004 (granules of 8192 rows)
// keeps every row, every version as it was, when 029–032 make the table again in granules of
// 1024.
func TestDealsRegranulated(t *testing.T) {
	conn, cfg := chtest.Open(t)
	ctx := context.Background()
	sql := migrationSQL(t)
	if err := conn.Exec(ctx, "DROP TABLE deals"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Exec(ctx, sql["004_deals.sql"]); err != nil {
		t.Fatal(err)
	}
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO deals (project_code, lot_code, name, trade_type, place_code, region_code, deal_date, budget_fen, reserve_fen, amount_fen, savings_fen, premium_fen, online, batch_id, source_row, version)")
	if err != nil {
		t.Fatal(err)
	}
	day, end := time.Date(2021, 3, 9, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, row := range [][]any{
		{"P1", "001", "道路工程", "工程建设", "530502", "530502", day, int64(100), int64(0), int64(90), int64(10), int64(0), uint8(1), uint64(7), uint32(3), uint64(1)},
		{"P1", "001", "道路工程", "工程建设", "530502", "530502", day, int64(100), int64(0), int64(80), int64(20), int64(0), uint8(1), uint64(8), uint32(4), uint64(2)},
		{"P2", "001", "土地出让", "土地使用权出让", "530521", "530521", end, int64(0), int64(50), int64(60), int64(0), int64(10), uint8(0), uint64(7), uint32(5), uint64(1)},
	} {
		if err := batch.Append(row...); err != nil {
			t.Fatal(err)
		}
	}
	if err := batch.Send(); err != nil {
		t.Fatal(err)
	}
	read := func() string {
		var s string
		if err := conn.QueryRow(ctx, "SELECT toString(groupArray(tuple(*))) FROM (SELECT * FROM deals ORDER BY project_code, version)").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := read()
	for _, name := range []string{"029_deals_granules.sql", "030_deals_granules_fill.sql", "031_deals_granules_drop.sql", "032_deals_granules_rename.sql"} {
		if err := conn.Exec(ctx, sql[name]); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if after := read(); after != before {
		t.Errorf("deals after 029–032:\n%s\nwant\n%s", after, before)
	}
	var create string
	if err := conn.QueryRow(ctx, "SELECT create_table_query FROM system.tables WHERE database = ? AND name = 'deals'", cfg.Database).Scan(&create); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(create, "index_granularity = 1024") || !strings.Contains(create, "ReplacingMergeTree(version)") {
		t.Errorf("deals after 029–032: %s", create)
	}
}

// migrationSQL is every migration's statement by its file name.
func migrationSQL(t *testing.T) map[string]string {
	t.Helper()
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	sql := map[string]string{}
	for _, m := range ms {
		sql[m.Name] = m.SQL
	}
	return sql
}

// TestUnavailableByCode: ClickHouse exceptions are classified by their code — a server too
// loaded or too slow to answer is unavailable (503, try again), a wrong statement is not.
func TestUnavailableByCode(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&clickhouse.Exception{Code: 241, Message: "Memory limit exceeded"}, true},
		{fmt.Errorf("summary: %w", &clickhouse.Exception{Code: 159, Message: "Timeout exceeded"}), true},
		{&clickhouse.Exception{Code: 202, Message: "Too many simultaneous queries"}, true},
		{&clickhouse.Exception{Code: 62, Message: "Syntax error"}, false},
		{&clickhouse.Exception{Code: 164, Message: "readonly"}, false},
		{fmt.Errorf("summary: %w", context.DeadlineExceeded), true},
		{errors.New("something else"), false},
		{nil, false},
	} {
		if got := warehouse.Unavailable(tt.err); got != tt.want {
			t.Errorf("Unavailable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
