package commit_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/commit"
	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/msg"
)

// currentBids are the bids each section's newest list holds, one line each.
func currentBids(t *testing.T, conn driver.Conn) string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT project_code, lot_code, bidder_key, price_fen, valid, winner FROM bids
		WHERE (project_code, lot_code, version) IN (SELECT project_code, lot_code, max(version) FROM bids GROUP BY project_code, lot_code)
		ORDER BY project_code, lot_code, bidder_key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p, l, k string
		var price int64
		var valid, winner uint8
		if err := rows.Scan(&p, &l, &k, &price, &valid, &winner); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s/%s %s %d v%d w%d", p, l, k, price, valid, winner))
	}
	return strings.Join(out, "\n")
}

// TestBidLists loads bid lists beside lots: each load is accounted (lots and bids), a list
// replaces its section's list whole, loading a list again changes nothing, a county cannot
// write the bids of another county's section, and withdrawing a load gives each section the
// list it had before.
func TestBidLists(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	city := commit.NewLoader(conn, division.MustRegion("530500"))
	county := city.For(division.MustRegion("530581"))
	load := func(l *commit.Loader, file string) ingest.Report {
		t.Helper()
		rep, err := l.LoadFile(ctx, "testdata/bids/"+file, ingest.Options{Lang: msg.English})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !rep.Balanced() {
			t.Fatalf("%s: the account does not add up: %s", file, rep)
		}
		return rep
	}
	if rep := load(city, "lots.csv"); rep.Loaded != 2 || rep.Bids != 0 {
		t.Fatalf("lots: %s, %d bids", rep, rep.Bids)
	}
	listA := "P1/01 91350100M000100Y43 100500000 v1 w2\nP1/01 名称:丙公司 105000000 v2 w1\nP1/01 名称:乙公司 101000000 v1 w1\nP9/01 名称:丁公司 20000000 v1 w2"
	steps := []struct {
		file                     string
		read, loaded, bids, dups int
		rejected                 int
		want                     string
		note                     string
	}{
		{"list-a.csv", 4, 4, 4, 0, 0, listA, "1 sections"},
		{"list-a.csv", 4, 4, 4, 0, 0, listA, ""},
		{"list-b.csv", 3, 2, 2, 1, 0, "P1/01 名称:乙公司 100900000 v0 w1\nP1/01 名称:甲建设有限公司 100500000 v0 w2\nP9/01 名称:丁公司 20000000 v1 w2", ""},
		{"list-other.csv", 2, 1, 1, 0, 1, "P1/01 名称:甲建设有限公司 100500000 v0 w2\nP9/01 名称:丁公司 20000000 v1 w2", ""},
	}
	var batches []string
	for _, s := range steps {
		rep := load(county, s.file)
		if rep.Read != s.read || rep.Loaded != s.loaded || rep.Bids != s.bids || rep.Duplicates != s.dups || rep.Rejected != s.rejected {
			t.Errorf("%s: %s with %d bids; want read %d, loaded %d, bids %d, duplicates %d, rejected %d", s.file, rep, rep.Bids, s.read, s.loaded, s.bids, s.dups, s.rejected)
		}
		if s.note != "" && !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, s.note) }) {
			t.Errorf("%s: no note saying %q of the sections not loaded: %q", s.file, s.note, rep.Notes)
		}
		if got := currentBids(t, conn); got != s.want {
			t.Errorf("after %s the current bids are\n%s\nwant\n%s", s.file, got, s.want)
		}
		batches = append(batches, rep.BatchID)
	}
	if got := figures(t, conn); got != figuresAfterLots {
		t.Errorf("bid lists changed the lots' figures: %s", got)
	}
	// Another county may not withdraw the county's load.
	if _, err := city.For(division.MustRegion("530502")).Withdraw(ctx, batches[3], "x"); tradestat.KindOf(err) != tradestat.Forbidden {
		t.Errorf("another county withdrew the load: %v", err)
	}
	for i, want := range []string{steps[2].want, listA} {
		w, err := county.Withdraw(ctx, batches[3-i], "clerk")
		if err != nil {
			t.Fatal(err)
		}
		if w.Bids != uint64(steps[3-i].bids) || w.Removed+w.Restored != 0 {
			t.Errorf("withdrawal of %s: %+v", steps[3-i].file, w)
		}
		if got := currentBids(t, conn); got != want {
			t.Errorf("after withdrawing %s the current bids are\n%s\nwant\n%s", steps[3-i].file, got, want)
		}
	}
	if got := figures(t, conn); got != figuresAfterLots {
		t.Errorf("withdrawing bid lists changed the lots' figures: %s", got)
	}
}

// figuresAfterLots are the daily figures of lots.csv.
const figuresAfterLots = "2021-03-29 530581 2 1 100500000\n2021-04-25 530502 2 1 48000000"

func figures(t *testing.T, conn driver.Conn) string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT toString(deal_date), place_code, toString(trade_type) = '工程建设' ? 2 : 0, sum(lots), sum(amount_fen)
		FROM figures_daily GROUP BY deal_date, place_code, trade_type HAVING sum(lots) != 0 ORDER BY deal_date, place_code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d, p string
		var typ uint8
		var lots, amount int64
		if err := rows.Scan(&d, &p, &typ, &lots, &amount); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %d %d %d", d, p, typ, lots, amount))
	}
	return strings.Join(out, "\n")
}
