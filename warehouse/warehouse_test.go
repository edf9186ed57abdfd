package warehouse_test

import (
	"context"
	"testing"

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
	for _, table := range []string{"lots", "ingest_batches"} {
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
