package commit

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/xuri/excelize/v2"

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

// TestStoppedBetweenMoves: a workbook of lots and a bid list, its writer stopped after the
// bids moved and before the lots did (as a kill at that moment would): the next writer moves
// the lots from their stage and completes the load, whose account then holds both, and the
// figures count its lots once.
func TestStoppedBetweenMoves(t *testing.T) {
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
	x := excelize.NewFile()
	for i, sheet := range []struct{ name, file string }{{"成交", "testdata/bids/lots.csv"}, {"开标记录", "testdata/bids/list-a.csv"}} {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sheet.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := x.NewSheet(sheet.name); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(sheet.file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for r, rec := range recs {
			row := make([]any, len(rec))
			for c, v := range rec {
				row[c] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := x.SetSheetRow(sheet.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var book bytes.Buffer
	if err := x.Write(&book); err != nil {
		t.Fatal(err)
	}
	src := ingest.Source{Name: "both.xlsx", Data: book.Bytes()}
	stop := errors.New("stopped")
	l := NewLoader(conn, division.MustRegion("530500"))
	l.betweenMoves = func() error { return stop }
	if _, err := l.Load(ctx, src, ingest.Options{}); !errors.Is(err, stop) {
		t.Fatalf("load stopped between the moves: %v", err)
	}
	if count("SELECT count() FROM deals") != 0 || count("SELECT count() FROM bids") != 4 || count("SELECT count() FROM ingest_batches") != 0 {
		t.Fatalf("the stopped load is not where the test wants it: its bids in, its lots staged, no record: %d lots, %d bids, %d records",
			count("SELECT count() FROM deals"), count("SELECT count() FROM bids"), count("SELECT count() FROM ingest_batches"))
	}
	if err := NewLoader(conn, division.MustRegion("530500")).Recover(ctx); err != nil {
		t.Fatal(err)
	}
	before := currentList(t, conn)
	if n := count("SELECT count() FROM deals"); n != 2 {
		t.Errorf("%d lots after recovery, want the workbook's 2", n)
	}
	if n := count("SELECT toUInt64(sum(lots)) FROM figures_daily"); n != 2 {
		t.Errorf("daily figures count %d lots after recovery, want 2", n)
	}
	if n := count("SELECT count() FROM ingest_batches WHERE file_name = 'both.xlsx' AND loaded = 6 AND bids = 4 AND rows_read = 6"); n != 1 {
		t.Errorf("the recovered load's record: %d with 6 rows loaded, 4 of them bids", n)
	}
	// Stopped there again, with its stage then lost: the load is abandoned whole, its bids
	// taken out, and nothing claims lots that are not there.
	l.betweenMoves = func() error { return stop }
	again := ingest.Source{Name: "again.xlsx", Data: book.Bytes()}
	if _, err := l.Load(ctx, again, ingest.Options{}); !errors.Is(err, stop) {
		t.Fatalf("second load stopped between the moves: %v", err)
	}
	if err := conn.Exec(ctx, "DROP TABLE "+func() string {
		var name string
		if err := conn.QueryRow(ctx, "SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'deals_stage_') AND NOT endsWith(name, '_bids') LIMIT 1").Scan(&name); err != nil {
			t.Fatal(err)
		}
		return name
	}()); err != nil {
		t.Fatal(err)
	}
	if err := NewLoader(conn, division.MustRegion("530500")).Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count() FROM ingest_batches WHERE file_name = 'again.xlsx'"); n != 0 {
		t.Errorf("a load whose lots were lost is recorded %d times", n)
	}
	if n := count("SELECT count() FROM ingest_pending WHERE file_name = 'again.xlsx' AND state = 'abandoned'"); n != 1 {
		t.Errorf("a load whose lots were lost is not abandoned: %d", n)
	}
	if got := currentList(t, conn); got != before {
		t.Errorf("the current bids after the lost load:\n%s\nwant the first load's:\n%s", got, before)
	}
	// Recovering again leaves both alone, and no stage is left.
	if err := NewLoader(conn, division.MustRegion("530500")).Recover(ctx); err != nil || count("SELECT count() FROM deals") != 2 || count("SELECT count() FROM bids") != 4 ||
		count("SELECT count() FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'deals_stage_')") != 0 {
		t.Errorf("second recovery: %v", err)
	}
}

// currentList is every bid row with its load, one line each.
func currentList(t *testing.T, conn driver.Conn) string {
	t.Helper()
	rows, err := conn.Query(context.Background(), "SELECT project_code, lot_code, bidder_key, batch_id FROM bids ORDER BY project_code, lot_code, bidder_key, batch_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p, l, k string
		var b uint64
		if err := rows.Scan(&p, &l, &k, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s/%s %s %x", p, l, k, b))
	}
	return strings.Join(out, "\n")
}
