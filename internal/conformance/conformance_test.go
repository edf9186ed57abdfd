//go:build chdb

package conformance_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chdb-io/chdb-go/chdb"

	"tradestat"
	"tradestat/audit"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/query"
	"tradestat/warehouse"
)

// recorder keeps every statement the driver sends, with its arguments bound.
type recorder struct {
	mu   sync.Mutex
	sqls []string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	if rec.Message != "sending query" {
		return nil
	}
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "query" {
			r.mu.Lock()
			r.sqls = append(r.sqls, a.Value.String())
			r.mu.Unlock()
		}
		return true
	})
	return nil
}

func (r *recorder) statements() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sqls...)
}

// legacy runs sql on the 18.16 server with clickhouse-client, as tab-separated text.
func legacy(t *testing.T, cfg warehouse.Config, sql string) (string, error) {
	t.Helper()
	host, port, _ := strings.Cut(cfg.Addr, ":")
	out, err := exec.Command("clickhouse-client", "--host", host, "--port", port, "--database", cfg.Database,
		"--format", "TabSeparated", "--query", sql).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, out)
	}
	return string(out), nil
}

// current runs sql on chdb in database db, as tab-separated text.
func current(s *chdb.Session, db, sql string) (string, error) {
	res, err := s.Query("USE "+db+"; "+sql, "TabSeparated")
	if err != nil {
		return "", err
	}
	defer res.Free()
	if err := res.Error(); err != nil {
		return "", err
	}
	return res.String(), nil
}

// sortedLines makes results comparable whatever order a GROUP BY returned them in.
func sortedLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestSameResultsOnCurrentClickHouse(t *testing.T) {
	if os.Getenv("CHDB_LIB_PATH") == "" {
		t.Fatal("CHDB_LIB_PATH must name libchdb.so (deploy/chdb.sh fetches it)")
	}
	ctx := context.Background()

	// The fixture on 18.16: the demo dataset, then through a recording connection a file that
	// moves lots to other days, places and types, so FINAL and the daily refresh matter.
	conn, cfg := chtest.Open(t)
	if _, err := demo.Load(ctx, commit.NewLoader(conn, division.MustRegion("530500")), division.MustRegion("530500")); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	recCfg := cfg
	recCfg.DriverLog = slog.New(rec)
	recConn, err := warehouse.Connect(ctx, recCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer recConn.Close()
	moves := "project_code,lot_code,trade_type,place_code,deal_date,amount_yuan,budget_yuan,reserve_yuan,online\n" +
		"BSGC2021-0001,001,工程建设,530502,2019-07-04,1000.00,1200.00,,是\n" +
		"BSTD2021-0001,001,土地使用权出让,530581,2021-02-03,3000.00,,2500.00,否\n" +
		"NEW-1,001,其他,530521,1995-01-01,10.00,,,\n" +
		"NEW-1,001,其他,530521,1996-01-01,10.00,,,\n" // a duplicate: the full refresh
	recLoader := commit.NewLoader(recConn, division.MustRegion("530500"))
	rep, err := recLoader.Load(ctx, ingest.Source{Name: "moves.csv", Data: []byte(moves)}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Withdrawn and loaded again: the plan, the versions given back and the check for the
	// removal, as the dashboard and tradestat batch withdraw run them.
	if _, err := recLoader.Plan(ctx, rep.BatchID); err != nil {
		t.Fatal(err)
	}
	if _, err := recLoader.Withdraw(ctx, rep.BatchID, "admin"); err != nil {
		t.Fatal(err)
	}
	// 2021 sealed before the file comes back, so that the seal's figures and changes differ.
	if _, err := recLoader.Seal(ctx, 2021, "", "2021年度项目支出绩效自评报告", "admin", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := recLoader.Load(ctx, ingest.Source{Name: "moves.csv", Data: []byte(moves)}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}

	// The audit log, written through the recording connection as the dashboard writes it.
	alog := audit.New(recConn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i, action := range []string{audit.Login, audit.Export, audit.Upload} {
		if err := alog.Record(audit.Entry{At: time.Date(2026, 3, 1, 9, 0, i, 0, time.UTC), User: "admin", Role: "admin",
			IP: "10.0.0.1", Action: action, Path: "/x", Filters: "year=2021&family=工程建设", Status: 200}); err != nil {
			t.Fatal(err)
		}
	}
	if err := alog.Close(); err != nil {
		t.Fatal(err)
	}

	// Every dashboard question, through the recording connection.
	store := query.New(recConn, division.MustRegion("530500"))
	if _, err := store.AuditLog(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RecentBatches(ctx, 50); err != nil {
		t.Fatal(err)
	}
	seal, ok, err := store.SealFor(ctx, tradestattest.Year(t, 2021))
	if err != nil || !ok {
		t.Fatalf("no seal of 2021: %v", err)
	}
	for _, f := range []query.Filter{tradestattest.Year(t, 2021), func() query.Filter { f := tradestattest.Year(t, 2021); f.Area = "530581"; return f }()} {
		if _, err := store.Sealed(seal).Summary(ctx, f); err != nil {
			t.Fatal(err)
		}
		for _, d := range []query.Dimension{query.ByArea, query.ByMonth, query.ByFamily, query.ByLevel} {
			if _, _, err := store.Sealed(seal).Breakdown(ctx, f, d); err != nil {
				t.Fatal(err)
			}
			if _, _, err := store.Sealed(seal).CompetitionBreakdown(ctx, f, d); err != nil {
				t.Fatal(err)
			}
		}
		if changes, err := store.SealChanges(ctx, seal, f); err != nil || f.Area == "" && len(changes) == 0 {
			t.Fatalf("changes since the seal: %v %v", changes, err)
		}
	}
	y2021 := tradestattest.Year(t, 2021)
	filters := []query.Filter{y2021, tradestattest.Period(t, "2019-01-01", "2023-12-31"), tradestattest.Period(t, "2020-01-01", "2020-08-31")}
	for _, mod := range []func(*query.Filter){
		func(f *query.Filter) { f.Place = "530581" },
		func(f *query.Filter) { f.Level = division.CentreCounty },
		func(f *query.Filter) { f.Family = tradestat.FamilyAuction },
		func(f *query.Filter) { f.Type = tradestat.Procurement },
	} {
		f := y2021
		mod(&f)
		filters = append(filters, f)
	}
	for _, f := range filters {
		if _, err := store.Summary(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Summary(ctx, f.PreviousYear()); err != nil {
			t.Fatal(err)
		}
		for _, d := range []query.Dimension{query.ByYear, query.ByMonth, query.ByPlace, query.ByLevel, query.ByType, query.ByFamily} {
			if _, _, err := store.Breakdown(ctx, f, d); err != nil {
				t.Fatal(err)
			}
			if _, _, err := store.CompetitionBreakdown(ctx, f, d); err != nil {
				t.Fatal(err)
			}
		}
		flags, err := store.Flags(ctx, f, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		con, err := store.Concentration(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(con.Top) > 0 {
			if _, err := store.Bidder(ctx, f, con.Top[0].Code); err != nil {
				t.Fatal(err)
			}
		}
		if len(flags.Rows) > 0 {
			sec, err := store.Section(ctx, f, flags.Rows[0].ProjectCode, flags.Rows[0].LotCode)
			if err != nil {
				t.Fatal(err)
			}
			if sec.Buyer != "" {
				if _, err := store.BuyerConcentration(ctx, f, sec.Buyer); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, q := range []query.LotQuery{
			{Sort: query.SortDate, Page: 1, Size: 50},
			{Sort: query.SortAmount, Asc: true, Page: 3, Size: 20},
			{Search: "bsgc", Sort: query.SortCode, Page: 1, Size: 10},
			{Search: "道路", Sort: query.SortSavings, Page: 1, Size: 10},
		} {
			if _, err := store.Lots(ctx, f, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, search := range []string{"", "bsgc"} {
		if err := store.EachLot(ctx, y2021, search, false, func(query.LotRow) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, _, err := store.Extent(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := store.LoadInfo(ctx); err != nil {
		t.Fatal(err)
	}

	// The same schema and rows on the current engine: every migration, then the tables' rows.
	session, err := chdb.NewSession(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer session.Cleanup()
	const db = "conformance"
	if _, err := current(session, "default", "CREATE DATABASE IF NOT EXISTS "+db); err != nil {
		t.Fatal(err)
	}
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := current(session, db, m.SQL); err != nil {
			t.Fatalf("migration %s on the current engine: %v", m.Name, err)
		}
	}
	dir := t.TempDir()
	for _, table := range []string{"deals", "figures_daily", "figures_monthly", "figures_yearly", "lots_by_place", "ingest_batches", "ingest_pending", "schema_migrations", "audit_log", "deal_versions", "batch_withdrawals", "seals", "seal_lots", "seal_figures", "seal_competition", "seal_revocations", "competition_daily", "competition_monthly", "bids", "winners_daily", "winners_monthly", "winners_yearly", "winners_stale", "winners_heads"} {
		structure, err := legacy(t, cfg, "SELECT arrayStringConcat(groupArray(concat(name, ' ', type)), ', ') FROM (SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = '"+table+"')")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := legacy(t, cfg, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, table+".tsv")
		if err := os.WriteFile(path, []byte(rows), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := current(session, db, "TRUNCATE TABLE "+table); err != nil {
			t.Fatal(err)
		}
		sql := fmt.Sprintf("INSERT INTO %s SELECT * FROM file('%s', 'TabSeparated', '%s')", table, path, strings.TrimSpace(structure))
		if _, err := current(session, db, sql); err != nil {
			t.Fatalf("copy %s to the current engine: %v", table, err)
		}
	}

	// Every recorded read gives the same rows on both; every recorded write with a SELECT
	// runs on the current engine too (last, since it changes the rows).
	var reads, writes, stateReads, leaseStatements int
	var later []string
	seen := map[string]bool{}
	// A load's staging table is a copy of deals that is gone by now: its statements run on deals.
	staging := regexp.MustCompile(`deals_stage_[0-9a-f]{16}`)
	// The write lease's tables come and go on 18.16; on the current engine they are one.
	lease := regexp.MustCompile(`write_lease_[0-9]{20}`)
	for _, sql := range rec.statements() { // the lease's table first, as its statements need it
		if sql = lease.ReplaceAllString(strings.TrimSpace(sql), "write_lease_00000000000000000001"); strings.HasPrefix(sql, "CREATE TABLE write_lease_") {
			if _, err := current(session, db, sql); err != nil {
				t.Errorf("the current engine refuses:\n%s\n%v", sql, err)
			}
			seen[sql] = true
			break
		}
	}
	for _, sql := range rec.statements() {
		sql = staging.ReplaceAllString(sql, "deals")
		sql = lease.ReplaceAllString(sql, "write_lease_00000000000000000001")
		if seen[sql] {
			continue
		}
		seen[sql] = true
		trimmed := strings.TrimSpace(sql)
		switch {
		case strings.Contains(trimmed, "write_lease_"):
			// The lease's statements read and write the state of the moment (which tables
			// exist, heartbeats in the server's time), not the data: they run on the current
			// engine, in order, and are not compared.
			if strings.HasPrefix(trimmed, "DROP") {
				continue
			}
			if _, err := current(session, db, trimmed); err != nil {
				t.Errorf("the current engine refuses:\n%s\n%v", trimmed, err)
			}
			leaseStatements++
		case strings.HasPrefix(trimmed, "SELECT"):
			want, err := legacy(t, cfg, trimmed)
			if err != nil {
				t.Fatalf("18.16 refused its own statement %s: %v", trimmed, err)
			}
			got, err := current(session, db, trimmed)
			if err != nil {
				t.Errorf("the current engine refuses:\n%s\n%v", trimmed, err)
				continue
			}
			if physicalRows(trimmed) { // ran on both; the rows not yet merged differ by nature
				stateReads++
				continue
			}
			if rollupRows(trimmed) { // rows of changes that add up: compared added up
				got, want = summed(got), summed(want)
			}
			if sortedLines(got) != sortedLines(want) {
				t.Errorf("different results for\n%s\n18.16:\n%s\ncurrent:\n%s", trimmed, want, got)
			}
			reads++
		case strings.HasPrefix(trimmed, "INSERT") && strings.Contains(trimmed, "SELECT"):
			later = append(later, trimmed)
		}
	}
	for _, sql := range later {
		if _, err := current(session, db, sql); err != nil {
			t.Errorf("the current engine refuses:\n%s\n%v", sql, err)
		}
		writes++
	}
	if stateReads == 0 {
		t.Errorf("no count of the rows not yet merged was recorded: the lot list's check is not covered")
	}
	if leaseStatements < 3 {
		t.Errorf("only %d statements of the write lease ran on the current engine", leaseStatements)
	}
	if reads < 50 || writes < 2 {
		t.Errorf("only %d reads and %d writes were compared: the recording missed statements", reads, writes)
	}
	t.Logf("%d reads gave the same results on 18.16 and %s, %d counts of stored rows ran on both; %d writes ran on both; %d statements of the write lease ran on the current engine",
		reads, engineVersion(session), stateReads, writes, leaseStatements)
}

// physicalRows tells a count of the rows deals holds as stored — every version not yet merged
// away, without FINAL — which the lot list compares with the daily figures to know whether it
// may skip FINAL. Its result depends on when each server merged (the copy to the current
// engine arrives as one part), not on the SQL, so it is run on both but not compared.
func physicalRows(sql string) bool {
	return strings.HasPrefix(sql, "SELECT count() FROM deals") && !strings.Contains(sql, "FINAL")
}

// rollupRows tells a read of a year's cube: the rows of figures_monthly as stored, changes
// that add up (a SummingMergeTree not yet merged holds several for one group, and a refresh
// adds rows that cancel others), which the reader adds up itself. How many rows there are
// depends on when each server merged; what they add up to does not.
func rollupRows(sql string) bool {
	return strings.Contains(sql, "FROM figures_monthly WHERE") && !strings.Contains(sql, "GROUP BY")
}

// summed adds up tab-separated rows of three key columns (month, place, type) and integer
// columns after them, leaving out the groups that add up to nothing.
func summed(tsv string) string {
	sums := map[string][]int64{}
	for _, line := range strings.Split(strings.TrimSpace(tsv), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			continue
		}
		key := strings.Join(f[:3], "\t")
		if sums[key] == nil {
			sums[key] = make([]int64, len(f)-3)
		}
		for i, v := range f[3:] {
			n, _ := strconv.ParseInt(v, 10, 64)
			sums[key][i] += n
		}
	}
	var out []string
	for key, vs := range sums {
		zero := true
		line := key
		for _, v := range vs {
			zero = zero && v == 0
			line += "\t" + strconv.FormatInt(v, 10)
		}
		if !zero {
			out = append(out, line)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func engineVersion(s *chdb.Session) string {
	v, err := current(s, "default", "SELECT version()")
	if err != nil {
		return "the current engine"
	}
	return "ClickHouse " + strings.TrimSpace(v)
}
