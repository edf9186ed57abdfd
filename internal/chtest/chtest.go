// Package chtest gives integration tests a fresh database on the real ClickHouse server that
// `make test` starts (never a mock): each test gets its own database, migrated (or copied from
// one made once), and dropped when the test ends.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/warehouse"
)

// Open creates a fresh, migrated database and returns a connection to it and its config.
// A server that does not answer fails the test: integration tests must not pass by not running.
func Open(t testing.TB) (driver.Conn, warehouse.Config) {
	t.Helper()
	cfg := Fresh(t)
	return open(t, cfg), cfg
}

// Fresh is the config of a database of a name no other test uses, not yet created, and
// dropped when the test ends.
func Fresh(t testing.TB) warehouse.Config {
	t.Helper()
	cfg := warehouse.ConfigFromEnv(os.Getenv)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	cfg.Database = "tradestat_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := warehouse.DropDatabase(ctx, cfg, cfg.Database); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return cfg
}

// open connects to cfg's database, creating and migrating it when needed.
func open(t testing.TB, cfg warehouse.Config) driver.Conn {
	t.Helper()
	// Not a context that is cancelled on return: the driver closes a pooled connection whose
	// context ends after use, which would break the test's next query on it.
	conn, err := warehouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("integration tests need a ClickHouse server (make test starts one): %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Copy creates a fresh database holding a copy of every table of the database of from, which
// the caller made once (migrated, and loaded as many tests need it), and returns a connection
// to it and its config. The copy is the test's own to read and write; making it costs the
// server a fraction of migrating and loading again.
func Copy(t testing.TB, from warehouse.Config) (driver.Conn, warehouse.Config) {
	t.Helper()
	cfg := Fresh(t)
	ctx := context.Background()
	src, err := warehouse.Connect(ctx, from)
	if err != nil {
		t.Fatalf("integration tests need a ClickHouse server (make test starts one): %v", err)
	}
	defer src.Close()
	rows, err := src.Query(ctx, "SELECT name FROM system.tables WHERE database = currentDatabase()")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if err := src.Exec(ctx, "CREATE DATABASE "+cfg.Database); err != nil {
		t.Fatal(err)
	}
	for _, name := range tables {
		for _, q := range []string{
			"CREATE TABLE " + cfg.Database + "." + name + " AS " + from.Database + "." + name,
			"INSERT INTO " + cfg.Database + "." + name + " SELECT * FROM " + from.Database + "." + name,
		} {
			if err := src.Exec(ctx, q); err != nil {
				t.Fatalf("copy table %s: %v", name, err)
			}
		}
	}
	return open(t, cfg), cfg
}
