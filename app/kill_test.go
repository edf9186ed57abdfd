package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/money"
	"tradestat/query"
)

// buildTradestat builds the tradestat binary for tests that run it as a process.
func buildTradestat(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tradestat")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/tradestat").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// writeLots writes lots as a canonical CSV file at path.
func writeLots(t *testing.T, path string, lots []tradestat.Lot) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := ingest.WriteCanonical(f, lots); err != nil {
		t.Fatal(err)
	}
}

// TestKilledLoad: a real `tradestat ingest` of 300,000 lots, killed with SIGKILL while its
// lots are streaming to the real server, leaves no lot that any reader sees — figures, lot
// lists, the daily table — and the next unrelated load of one lot adds exactly one.
func TestKilledLoad(t *testing.T) {
	conn, cfg := demoDB(t, "530500")
	ctx := context.Background()
	store := query.New(conn, division.MustRegion("530500"))
	all := query.Filter{From: tradestat.Date{Year: 2000, Month: 1, Day: 1}, To: tradestat.Date{Year: 2030, Month: 12, Day: 31}}
	before, err := store.Summary(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	d := tradestat.Date{Year: 2022, Month: 5, Day: 1}
	dayLots := func() int {
		t.Helper()
		page, err := store.Lots(ctx, query.Filter{From: d, To: d}, query.LotQuery{Sort: query.SortDate, Page: 1, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Lots)
	}
	listed := dayLots()
	if listed >= 99 {
		t.Fatalf("the demo has %d lots on %s; pick a quieter day", listed, d)
	}
	lots := make([]tradestat.Lot, 300000)
	for i := range lots {
		lots[i] = tradestat.Lot{ProjectCode: fmt.Sprintf("K%07d", i), LotCode: "1", Type: tradestat.Construction, PlaceCode: "530502",
			DealDate: d, Budget: 200 * money.Yuan, Amount: 100 * money.Yuan}
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	writeLots(t, path, lots)

	cmd := exec.Command(buildTradestat(t), "ingest", path)
	cmd.Env = append(os.Environ(), "TRADESTAT_CLICKHOUSE="+cfg.Addr, "TRADESTAT_DATABASE="+cfg.Database, "TRADESTAT_LANG=en")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	staged := uint64(0)
	for deadline := time.Now().Add(60 * time.Second); staged == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		_ = conn.QueryRow(ctx, "SELECT count() FROM merge(currentDatabase(), '^deals_stage_')").Scan(&staged)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if staged == 0 {
		t.Fatalf("the load never reached the server before the test's deadline: %s", out.String())
	}
	if strings.Contains(out.String(), "rows read") {
		t.Fatalf("the load finished before it was killed (%d rows staged); the test needs a bigger file: %s", staged, out.String())
	}
	check := func(when string, want query.Totals, wantListed int) {
		t.Helper()
		got, err := store.Summary(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		if got.Five() != want.Five() {
			t.Errorf("%s: figures %+v, want %+v", when, got.Five(), want.Five())
		}
		var n uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM deals FINAL WHERE cancelled = 0").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != uint64(want.Projects) {
			t.Errorf("%s: %d lots in deals, want %d", when, n, want.Projects)
		}
		if n := dayLots(); n != wantListed {
			t.Errorf("%s: the lot list shows %d lots of the killed load's day, want %d", when, n, wantListed)
		}
	}
	check("after the kill", before, listed)

	one := "project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan\nONE,1,x,工程建设,530502,2022-05-01,200,100\n"
	if _, err := commit.NewLoader(conn, division.MustRegion("530500")).Load(ctx, ingest.Source{Name: "one.csv", Data: []byte(one)}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	want := before
	want.Projects++
	want.Amount += 100 * money.Yuan
	want.Savings += 100 * money.Yuan
	check("after one more lot", want, listed+1)
}
