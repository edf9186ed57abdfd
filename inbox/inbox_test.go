package inbox_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/commit"
	"tradestat/division"
	"tradestat/inbox"
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
	dir := t.TempDir()
	lot := "project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\nP1,1,x,工程建设,530502,2021-03-01,200,100\n"
	for _, n := range []string{"a.csv.part", "b.csv.tmp", "x.csv.report.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(lot), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := &inbox.Worker{Inbox: dir, Options: ingest.Options{Region: division.MustRegion("530500")}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Connect: func(ctx context.Context) (driver.Conn, error) { return warehouse.Open(ctx, cfg) }}
	if err := w.ProcessOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.csv.part", "b.csv.tmp"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was touched: %v", n, err)
		}
	}
	report, err := os.ReadFile(filepath.Join(dir, "failed", "x.csv.report.txt.report.txt"))
	if err != nil || !strings.Contains(string(report), "留给导入报告") {
		t.Errorf("x.csv.report.txt: %v %s", err, report)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM deals").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d lots loaded from files that are not to be read: %v", n, err)
	}
	// Content other than what was hashed: refused as changed, nothing kept.
	_, err = commit.NewLoader(conn, division.MustRegion("530500")).Load(ctx, ingest.Source{Name: "c.csv", Data: []byte(lot)}, ingest.Options{SHA256: strings.Repeat("0", 64)})
	if !ingest.IsChanged(err) {
		t.Errorf("a file that changed while loading: %v", err)
	}
	if err := conn.QueryRow(ctx, "SELECT count() FROM deals").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d lots kept from a file that changed while loading: %v", n, err)
	}
}

// TestRegionInboxes: a file in regions/CODE/ is loaded with that region (its lots elsewhere
// rejected naming it) and filed there; the same content in the top inbox is loaded again for
// the whole region, while a county's copy after that is "loaded before"; a directory that
// names no division within the worker's region sends its files to its failed/ with the reason.
func TestRegionInboxes(t *testing.T) {
	conn, cfg := chtest.Open(t)
	ctx := context.Background()
	top := inbox.Inbox{Dir: t.TempDir()}
	lots := "project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\n" +
		"T1,1,x,工程建设,530581,2021-03-01,200,100\nL1,1,y,工程建设,530502,2021-03-02,300,250\n"
	put := func(in inbox.Inbox, name string) {
		t.Helper()
		if err := os.MkdirAll(in.Dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in.Dir, name), []byte(lots), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := &inbox.Worker{Inbox: top.Dir, Options: ingest.Options{Region: division.MustRegion("530500")}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Connect: func(ctx context.Context) (driver.Conn, error) { return warehouse.Open(ctx, cfg) }}
	count := func() uint64 {
		t.Helper()
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM deals FINAL").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	report := func(in inbox.Inbox, dir, name string) string {
		t.Helper()
		_, filed, err := in.Status(10, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range filed {
			if f.Name == name && f.Dir() == dir {
				return f.Report
			}
		}
		t.Fatalf("%s: no report of %s in %s/", in.Dir, name, dir)
		return ""
	}
	tengchong := top.Of("530581")
	put(tengchong, "a.csv")
	put(top.Of("999999"), "b.csv")
	put(top.Of("530000"), "c.csv")
	if err := w.ProcessOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if r := report(tengchong, "done", "a.csv"); !strings.Contains(r, "载入1 + 拒收1") || !strings.Contains(r, "不在腾冲市范围内") {
		t.Errorf("the county's load:\n%s", r)
	}
	if path, ok := tengchong.RejectReport("done", "a.csv"); !ok || !strings.HasPrefix(path, tengchong.Dir) {
		t.Errorf("the county's reject report: %q %v", path, ok)
	}
	for _, code := range []string{"999999", "530000"} {
		if r := report(top.Of(code), "failed", map[string]string{"999999": "b.csv", "530000": "c.csv"}[code]); !strings.Contains(r, "regions/"+code) {
			t.Errorf("regions/%s: %s", code, r)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("%d lots after the county's load, want 1", n)
	}
	put(top, "a.csv")
	if err := w.ProcessOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if r := report(top, "done", "a.csv"); !strings.Contains(r, "载入2") {
		t.Errorf("the whole region's load of the same content:\n%s", r)
	}
	put(tengchong, "again.csv")
	if err := w.ProcessOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if r := report(tengchong, "done", "again.csv"); !strings.Contains(r, "相同内容") {
		t.Errorf("the county's copy after the whole region's load:\n%s", r)
	}
	waiting, filed, err := top.Status(10, true)
	if err != nil || len(waiting) != 0 || len(filed) != 5 {
		t.Errorf("status of every inbox: %v waiting, %d filed, %v; want none and 5", waiting, len(filed), err)
	}
	var regions []string
	if err := conn.QueryRow(ctx, "SELECT groupArray(region) FROM (SELECT region FROM ingest_batches ORDER BY region)").Scan(&regions); err != nil || strings.Join(regions, " ") != "530500 530581" {
		t.Errorf("loads' regions: %v %v, want 530500 and 530581", regions, err)
	}
}

// TestLongNames: a name past inbox.MaxNameBytes (a Chinese name of 85 characters is 255 bytes) is
// cut at a character's boundary with its extension and a tag of the whole name, so that the
// worker's reports named after it fit the file system, and two long names stay two.
func TestLongNames(t *testing.T) {
	long := strings.Repeat("保山市公共资源交易中心", 9)
	for _, tt := range []struct{ name, ext string }{
		{"短名.csv", ".csv"}, {long + ".csv", ".csv"}, {long + "甲.xlsx", ".xlsx"}, {long + "乙.xlsx", ".xlsx"}, {long, ""},
	} {
		got := inbox.FitName(tt.name)
		if len(got) > inbox.MaxNameBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, tt.ext) || len(got+".rejects-.csv") > 255 {
			t.Errorf("inbox.FitName(%q) = %q (%d bytes)", tt.name, got, len(got))
		}
		if len(tt.name) <= inbox.MaxNameBytes && got != tt.name {
			t.Errorf("inbox.FitName(%q) = %q: a short name is kept", tt.name, got)
		}
	}
	if inbox.FitName(long+"甲.xlsx") == inbox.FitName(long+"乙.xlsx") {
		t.Error("two long names became one")
	}
}
