package commit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tradestat"

	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/msg"
)

// TestStoppedLoads: a load stopped before its lots moved leaves nothing any reader sees; one
// stopped right after the move is completed by the next load — its daily figures and its
// batch record — so that figures, lists and records agree again.
// canonicalHeader is the header of the canonical CSV, every column a lot may have.
const canonicalHeader = "project_code,lot_code,name,trade_type,place_code,deal_date,budget_yuan,amount_yuan,online\n"

func TestStoppedLoads(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	count := func(q string) uint64 {
		t.Helper()
		var n uint64
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	file := func(codes ...string) ingest.Source {
		var b strings.Builder
		b.WriteString(canonicalHeader)
		for _, c := range codes {
			b.WriteString(c + ",1,x,工程建设,530502,2021-03-01,100,90,否\n")
		}
		return ingest.Source{Name: codes[0] + ".csv", Data: []byte(b.String())}
	}
	stop := errors.New("stopped")

	// Stopped while reading (the scan fails after the first rows were sent): nothing visible.
	l := NewLoader(conn, division.MustRegion("530500"))
	l.BatchSize, l.InsertRows = 1, 1
	bad := file("A", "B")
	bad.Data = append(bad.Data, []byte("C,1,x,no such type,530502,2021-03-01,100,90,否\n")...)
	if _, err := l.Load(ctx, bad, ingest.Options{Rejects: func(ingest.Reject) error { return stop }}); !errors.Is(err, stop) {
		t.Fatalf("load stopped by its reject report: %v", err)
	}
	if n := count("SELECT count() FROM deals"); n != 0 {
		t.Errorf("%d lots visible after a load stopped midway", n)
	}
	if n := count("SELECT count() FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'deals_stage_')"); n != 0 {
		t.Errorf("%d staging tables left by a stopped load", n)
	}

	// Stopped right after the move, an hour ago: the lots are in deals, their figures not.
	l = NewLoader(conn, division.MustRegion("530500"))
	l.now = func() time.Time { return time.Now().Add(-time.Hour) }
	l.afterMove = func() error { return stop }
	if _, err := l.Load(ctx, file("P1", "P2", "P3"), ingest.Options{}); !errors.Is(err, stop) {
		t.Fatalf("load stopped after the move: %v", err)
	}
	if count("SELECT count() FROM deals") != 3 || count("SELECT count() FROM ingest_batches") != 0 || count("SELECT toUInt64(sum(lots)) FROM figures_daily") != 0 {
		t.Fatal("the stopped load is not where the test wants it")
	}
	// Its account as a version that counted lots after the move wrote it (no lots counted):
	// the recovery counts them.
	if err := conn.Exec(ctx, "ALTER TABLE ingest_pending UPDATE loaded = 0, duplicates = 0 WHERE file_name = 'P1.csv'"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); count("SELECT count() FROM ingest_pending WHERE file_name = 'P1.csv' AND loaded != 0") != 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the account was not rewritten")
		}
	}
	// The next load, of another file, completes it first.
	if _, err := NewLoader(conn, division.MustRegion("530500")).Load(ctx, file("Q1"), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT toUInt64(sum(lots)) FROM figures_daily"); n != 4 {
		t.Errorf("daily figures count %d lots after recovery, want 4", n)
	}
	if n := count("SELECT count() FROM ingest_batches"); n != 2 {
		t.Errorf("%d batch records after recovery, want 2", n)
	}
	if n := count("SELECT count() FROM ingest_batches WHERE file_name = 'P1.csv' AND loaded = 3 AND duplicates = 0 AND rows_read = 3"); n != 1 {
		t.Errorf("the recovered load's record: %d", n)
	}
	// Recovering again changes nothing.
	if err := NewLoader(conn, division.MustRegion("530500")).Recover(ctx); err != nil || count("SELECT count() FROM ingest_batches") != 2 {
		t.Errorf("second recovery: %v", err)
	}
}

// TestTotalsStayExact: a load that would take a money total past tradestat.MaxTotal, so that
// an Int64 sum could overflow, is refused whole, although each of its lots is within bounds.
func TestTotalsStayExact(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString(canonicalHeader)
	for i := range 46200 { // 46,200 × 1万亿元 > 2^62 fen
		fmt.Fprintf(&b, "T%06d,1,x,工程建设,530502,2021-03-01,1000000000000,1000000000000,否\n", i)
	}
	_, err := NewLoader(conn, division.MustRegion("530500")).Load(ctx, ingest.Source{Name: "huge.csv", Data: []byte(b.String())}, ingest.Options{})
	if tradestat.KindOf(err) != tradestat.Unsupported || !strings.Contains(msg.Chinese.Say(err), "上限") {
		t.Fatalf("a load past the exact range: %v", err)
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM deals").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d lots kept from a refused load (%v)", n, err)
	}
}
