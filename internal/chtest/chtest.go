// Package chtest gives integration tests a fresh database on the real ClickHouse server that
// `make test` starts (never a mock): each test gets its own database, migrated, and dropped
// when the test ends.
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
	cfg := warehouse.ConfigFromEnv(os.Getenv)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	cfg.Database = "tradestat_test_" + hex.EncodeToString(b)
	// Not a context that is cancelled on return: the driver closes a pooled connection whose
	// context ends after use, which would break the test's next query on it.
	conn, err := warehouse.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("integration tests need a ClickHouse server (make test starts one): %v", err)
	}
	t.Cleanup(func() {
		conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := warehouse.DropDatabase(ctx, cfg, cfg.Database); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return conn, cfg
}
