package commit_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"tradestat"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/query"
)

func TestLoadFileAccountsAndReplaces(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	store := query.New(conn, division.MustRegion("530500"))
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
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
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
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
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
	got, err := query.New(conn, division.MustRegion("530500")).Summary(ctx, tradestattest.Year(t, 2021))
	if err != nil {
		t.Fatal(err)
	}
	if want := (query.Totals{Projects: 2999, Amount: 2999 * 100000, TenderLots: 2999, NoBudget: 2999}); got != want {
		t.Errorf("after loading again: %+v, want %+v", got, want)
	}
}

// dailyGroups reads every non-empty (day, place, type) group of a pre-aggregated table (by
// month for figures_monthly, by year for figures_yearly), or the same groups summed from the
// lots themselves (deals, deals-by-month or deals-by-year), as comparable lines.
func dailyGroups(t *testing.T, conn driver.Conn, table string) []string {
	t.Helper()
	q := `SELECT toString(deal_date), place_code, toString(trade_type), toUInt64(sum(lots)) AS n, sum(amount_fen), sum(savings_fen),
		sum(premium_fen), toUInt64(sum(online)), sum(budget_fen), sum(reserve_fen) FROM ` + table + `
		GROUP BY deal_date, place_code, trade_type HAVING n > 0 ORDER BY deal_date, place_code, trade_type`
	if day, ok := map[string]string{"deals": "deal_date", "deals-by-month": "toStartOfMonth(deal_date)", "deals-by-year": "toStartOfYear(deal_date)"}[table]; ok {
		q = `SELECT toString(` + day + `) AS day, place_code, toString(trade_type), count(), sum(amount_fen), sum(savings_fen),
			sum(premium_fen), toUInt64(sum(online)),
			sumIf(budget_fen, budget_fen != 0 AND trade_type IN ('工程建设', '政府采购', '药品及医用耗材采购')),
			sumIf(reserve_fen, reserve_fen != 0 AND trade_type IN ('土地使用权出让', '矿业权出让', '国有产权交易', '罚没财物处置'))
			FROM deals FINAL WHERE cancelled = 0 GROUP BY day, place_code, trade_type ORDER BY day, place_code, trade_type`
	}
	rows, err := conn.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var day, place, typ string
		var lots, online uint64
		var amount, savings, premium, budget, reserve int64
		if err := rows.Scan(&day, &place, &typ, &lots, &amount, &savings, &premium, &online, &budget, &reserve); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(day, place, typ, lots, amount, savings, premium, online, budget, reserve))
	}
	return out
}

// sectionGroups reads a competition rollup's sections and failed sections by day (or month),
// place and type, or with table "" the same counted from deals' own rows, every section on
// its opening day, or its record's day where it has none.
func sectionGroups(t *testing.T, conn driver.Conn, byMonth bool, table string) []string {
	t.Helper()
	day := "if(toUInt16(open_date) > 0, open_date, deal_date)"
	if byMonth {
		day = "toStartOfMonth(" + day + ")"
	}
	q := `SELECT toString(` + day + `) AS day, place_code, toString(trade_type) AS tt, toInt64(count()) AS n, toInt64(countIf(cancelled = 1))
		FROM deals FINAL GROUP BY day, place_code, tt ORDER BY day, place_code, tt`
	if table != "" {
		q = `SELECT toString(deal_date) AS day, place_code, toString(trade_type) AS tt, sum(sections) AS n, sum(failed) FROM ` + table + `
			GROUP BY day, place_code, tt HAVING n != 0 ORDER BY day, place_code, tt`
	}
	rows, err := conn.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var day, place, typ string
		var sections, failed int64
		if err := rows.Scan(&day, &place, &typ, &sections, &failed); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(day, place, typ, sections, failed))
	}
	return out
}

// TestDailyFollowsDeals: the pre-aggregated figures equal the lots' own sums for every day
// (and every month), place and type after loads that move lots to another day, place and
// type, repeat a file, and empty a group.
func TestDailyFollowsDeals(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	if _, err := demo.Load(ctx, loader, division.MustRegion("530500")); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT project_code, lot_code FROM deals FINAL
		WHERE trade_type = '工程建设' AND toYear(deal_date) = 2021 ORDER BY project_code LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	var ids [][2]string
	for rows.Next() {
		var p, l string
		if err := rows.Scan(&p, &l); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, [2]string{p, l})
	}
	rows.Close()
	if len(ids) != 3 {
		t.Fatalf("%d lots to move", len(ids))
	}
	moves := "project_code,lot_code,trade_type,place_code,deal_date,amount_yuan,budget_yuan,reserve_yuan\n" +
		ids[0][0] + "," + ids[0][1] + ",工程建设,530502,2019-07-04,1000.00,1200.00,\n" + // another day
		ids[1][0] + "," + ids[1][1] + ",工程建设,530524,2021-02-03,2000.00,2100.00,\n" + // another place
		ids[2][0] + "," + ids[2][1] + ",土地使用权出让,530581,2021-02-03,3000.00,,2500.00\n" + // another type and kind
		"NEW-1,001,其他,530521,1995-01-01,10.00,,\n" // a day no lot had
	for range 2 { // the same file twice changes nothing
		if _, err := loader.Load(ctx, ingest.Source{Name: "moves.csv", Data: []byte(moves)}, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	// The lot of 1995 moves on, emptying its group; another lot changes its name alone.
	if _, err := loader.Load(ctx, ingest.Source{Name: "again.csv", Data: []byte(
		"project_code,lot_code,trade_type,place_code,deal_date,amount_yuan\nNEW-1,001,其他,530521,1996-01-01,10.00\n")}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"旧名称", "新名称"} {
		if _, err := loader.Load(ctx, ingest.Source{Name: name + ".csv", Data: []byte(
			"project_code,lot_code,name,trade_type,place_code,deal_date,amount_yuan\nNAMED,001," + name + ",其他,530521,1997-01-01,10.00\n")}, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range [][2]string{{"deals", "figures_daily"}, {"deals-by-month", "figures_monthly"}, {"deals-by-year", "figures_yearly"}} {
		want, got := dailyGroups(t, conn, c[0]), dailyGroups(t, conn, c[1])
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s has %d groups, the lots %d; first difference:\n%s", c[1], len(got), len(want), firstDiff(got, want))
		}
	}
	for _, table := range []string{"competition_daily", "competition_monthly"} {
		want, got := sectionGroups(t, conn, table == "competition_monthly", ""), sectionGroups(t, conn, false, table)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s has %d groups, the sections %d; first difference:\n%s", table, len(got), len(want), firstDiff(got, want))
		}
	}
	if want, got := indexedLots(t, conn, "deals"), indexedLots(t, conn, "lots_by_place"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lots_by_place lists %d lots, deals %d; first difference:\n%s", len(got), len(want), firstDiff(got, want))
	}
	var renamed string
	if err := conn.QueryRow(ctx, "SELECT name FROM lots_by_place WHERE project_code = 'NAMED' GROUP BY name HAVING sum(lots) != 0").Scan(&renamed); err != nil || renamed != "新名称" {
		t.Errorf("the renamed lot is listed as %q (%v), want 新名称 alone", renamed, err)
	}
	var empty1995 int64
	if err := conn.QueryRow(ctx, "SELECT sum(lots) FROM figures_daily WHERE toYear(deal_date) = 1995").Scan(&empty1995); err != nil || empty1995 != 0 {
		t.Errorf("the emptied 1995 group still counts lots (%d, %v)", empty1995, err)
	}
}

// indexedLots reads every current lot of deals, or every lot lots_by_place counts (its rows
// summed), as comparable lines of the columns the index holds.
func indexedLots(t *testing.T, conn driver.Conn, table string) []string {
	t.Helper()
	const cols = `place_code, toString(deal_date), project_code, lot_code, toString(trade_type), amount_fen, savings_fen, premium_fen,
		name, region_code, budget_fen, reserve_fen, online`
	q := `SELECT ` + cols + `, toInt64(1) FROM deals FINAL WHERE cancelled = 0 ORDER BY place_code, deal_date, project_code, lot_code`
	if table != "deals" {
		q = `SELECT ` + cols + `, sum(lots) AS n FROM lots_by_place
			GROUP BY place_code, deal_date, project_code, lot_code, trade_type, amount_fen, savings_fen, premium_fen, name, region_code, budget_fen, reserve_fen, online
			HAVING n != 0 ORDER BY place_code, deal_date, project_code, lot_code`
	}
	rows, err := conn.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var place, day, project, lot, typ, name, region string
		var amount, savings, premium, budget, reserve, n int64
		var online uint8
		if err := rows.Scan(&place, &day, &project, &lot, &typ, &amount, &savings, &premium, &name, &region, &budget, &reserve, &online, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(place, day, project, lot, typ, amount, savings, premium, name, region, budget, reserve, online, n))
	}
	return out
}

func firstDiff(a, b []string) string {
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("got  %s\nwant %s", x, y)
		}
	}
	return "(none)"
}

// TestSkipOnlyUnchanged: content loaded before is skipped only when loading it again would
// change nothing. Loads A, B, A, then B again: each reload changes the lots back, so none is
// skipped; A once more, right after A, is.
func TestSkipOnlyUnchanged(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	loader := commit.NewLoader(conn, division.MustRegion("530500"))
	file := func(name, amount string) ingest.Source {
		return ingest.Source{Name: name, Data: []byte("project_code,lot_code,trade_type,place_code,deal_date,amount_yuan\nP1,1,工程建设,530502,2021-06-01," + amount + "\nP2,1,工程建设,530521,2021-06-02,50\n")}
	}
	a, b := file("a.csv", "100"), file("b.csv", "200")
	amount := func() money.Fen {
		got, err := query.New(conn, division.MustRegion("530500")).Summary(ctx, tradestattest.Year(t, 2021))
		if err != nil {
			t.Fatal(err)
		}
		return got.Amount
	}
	for i, step := range []struct {
		src  ingest.Source
		skip bool
		want money.Fen
	}{
		{a, false, 150 * money.Yuan}, {b, false, 250 * money.Yuan}, {a, false, 150 * money.Yuan}, {b, false, 250 * money.Yuan}, {b, true, 250 * money.Yuan},
	} {
		_, sha, err := ingest.Hash(step.src)
		if err != nil {
			t.Fatal(err)
		}
		prev, err := loader.CompletedBatch(ctx, sha)
		if err != nil {
			t.Fatal(err)
		}
		if (prev != "") != step.skip {
			t.Fatalf("step %d (%s): earlier load %q, want skipped %v", i, step.src.Name, prev, step.skip)
		}
		if prev == "" {
			if _, err := loader.Load(ctx, step.src, ingest.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if got := amount(); got != step.want {
			t.Errorf("step %d (%s): amount %s, want %s", i, step.src.Name, got.Wan(), step.want.Wan())
		}
	}
}

// TestCommitKeepsToItsRegion: whatever a reader hands the committer, a load for a region
// writes no lot outside it — a lot placed elsewhere refuses the whole load.
func TestCommitKeepsToItsRegion(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	lot := func(place string) tradestat.Lot {
		return tradestat.Lot{ProjectCode: "P-" + place, LotCode: "1", Type: tradestat.Construction, PlaceCode: place,
			DealDate: tradestat.Date{Year: 2021, Month: 3, Day: 1}, Amount: 100 * money.Yuan}
	}
	for _, tt := range []struct {
		name string
		lots []tradestat.Lot
		ok   bool
	}{
		{"in the region", []tradestat.Lot{lot("530581")}, true},
		{"elsewhere in the city", []tradestat.Lot{lot("530581"), lot("530521")}, false},
		{"outside the province", []tradestat.Lot{lot("110101")}, false},
		{"no such place", []tradestat.Lot{lot("999999")}, false},
	} {
		before := countDeals(t, conn)
		rep, err := commit.NewLoader(conn, division.MustRegion("530581")).Commit(ctx, records{name: tt.name, lots: tt.lots})
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.ok && (!rep.Balanced() || rep.Loaded != len(tt.lots)) {
			t.Errorf("%s: the account does not add up: %s", tt.name, rep)
		}
		if got, want := countDeals(t, conn)-before, map[bool]int{true: len(tt.lots), false: 0}[tt.ok]; got != want {
			t.Errorf("%s: %d lots written, want %d", tt.name, got, want)
		}
	}
}

func countDeals(t *testing.T, conn driver.Conn) int {
	t.Helper()
	var n uint64
	if err := conn.QueryRow(context.Background(), "SELECT count() FROM deals FINAL").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// records is a reader that hands the committer lots as they are, as a careless one would.
type records struct {
	name string
	lots []tradestat.Lot
}

func (r records) Origin() ingest.Origin { return ingest.Origin{Name: r.name} }

func (r records) Read(_ context.Context, _ division.Region, rep *ingest.Report, out ingest.Emit) error {
	for _, l := range r.lots {
		rep.Read++
		if err := out.Lot(l); err != nil {
			return err
		}
	}
	return nil
}
