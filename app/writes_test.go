package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/internal/chtest"
	"tradestat/money"
	"tradestat/query"
)

// TestWritesUnderFaults runs, for several seeds, a random sequence of writes as processes of
// the real binary — loads from accounts of a city and of three of its counties, pairs of loads
// at once over the same lots, loads sent SIGKILL or SIGTERM at a random moment, withdrawals and
// seals — and after every step checks the write path's invariants:
//   - a SIGTERM leaves a load done or undone, never half: no account without its record;
//   - once the next writer has run (the worker's recovery), no load is left half done;
//   - every rollup equals its recomputation from the current lots, and so does every figure
//     the query layer gives each region;
//   - every current lot belongs to a recorded load, and no load changed a lot outside its
//     region (each version a load replaced, and each lot it holds, lies within it);
//   - every load's account adds up: read = loaded + rejected + skipped + duplicates.
//
// WRITE_SEEDS=N runs more seeds.
func TestWritesUnderFaults(t *testing.T) {
	t.Parallel() // each seed writes a database of its own, whatever else runs
	seeds := 3
	if n, err := strconv.Atoi(os.Getenv("WRITE_SEEDS")); err == nil && n > 0 {
		seeds = n
	}
	bin := buildTradestat(t)
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			writesUnderFaults(t, bin, uint64(seed))
		})
	}
}

// The regions the accounts write for, and the trading places of their lots.
var (
	writeRegions = []string{"530500", "530502", "530521", "530581"}
	writePlaces  = []string{"530500", "530502", "530521", "530581"}
)

func writesUnderFaults(t *testing.T, bin string, seed uint64) {
	conn, cfg := chtest.Open(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 29))
	dir := t.TempDir()
	env := append(os.Environ(), "TRADESTAT_CLICKHOUSE="+cfg.Addr, "TRADESTAT_DATABASE="+cfg.Database, "TRADESTAT_LANG=en")
	files := 0
	// file writes a file of n rows over the lots P00–P39, each at a random place and amount.
	file := func(n int) string {
		lots := make([]tradestat.Lot, n)
		for i := range lots {
			budget := money.Fen(rng.IntN(900000)+100000) * 100
			lots[i] = tradestat.Lot{ProjectCode: fmt.Sprintf("P%02d", rng.IntN(40)), LotCode: "1", Name: "x", Type: tradestat.Construction,
				PlaceCode: writePlaces[rng.IntN(len(writePlaces))], DealDate: tradestat.Date{Year: 2021, Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)},
				Budget: budget, Amount: budget - money.Fen(rng.IntN(1000))*100, Online: rng.IntN(2) == 0}
		}
		files++
		path := filepath.Join(dir, fmt.Sprintf("f%03d.csv", files))
		writeLots(t, path, lots)
		return path
	}
	type proc struct {
		cmd *exec.Cmd
		out *strings.Builder
	}
	start := func(args ...string) proc {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return proc{cmd, &out}
	}
	// finish waits for p; a load that was not stopped must end well.
	finish := func(p proc, stopped bool) {
		err := p.cmd.Wait()
		if err != nil && !stopped {
			t.Fatalf("%v: %v\n%s", p.cmd.Args[1:], err, p.out)
		}
	}
	load := func(region string) proc {
		return start("ingest", "--region", region, file(5+rng.IntN(30)))
	}
	open := func() uint64 { // accounts without a record: loads half done
		var n uint64
		if err := conn.QueryRow(ctx, `SELECT count() FROM (SELECT batch_id FROM ingest_pending
			WHERE batch_id NOT IN (SELECT batch_id FROM ingest_batches) GROUP BY batch_id HAVING countIf(state = 'abandoned') = 0)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	recovered := commit.NewLoader(conn, division.MustRegion("530500"))

	for step := range 12 {
		what := ""
		switch k := rng.IntN(10); {
		case k < 4: // one load
			region := writeRegions[rng.IntN(len(writeRegions))]
			what = "load for " + region
			finish(load(region), false)
		case k < 6: // two loads at once, from accounts of any regions
			a, b := writeRegions[rng.IntN(len(writeRegions))], writeRegions[rng.IntN(len(writeRegions))]
			what = "loads for " + a + " and " + b + " at once"
			pa, pb := load(a), load(b)
			finish(pa, false)
			finish(pb, false)
		case k < 8: // a load stopped at a random moment
			sig := syscall.SIGKILL
			if rng.IntN(2) == 0 {
				sig = syscall.SIGTERM
			}
			region := writeRegions[rng.IntN(len(writeRegions))]
			what = fmt.Sprintf("load for %s sent %v", region, sig)
			p := load(region)
			time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
			_ = p.cmd.Process.Signal(sig)
			finish(p, true)
			if sig == syscall.SIGTERM && open() != 0 {
				t.Fatalf("seed %d step %d: a load sent SIGTERM left its account without its record\n%s", seed, step, p.out)
			}
		case k < 9: // withdraw a completed load, by an account whose region holds it
			id, region := withdrawable(t, conn, rng)
			if id == "" {
				continue
			}
			what = "withdraw " + id + " for " + region
			finish(start("batch", "--region", region, "--yes", "withdraw", id), false)
		default: // seal the year for a region
			region := writeRegions[rng.IntN(len(writeRegions))]
			what = "seal for " + region
			finish(start("seal", "--region", region, "--year", "2021", "--note", "step "+fmt.Sprint(step)), false)
		}
		// The next writer (here the worker's recovery) completes what a kill left.
		if err := recovered.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		if n := open(); n != 0 {
			t.Fatalf("seed %d step %d (%s): %d loads half done after recovery", seed, step, what, n)
		}
		checkWriteInvariants(t, conn, fmt.Sprintf("seed %d step %d (%s)", seed, step, what))
	}
}

// withdrawable picks a completed load that was not withdrawn, and the region of an account
// that may withdraw it: its own region or the city.
func withdrawable(t *testing.T, conn driver.Conn, rng *rand.Rand) (string, string) {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT batch_id, region FROM ingest_batches
		WHERE versions = 1 AND batch_id NOT IN (SELECT batch_id FROM batch_withdrawals) ORDER BY batch_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids, regions []string
	for rows.Next() {
		var id, region string
		if err := rows.Scan(&id, &region); err != nil {
			t.Fatal(err)
		}
		ids, regions = append(ids, id), append(regions, region)
	}
	if len(ids) == 0 {
		return "", ""
	}
	i := rng.IntN(len(ids))
	if rng.IntN(2) == 0 {
		return ids[i], "530500"
	}
	return ids[i], regions[i]
}

// checkWriteInvariants checks what every write must leave true (TestWritesUnderFaults).
func checkWriteInvariants(t *testing.T, conn driver.Conn, when string) {
	t.Helper()
	ctx := context.Background()
	tree := division.MustRegion("530500").Tree()
	count := func(q string, args ...any) uint64 {
		t.Helper()
		var n uint64
		if err := conn.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	// Rollups: each table's non-zero groups against the same groups over the current lots.
	current := `SELECT deal_date, place_code, trade_type, toInt64(count()) AS n, sum(amount_fen) AS a, sum(savings_fen) AS s,
		sum(premium_fen) AS p, toInt64(sum(online)) AS o FROM deals FINAL WHERE cancelled = 0 GROUP BY deal_date, place_code, trade_type`
	for table, day := range map[string]string{"figures_daily": "deal_date", "figures_monthly": "toStartOfMonth(deal_date)", "figures_yearly": "toStartOfYear(deal_date)"} {
		q := `SELECT count() FROM (
			SELECT d, place_code, trade_type, sum(n) AS n, sum(a) AS a, sum(s) AS s, sum(p) AS p, sum(o) AS o FROM (
				SELECT deal_date AS d, place_code, trade_type, lots AS n, amount_fen AS a, savings_fen AS s, premium_fen AS p, online AS o FROM ` + table + `
				UNION ALL
				SELECT ` + day + ` AS d, place_code, trade_type, -n, -a, -s, -p, -o FROM (` + current + `))
			GROUP BY d, place_code, trade_type HAVING n != 0 OR a != 0 OR s != 0 OR p != 0 OR o != 0)`
		if n := count(q); n != 0 {
			t.Errorf("%s: %s differs from the current lots in %d groups", when, table, n)
		}
	}
	if n := count(`SELECT count() FROM (SELECT place_code, deal_date, project_code, lot_code, sum(lots) AS n FROM (
			SELECT place_code, deal_date, project_code, lot_code, lots FROM lots_by_place
			UNION ALL SELECT place_code, deal_date, project_code, lot_code, -1 FROM deals FINAL WHERE cancelled = 0)
		GROUP BY place_code, deal_date, project_code, lot_code HAVING n != 0)`); n != 0 {
		t.Errorf("%s: lots_by_place differs from the current lots in %d lots", when, n)
	}
	// Every load's account adds up.
	if n := count(`SELECT count() FROM ingest_batches WHERE rows_read != loaded + rejected + skipped + duplicates`); n != 0 {
		t.Errorf("%s: %d accounts do not add up", when, n)
	}
	// Every current lot belongs to a recorded load, and no load changed a lot outside its
	// region: the versions it replaced and the lots it holds lie within it.
	regions := map[uint64]string{}
	for _, row := range table(t, conn, "SELECT batch_id, region FROM ingest_batches") {
		id, err := strconv.ParseUint(row[0], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		regions[id] = row[1]
	}
	within := func(how string, batch, place string) {
		id, _ := strconv.ParseUint(batch, 10, 64)
		region, ok := regions[id]
		if !ok {
			t.Errorf("%s: a lot at %s %s by load %x, which has no record", when, place, how, id)
			return
		}
		r, ok1 := tree.Code(region)
		p, ok2 := tree.Code(place)
		if !ok1 || !ok2 || !p.Within(r) {
			t.Errorf("%s: the load for %s %s a lot at %s", when, region, how, place)
		}
	}
	for _, row := range table(t, conn, "SELECT toString(batch_id), place_code FROM deals FINAL") {
		within("holds", row[0], row[1])
	}
	for _, row := range table(t, conn, "SELECT toString(replaced_by), place_code FROM deal_versions") {
		within("replaced", row[0], row[1])
	}
	// Every region's figures, as the query layer gives them, equal the sums of its current lots.
	lots := currentLots(t, conn)
	for _, code := range writeRegions {
		r := division.MustRegion(code)
		got, err := query.New(conn, r).Summary(ctx, query.Filter{From: tradestat.Date{Year: 2021, Month: 1, Day: 1}, To: tradestat.Date{Year: 2021, Month: 12, Day: 31}})
		if err != nil {
			t.Fatal(err)
		}
		var want [3]int64
		for _, l := range lots {
			if d, ok := tree.Code(l.PlaceCode); ok && d.Within(r.Root()) {
				want[0]++
				want[1] += int64(l.Amount)
				want[2] += int64(l.Savings())
			}
		}
		if g := [3]int64{int64(got.Projects), int64(got.Amount), int64(got.Savings)}; g != want {
			t.Errorf("%s: %s's figures %v, want %v from its current lots", when, code, g, want)
		}
	}
}

// currentLots reads every current lot that counts.
func currentLots(t *testing.T, conn driver.Conn) []tradestat.Lot {
	t.Helper()
	rows, err := conn.Query(context.Background(), "SELECT place_code, budget_fen, amount_fen FROM deals FINAL WHERE cancelled = 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []tradestat.Lot
	for rows.Next() {
		var l tradestat.Lot
		var budget, amount int64
		if err := rows.Scan(&l.PlaceCode, &budget, &amount); err != nil {
			t.Fatal(err)
		}
		l.Type, l.Budget, l.Amount = tradestat.Construction, money.Fen(budget), money.Fen(amount)
		out = append(out, l)
	}
	return out
}

// table reads the rows of a query of String columns.
func table(t *testing.T, conn driver.Conn, q string) [][]string {
	t.Helper()
	rows, err := conn.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		row := make([]string, len(rows.Columns()))
		ptrs := make([]any, len(row))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, row)
	}
	return out
}
