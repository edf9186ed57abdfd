package app_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/internal/chtest"
	"tradestat/warehouse"
)

// demos are the databases migrated and loaded with a region's demo dataset once per run of
// the tests: a test that starts from the demo gets a copy of its region's, its own to read
// and write, at a fraction of what migrating and loading each time costs the server.
var demos = templates{made: map[string]warehouse.Config{}}

func TestMain(m *testing.M) {
	code := m.Run()
	if err := demos.drop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// demoDB is a fresh database holding the demo dataset of region, dropped when the test ends.
func demoDB(t testing.TB, region string) (driver.Conn, warehouse.Config) {
	t.Helper()
	from, err := demos.of(region)
	if err != nil {
		t.Fatal(err)
	}
	return chtest.Copy(t, from)
}

type templates struct {
	mu   sync.Mutex
	made map[string]warehouse.Config // by region code
}

// of is the template of region, made at the first call.
func (ts *templates) of(region string) (warehouse.Config, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if cfg, ok := ts.made[region]; ok {
		return cfg, nil
	}
	cfg := warehouse.ConfigFromEnv(os.Getenv)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return cfg, err
	}
	cfg.Database = "tradestat_demo_" + region + "_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := warehouse.Open(ctx, cfg)
	if err != nil {
		return cfg, fmt.Errorf("integration tests need a ClickHouse server (make test starts one): %w", err)
	}
	defer conn.Close()
	ts.made[region] = cfg // dropped at the end even when the load fails
	r := division.MustRegion(region)
	if _, err := demo.Load(ctx, commit.NewLoader(conn, r), r); err != nil {
		return cfg, fmt.Errorf("demo of %s: %w", region, err)
	}
	return cfg, nil
}

func (ts *templates) drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, cfg := range ts.made {
		if err := warehouse.DropDatabase(ctx, cfg, cfg.Database); err != nil {
			return fmt.Errorf("drop the demo template: %w", err)
		}
	}
	return nil
}
