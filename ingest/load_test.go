package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/query"
)

func TestLoadFileAccountsAndReplaces(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	loader := ingest.NewLoader(conn)
	store := query.New(conn)
	year := tradestattest.Year(t, 2021)

	rep, err := loader.LoadFile(ctx, "testdata/mixed.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 14 || rep.Loaded != 3 || rep.Rejected != 8 || rep.Skipped != 2 || rep.Duplicates != 1 || !rep.Balanced() {
		t.Fatalf("report: %s (balanced %v)", rep, rep.Balanced())
	}
	first, err := store.Summary(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	want := query.Totals{Projects: 3, Amount: 96000000 + 18000050 + 560000000, Savings: 4000000 + 1999950, Premium: 60000000, Online: 1}
	if first.Five() != want {
		t.Fatalf("after first load: got %+v, want %+v", first, want)
	}

	// The same file again: recorded as a second batch, no figure changes.
	if _, err := loader.LoadFile(ctx, "testdata/mixed.csv", ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	again, err := store.Summary(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if again != first { // the rate bases too
		t.Errorf("after loading the same file twice: got %+v, want %+v", again, first)
	}
	var batches, readSum uint64
	if err := conn.QueryRow(ctx, "SELECT count(), sum(rows_read) FROM ingest_batches WHERE file_name = 'mixed.csv'").Scan(&batches, &readSum); err != nil {
		t.Fatal(err)
	}
	if batches != 2 || readSum != 28 {
		t.Errorf("ingest_batches: %d batches, %d rows read; want 2 and 28", batches, readSum)
	}

	// A later file moves a lot to 2022 and changes its amount: the newest load wins, and the
	// lot is counted in 2022 only, even though both versions are still stored unmerged.
	moved := "project_code,lot_code,trade_type,place_code,deal_date,amount_yuan,budget_yuan\n" +
		"BSGC2021-0001,001,工程建设,530502,2022-01-10,900000.00,1000000.00\n"
	if _, err := loader.Load(ctx, ingest.Source{Name: "moved.csv", Data: []byte(moved)}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	after, err := store.Summary(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	wantAfter := query.Totals{Projects: 2, Amount: 18000050 + 560000000, Savings: 1999950, Premium: 60000000}
	if after.Five() != wantAfter {
		t.Errorf("2021 after the lot moved: got %+v, want %+v", after, wantAfter)
	}
	next, err := store.Summary(ctx, tradestattest.Year(t, 2022))
	if err != nil {
		t.Fatal(err)
	}
	if next != (query.Totals{Projects: 1, Amount: 90000000, Savings: 10000000, SavingsBase: 100000000, TenderLots: 1}) {
		t.Errorf("2022 after the lot moved: got %+v", next)
	}
}

func TestLoadFileUnreadable(t *testing.T) {
	conn, _ := chtest.Open(t)
	loader := ingest.NewLoader(conn)
	for _, path := range []string{"testdata/empty.csv", "testdata/missing-amount.csv", "testdata/no-such-file.csv"} {
		if _, err := loader.LoadFile(context.Background(), path, ingest.Options{}); err == nil {
			t.Errorf("%s: loaded without error", path)
		}
	}
	if _, err := os.Stat("testdata/no-such-file.csv"); err == nil {
		t.Fatal("testdata/no-such-file.csv must not exist")
	}
}

// TestLoadStoppedMidFile: a load that stops partway (here the reject report cannot be
// written) returns the error and records no batch, so the file counts as not loaded; whatever
// of its rows the server already kept is replaced when the file is loaded again, and every
// lot is counted once.
func TestLoadStoppedMidFile(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("project_code,lot_code,trade_type,place_code,deal_date,amount_yuan\n")
	for i := range 3000 {
		amount := "1000.00"
		if i == 2500 {
			amount = "待定"
		}
		fmt.Fprintf(&b, "P%05d,001,工程建设,530502,2021-06-01,%s\n", i, amount)
	}
	src := ingest.Source{Name: "stops.csv", Data: []byte(b.String())}
	loader := ingest.NewLoader(conn)
	loader.BatchSize = 500
	stop := errors.New("disk full")
	if _, err := loader.Load(ctx, src, ingest.Options{Rejects: func(ingest.Reject) error { return stop }}); !errors.Is(err, stop) {
		t.Fatalf("load: %v, want the reject report's error", err)
	}
	_, sha, err := ingest.Hash(src)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := loader.CompletedBatch(ctx, sha); err != nil || id != "" {
		t.Fatalf("the stopped load is recorded as complete (batch %q, %v)", id, err)
	}

	rep, err := loader.Load(ctx, src, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Loaded != 2999 || rep.Rejected != 1 || !rep.Balanced() {
		t.Errorf("second load: %s", rep)
	}
	got, err := query.New(conn).Summary(ctx, tradestattest.Year(t, 2021))
	if err != nil {
		t.Fatal(err)
	}
	if want := (query.Totals{Projects: 2999, Amount: 2999 * 100000, TenderLots: 2999}); got != want {
		t.Errorf("after loading again: %+v, want %+v", got, want)
	}
}
