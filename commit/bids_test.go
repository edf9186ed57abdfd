package commit_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
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

// TestGatherInSteps loads random bid lists, with duplicates and sections no load has given,
// gathering them in steps of every size from one bid up: each size keeps the same bids (the
// file's last row of each section and bidder, as worked out here), with the same account and
// the same note of sections not loaded.
func TestGatherInSteps(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 31))
	for round := range 3 {
		file := filepath.Join(t.TempDir(), "list.csv")
		var b strings.Builder
		b.WriteString("项目编号,标段编号,交易地点,投标人名称,投标报价（元）,是否有效,是否中标\n")
		last := map[string]string{} // section and bidder → the line currentBids gives
		sections := map[string]bool{}
		rows := 20 + rng.IntN(60)
		for range rows {
			p, lot, name := fmt.Sprintf("P%d", 1+rng.IntN(6)), fmt.Sprintf("%02d", 1+rng.IntN(2)), fmt.Sprintf("公司%d", rng.IntN(5))
			price, valid := 1000+rng.IntN(100), rng.IntN(2)
			won := valid * rng.IntN(2) // a rejected bid marked won is refused: a file's error
			yes := func(v int) string { return map[int]string{0: "否", 1: "是"}[v] }
			fmt.Fprintf(&b, "%s,%s,腾冲市,%s,%d,%s,%s\n", p, lot, name, price, yes(valid), yes(won))
			last[p+"/"+lot+" 名称:"+name] = fmt.Sprintf("%s/%s 名称:%s %d v%d w%d", p, lot, name, price*100, 2-valid, 1+won)
			sections[p+"/"+lot] = true
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		keys := slices.Sorted(maps.Keys(last))
		want := make([]string, len(keys))
		for i, k := range keys {
			want[i] = last[k]
		}
		orphans := len(sections)
		for _, s := range []string{"P1/01", "P2/01"} {
			if sections[s] {
				orphans--
			}
		}
		for _, size := range []int{1, 2, 7, 0} {
			conn, _ := chtest.Open(t)
			l := commit.NewLoader(conn, division.MustRegion("530500"))
			l.GatherRows = size
			if _, err := l.LoadFile(ctx, "testdata/bids/lots.csv", ingest.Options{Lang: msg.English}); err != nil {
				t.Fatal(err)
			}
			rep, err := l.LoadFile(ctx, file, ingest.Options{Lang: msg.English})
			if err != nil {
				t.Fatalf("round %d, steps of %d bids: %v", round, size, err)
			}
			if rep.Read != rows || rep.Bids != len(want) || rep.Loaded != len(want) || rep.Duplicates != rows-len(want) || !rep.Balanced() {
				t.Errorf("round %d, steps of %d bids: %s with %d bids; want %d read, %d bids", round, size, rep, rep.Bids, rows, len(want))
			}
			note := fmt.Sprintf("the bids of %d sections name a section no load has given yet", orphans)
			if has := slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, note) }); has != (orphans > 0) {
				t.Errorf("round %d, steps of %d bids: notes %q; want %q", round, size, rep.Notes, note)
			}
			if got := currentBids(t, conn); got != strings.Join(want, "\n") {
				t.Errorf("round %d, steps of %d bids: the current bids are\n%s\nwant\n%s", round, size, got, strings.Join(want, "\n"))
			}
		}
	}
}
