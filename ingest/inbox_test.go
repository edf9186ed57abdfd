package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/warehouse"
)

// TestInboxNames: a copy still being written under a temporary name is never read; a file
// that takes a report's name goes to failed/ with the reason instead of overwriting a report;
// a file whose content changes between the worker's hash and its load keeps nothing.
func TestInboxNames(t *testing.T) {
	conn, cfg := chtest.Open(t)
	ctx := context.Background()
	inbox := t.TempDir()
	lot := "project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\nP1,1,x,工程建设,530502,2021-03-01,200,100\n"
	for _, n := range []string{"a.csv.part", "b.csv.tmp", "x.csv.report.txt"} {
		if err := os.WriteFile(filepath.Join(inbox, n), []byte(lot), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := &ingest.Worker{Inbox: inbox, Options: ingest.Options{Region: division.MustRegion("530500")}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Connect: func(ctx context.Context) (driver.Conn, error) { return warehouse.Open(ctx, cfg) }}
	if err := w.ProcessOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.csv.part", "b.csv.tmp"} {
		if _, err := os.Stat(filepath.Join(inbox, n)); err != nil {
			t.Errorf("%s was touched: %v", n, err)
		}
	}
	report, err := os.ReadFile(filepath.Join(inbox, "failed", "x.csv.report.txt.report.txt"))
	if err != nil || !strings.Contains(string(report), "留给导入报告") {
		t.Errorf("x.csv.report.txt: %v %s", err, report)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM deals").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d lots loaded from files that are not to be read: %v", n, err)
	}
	// Content other than what was hashed: refused as changed, nothing kept.
	_, err = ingest.NewLoader(conn, division.MustRegion("530500")).Load(ctx, ingest.Source{Name: "c.csv", Data: []byte(lot)}, ingest.Options{SHA256: strings.Repeat("0", 64)})
	if !ingest.IsChanged(err) {
		t.Errorf("a file that changed while loading: %v", err)
	}
	if err := conn.QueryRow(ctx, "SELECT count() FROM deals").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d lots kept from a file that changed while loading: %v", n, err)
	}
}
