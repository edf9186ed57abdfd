package commit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/commit"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/internal/chtest"
	"tradestat/warehouse"
)

// TestShortCountsRecomputed: whatever the competition rollups hold as sections under the legal
// minimum, the migrations that bring them to periods.yaml's minimums leave every group's sums
// as a load under those minimums leaves them, touch nothing else, and change nothing when run
// again.
func TestShortCountsRecomputed(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	region := division.MustRegion("530500")
	if _, err := demo.Load(ctx, commit.NewLoader(conn, region), region); err != nil {
		t.Fatal(err)
	}
	ms, err := warehouse.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	recompute := map[string]string{}
	for _, m := range ms {
		if strings.HasSuffix(m.Name, "_short.sql") {
			recompute[strings.TrimSuffix(strings.SplitN(m.Name, "_competition_", 2)[1], "_short.sql")] = m.SQL
		}
	}
	for _, period := range []string{"daily", "monthly"} {
		table := "competition_" + period
		sql, ok := recompute[period]
		if !ok {
			t.Fatalf("no migration recomputes %s", table)
		}
		want := rollupSums(t, conn, table)
		if !strings.Contains(want, "'"+string(tradestat.Procurement)+"',") {
			t.Fatalf("%s: the demo has no %s section", table, tradestat.Procurement)
		}
		// Counts as an earlier rule left them: some groups more, some fewer, one group with
		// no section at all.
		if err := conn.Exec(ctx, `INSERT INTO `+table+` (deal_date, place_code, trade_type, bidders, submission_short)
			SELECT deal_date, place_code, trade_type, bidders, toInt64(modulo(cityHash64(place_code, toString(deal_date), bidders), 5)) - 2
			FROM `+table+` GROUP BY deal_date, place_code, trade_type, bidders`); err != nil {
			t.Fatal(err)
		}
		if err := conn.Exec(ctx, `INSERT INTO `+table+` (deal_date, place_code, trade_type, bidders, submission_short)
			SELECT toDate('2030-01-01'), '530502', ?, toInt16(3), toInt64(4)`, string(tradestat.Procurement)); err != nil {
			t.Fatal(err)
		}
		if got := rollupSums(t, conn, table); got == want {
			t.Fatalf("%s: the counts were not disturbed", table)
		}
		if err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
		if got := rollupSums(t, conn, table); got != want {
			t.Errorf("%s after the migration:\n%.2000s\nwant\n%.2000s", table, got, want)
		}
		rows := func() (n uint64) {
			if err := conn.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := rows()
		if err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
		if after := rows(); after != before {
			t.Errorf("%s: run again, the migration added %d rows", table, after-before)
		}
	}
}

// rollupSums is every group of a competition rollup with its sums, those that are not all 0.
func rollupSums(t *testing.T, conn driver.Conn, table string) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), `SELECT toString(groupArray(g)) FROM (
		SELECT tuple(deal_date, place_code, trade_type, bidders, sum(sections), sum(failed), sum(remote_known), sum(remote),
			sum(bidders_sum), sum(submission_known), sum(submission_days), sum(submission_short), sum(decision_known),
			sum(decision_days), sum(ceiling_known), sum(ceiling_ratio_bp), sum(at_cap)) AS g
		FROM `+table+` GROUP BY deal_date, place_code, trade_type, bidders
		HAVING sum(sections) != 0 OR sum(submission_short) != 0 OR sum(failed) != 0 OR sum(bidders_sum) != 0
		ORDER BY deal_date, place_code, trade_type, bidders)`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
