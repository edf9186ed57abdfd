package commit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"go.yaml.in/yaml/v2"

	"tradestat/division"
	"tradestat/ingest"
	"tradestat/internal/chtest"
	"tradestat/msg"
)

// TestWinnersFollowEveryWrite runs random sequences of lot loads, bid-list loads and
// withdrawals, some of them stopped after their moves (as a kill would stop them) and recovered
// then or by the next writer, over a few sections whose days, places, types, amounts, failures
// and winners change from load to load. After every step each month the rollups do not mark
// stale holds exactly the winners worked out here from the lots and bid lists the database
// holds, by day, month and year (winners_daily, _monthly, _yearly), each winner under its key's
// number; and once a writer has run after a stop, the months stale are exactly those holding a
// number two keys share. The second round numbers the keys so that some share one (modulo 2 of
// the usual number) and must see such months and others.
func TestWinnersFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	stop := errors.New("stopped")
	words := readRandomWords(t)
	withWinners := 0      // steps after which some section had a winner
	var shared, apart int // settled steps of the second round with a month holding a shared number, and with one holding only others
	chosen := 0           // heads checked that kept fewer winners than their years have
	for round := range 3 {
		conn, _ := chtest.Open(t)
		rng := rand.New(rand.NewPCG(uint64(round), 73))
		l := NewLoader(conn, division.MustRegion("530500"))
		if round%2 == 1 {
			l.RefreshSections = 1 // a step a month
		}
		if round == 2 {
			l.HeadWinners = 1 // fewer than the winners, so that the heads choose the largest
		}
		number := winnerNumber
		if round == 1 {
			number = "modulo(" + winnerNumber + ", 2)"
			l.winnerNumber = number
		}
		var done []string // completed loads not withdrawn
		stopped := false
		for step := range 20 {
			l.afterMove, l.betweenMoves = nil, nil
			op := rng.IntN(10)
			if op >= 8 && len(done) == 0 {
				op = 0
			}
			var what string
			var err error
			switch {
			case op < 8:
				bids := op >= 4
				src := randomLots(rng, words, round, step)
				if bids {
					src = randomBids(rng, words, round, step)
				}
				what = src.Name
				switch rng.IntN(6) {
				case 0:
					l.afterMove = func() error { return stop }
					what += " (stopped after its moves)"
				case 1:
					l.betweenMoves = func() error { return stop }
					what += " (stopped after its bids moved)"
				}
				var rep ingest.Report
				rep, err = l.Load(ctx, src, ingest.Options{Lang: msg.English})
				switch {
				case errors.Is(err, stop):
					stopped, err = true, nil
				case err == nil:
					done = append(done, rep.BatchID)
					stopped = false
				}
			default:
				i := rng.IntN(len(done))
				what = "withdrawal of " + done[i]
				_, err = l.Withdraw(ctx, done[i], "test")
				done = slices.Delete(done, i, i+1)
				stopped = false
			}
			if err != nil {
				t.Fatalf("round %d step %d, %s: %v", round, step, what, err)
			}
			if stopped && rng.IntN(2) == 0 {
				if err := l.Recover(ctx); err != nil {
					t.Fatal(err)
				}
				stopped = false
			}
			// A load stopped after its moves was completed by recovery with a record: it
			// can be withdrawn like any other.
			if !stopped {
				done = completedLoads(t, conn)
			}
			got := checkWinners(t, conn, fmt.Sprintf("round %d step %d, after %s", round, step, what), !stopped, number, cmp.Or(l.HeadWinners, DefaultHeadWinners))
			if got.groups > 0 {
				withWinners++
			}
			chosen += got.chosen
			if round == 1 && !stopped {
				shared += min(got.shared, 1)
				apart += min(got.apart, 1)
			}
		}
	}
	if withWinners < 18 {
		t.Errorf("winners in %d steps of 60: the sequences test too little", withWinners)
	}
	if chosen < 3 {
		t.Errorf("%d heads checked kept fewer winners than their years have: the third round tests too little", chosen)
	}
	if shared < 3 || apart < 3 {
		t.Errorf("of the second round's settled steps, %d had a month holding a shared number and %d one holding others alone: the round tests too little", shared, apart)
	}
}

// completedLoads are the loads with a record that were not withdrawn, in the order of their
// files' names: load IDs are random, and a sequence's withdrawals must not depend on them.
func completedLoads(t *testing.T, conn driver.Conn) []string {
	t.Helper()
	out, err := stringsOf(context.Background(), conn, `SELECT batch_id FROM ingest_batches
		WHERE batch_id GLOBAL NOT IN (SELECT batch_id FROM batch_withdrawals) ORDER BY file_name`)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// winnerPlaces are the places of the random loads' sections (six projects of two sections each).
var winnerPlaces = []string{"530581", "530502"}

// randomWords are the words the random files are written in (testdata/winners/words.yaml).
type randomWords struct {
	LotHeader string   `yaml:"lot_header"`
	BidHeader string   `yaml:"bid_header"`
	LotName   string   `yaml:"lot_name"`
	Types     []string `yaml:"types"`
	Completed string   `yaml:"completed"`
	Failed    string   `yaml:"failed"`
	Yes       string   `yaml:"yes"`
	No        string   `yaml:"no"`
	Firms     []struct {
		Name string `yaml:"name"`
		Code string `yaml:"code"`
	} `yaml:"firms"`
}

func readRandomWords(t *testing.T) randomWords {
	t.Helper()
	data, err := os.ReadFile("testdata/winners/words.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var w randomWords
	if err := yaml.UnmarshalStrict(data, &w); err != nil {
		t.Fatal(err)
	}
	if len(w.Types) == 0 || len(w.Firms) == 0 {
		t.Fatal("testdata/winners/words.yaml names no trade type or no firm")
	}
	return w
}

func randomSection(rng *rand.Rand) (string, string) {
	return fmt.Sprintf("P%d", 1+rng.IntN(6)), fmt.Sprintf("%02d", 1+rng.IntN(2))
}

// randomDay is a day of March to May 2021 or of December 2021, some of them near a month's end,
// so that a section completed a few days later falls in the next month, and in the next year
// from December.
func randomDay(rng *rand.Rand) time.Time {
	return time.Date(2021, time.Month([]int{3, 4, 5, 12}[rng.IntN(4)]), []int{1, 15, 28, 30}[rng.IntN(4)], 0, 0, 0, 0, time.UTC)
}

// randomLots is a file of one to six lots: each at a random place and type, opened on a random
// day (or with no opening date given), completed a few days later for a random amount or failed.
func randomLots(rng *rand.Rand, w randomWords, round, step int) ingest.Source {
	var b strings.Builder
	b.WriteString(w.LotHeader + "\n")
	for range 1 + rng.IntN(6) {
		p, lot := randomSection(rng)
		day := randomDay(rng)
		open, deal := day.Format(time.DateOnly), day.AddDate(0, 0, 5).Format(time.DateOnly)
		if rng.IntN(4) == 0 {
			open = ""
		}
		amount, status := fmt.Sprint(1000+rng.IntN(9000)), w.Completed
		if rng.IntN(5) == 0 {
			amount, status = "", w.Failed
		}
		fmt.Fprintf(&b, "%s,%s,%s%s,%s,%s,%s,%s,%s,%s\n", p, lot, w.LotName, p, w.Types[rng.IntN(len(w.Types))], winnerPlaces[rng.IntN(2)], open, deal, amount, status)
	}
	return ingest.Source{Name: fmt.Sprintf("lots-%d-%d.csv", round, step), Data: []byte(b.String())}
}

// randomBids is a bid list of one to four sections, each with one to four bids marking no
// winner, one, or now and then two.
func randomBids(rng *rand.Rand, w randomWords, round, step int) ingest.Source {
	var b strings.Builder
	b.WriteString(w.BidHeader + "\n")
	for range 1 + rng.IntN(4) {
		p, lot := randomSection(rng)
		winners := []int{0, 1, 1, 1, 2}[rng.IntN(5)]
		for i := range 1 + rng.IntN(4) {
			f := w.Firms[rng.IntN(len(w.Firms))]
			won := w.No
			if i < winners {
				won = w.Yes
			}
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%d,%s,%s\n", p, lot, winnerPlaces[rng.IntN(2)], f.Name, f.Code, 1000+rng.IntN(9000), w.Yes, won)
		}
	}
	return ingest.Source{Name: fmt.Sprintf("bids-%d-%d.csv", round, step), Data: []byte(b.String())}
}

// checked is what checkWinners saw: the groups of days, places, types and winners the lots and
// lists give, the months with winners that hold a number two keys share, and that do not, and
// the years whose heads it checked kept fewer winners than the years have.
type checked struct{ groups, shared, apart, chosen int }

// checkWinners compares the rollups with the winners worked out from deals and bids, in every
// month not marked stale, each winner under its key's number (the SQL number, over a String);
// settled says no writer was left stopped, so that the months stale must be those that hold a
// number two keys share.
func checkWinners(t *testing.T, conn driver.Conn, when string, settled bool, number string, headWinners int) checked {
	t.Helper()
	ctx := context.Background()
	stale, err := stringsOf(ctx, conn, "SELECT toString(month) FROM winners_stale FINAL WHERE done = 0 ORDER BY month")
	if err != nil {
		t.Fatal(err)
	}
	isStale := func(day string) bool { return slices.Contains(stale, day[:8]+"01") }
	yearStale := func(day string) bool { // a year is read from its months while one is stale
		return slices.ContainsFunc(stale, func(m string) bool { return m[:4] == day[:4] })
	}
	numbers := map[string]string{}
	rows, err := conn.Query(ctx, "SELECT bidder_key, toString("+fmt.Sprintf(number, "bidder_key")+") FROM bids GROUP BY bidder_key")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, n string
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		numbers[k] = n
	}
	rows.Close()
	type section struct {
		day, place, typ string
		amount          int64
		cancelled       bool
	}
	sections := map[string]section{}
	rows, err = conn.Query(ctx, `SELECT project_code, lot_code, toString(if(toUInt16(open_date) > 0, open_date, deal_date)),
		place_code, toString(trade_type), amount_fen, cancelled FROM deals FINAL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p, lot string
		var s section
		var c uint8
		if err := rows.Scan(&p, &lot, &s.day, &s.place, &s.typ, &s.amount, &c); err != nil {
			t.Fatal(err)
		}
		s.cancelled = c == 1
		sections[p+"/"+lot] = s
	}
	rows.Close()
	type list struct {
		version uint64
		won     [][2]string // key and key|code|name of each bid marked won
	}
	lists := map[string]list{}
	rows, err = conn.Query(ctx, "SELECT project_code, lot_code, version, bidder_key, bidder_code, bidder_name, winner FROM bids")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p, lot, key, code, name string
		var version uint64
		var winner uint8
		if err := rows.Scan(&p, &lot, &version, &key, &code, &name, &winner); err != nil {
			t.Fatal(err)
		}
		cur := lists[p+"/"+lot]
		if version > cur.version {
			cur = list{version: version}
		}
		if version == cur.version && winner == 2 {
			cur.won = append(cur.won, [2]string{key, numbers[key] + "|" + key + "|" + code + "|" + name})
		}
		lists[p+"/"+lot] = cur
	}
	rows.Close()
	daily, monthly, yearly := map[string][2]int64{}, map[string][2]int64{}, map[string][2]int64{}
	keysOf := map[string]map[string]bool{}    // the keys of each number with a winner
	numbersIn := map[string]map[string]bool{} // the numbers of each month with a winner
	for id, s := range sections {
		w := lists[id].won
		if s.cancelled || len(w) != 1 {
			continue
		}
		month, n := s.day[:8]+"01", numbers[w[0][0]]
		if keysOf[n] == nil {
			keysOf[n] = map[string]bool{}
		}
		if numbersIn[month] == nil {
			numbersIn[month] = map[string]bool{}
		}
		keysOf[n][w[0][0]], numbersIn[month][n] = true, true
		for _, g := range []struct {
			to  map[string][2]int64
			day string
		}{{daily, s.day}, {monthly, month}, {yearly, s.day[:5] + "01-01"}} {
			k := strings.Join([]string{g.day, s.place, s.typ, w[0][1]}, "|")
			v := g.to[k]
			g.to[k] = [2]int64{v[0] + 1, v[1] + s.amount}
		}
	}
	out := checked{groups: len(daily)}
	var sharing []string
	for month, ns := range numbersIn {
		if slices.ContainsFunc(slices.Collect(maps.Keys(ns)), func(n string) bool { return len(keysOf[n]) > 1 }) {
			sharing = append(sharing, month)
			out.shared++
		} else {
			out.apart++
		}
	}
	slices.Sort(sharing)
	if settled && !slices.Equal(stale, sharing) {
		t.Errorf("%s: months %v stale; those holding a number two keys share are %v", when, stale, sharing)
	}
	for _, table := range []struct {
		name  string
		want  map[string][2]int64
		stale func(string) bool
	}{{"winners_daily", daily, isStale}, {"winners_monthly", monthly, isStale}, {"winners_yearly", yearly, yearStale}} {
		got := map[string][2]int64{}
		rows, err := conn.Query(ctx, `SELECT toString(deal_date), place_code, toString(trade_type), toString(winner_id), winner_key, winner_code,
			winner_name, sum(wins) AS w, sum(won_fen) AS a FROM `+table.name+`
			GROUP BY deal_date, place_code, trade_type, winner_id, winner_key, winner_code, winner_name HAVING w != 0 OR a != 0`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k [7]string
			var v [2]int64
			if err := rows.Scan(&k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &k[6], &v[0], &v[1]); err != nil {
				t.Fatal(err)
			}
			got[strings.Join(k[:], "|")] = v
		}
		rows.Close()
		keys := slices.Sorted(maps.Keys(maps.Collect(func(yield func(string, bool) bool) {
			for k := range got {
				yield(k, true)
			}
			for k := range table.want {
				yield(k, true)
			}
		})))
		for _, k := range keys {
			if got[k] != table.want[k] && !table.stale(k) {
				t.Errorf("%s: %s %s holds %v, the lots and lists give %v", when, table.name, k, got[k], table.want[k])
			}
		}
	}
	out.chosen = checkHeads(t, conn, when, yearly, yearStale, headWinners)
	return out
}

// checkHeads checks that each year's head (winners_heads) that no stale month excuses holds
// the year's winners as yearly (the worked-out winners_yearly) gives them, grouped by number:
// their count, those with two wins or more, their wins and amounts, the year's places, and
// its headWinners largest by amount, then wins; and that a year with winners has one once its
// writer settled. It counts the heads checked that kept fewer winners than their years have.
func checkHeads(t *testing.T, conn driver.Conn, when string, yearly map[string][2]int64, yearStale func(string) bool, headWinners int) (chosen int) {
	t.Helper()
	type year struct {
		places  map[string]bool
		numbers map[string][2]int64
	}
	want := map[string]*year{}
	for k, v := range yearly {
		f := strings.Split(k, "|") // day, place, type, number, key, code, name
		y := want[f[0]]
		if y == nil {
			y = &year{map[string]bool{}, map[string][2]int64{}}
			want[f[0]] = y
		}
		y.places[f[1]] = true
		n := y.numbers[f[3]]
		y.numbers[f[3]] = [2]int64{n[0] + v[0], n[1] + v[1]}
	}
	rows, err := conn.Query(context.Background(), `SELECT toString(year), places, winners, repeat, sections, amount_fen,
		arrayMap(x -> toString(x), top_ids), top_wins, top_won FROM winners_heads FINAL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	headed := map[string]bool{}
	for rows.Next() {
		var day string
		var places, ids []string
		var winners, repeat, sections, amount int64
		var wins, won []int64
		if err := rows.Scan(&day, &places, &winners, &repeat, &sections, &amount, &ids, &wins, &won); err != nil {
			t.Fatal(err)
		}
		headed[day] = true
		if yearStale(day) {
			continue
		}
		y := want[day]
		if y == nil {
			y = &year{map[string]bool{}, map[string][2]int64{}}
		}
		var w [4]int64
		for _, n := range y.numbers {
			if n[0] != 0 {
				w[0], w[2], w[3] = w[0]+1, w[2]+n[0], w[3]+n[1]
				if n[0] >= 2 {
					w[1]++
				}
			}
		}
		if got := [4]int64{winners, repeat, sections, amount}; got != w {
			t.Errorf("%s: the head of %s holds winners, repeat, sections, amount %v; the lots and lists give %v", when, day, got, w)
		}
		for p := range y.places {
			if !slices.Contains(places, p) {
				t.Errorf("%s: the head of %s lists places %v, without %s", when, day, places, p)
			}
		}
		if len(ids) != int(min(w[0], int64(headWinners))) || len(wins) != len(ids) || len(won) != len(ids) {
			t.Errorf("%s: the head of %s keeps %d, %d, %d winners of %d (at most %d)", when, day, len(ids), len(wins), len(won), w[0], headWinners)
			continue
		}
		if w[0] > int64(headWinners) {
			chosen++
		}
		least := [2]int64{-1, -1} // the smallest kept, by amount then wins
		for i, id := range ids {
			if got, n := [2]int64{wins[i], won[i]}, y.numbers[id]; got != n {
				t.Errorf("%s: the head of %s keeps winner %s with wins and amount %v; the lots and lists give %v", when, day, id, got, n)
			}
			if least[0] < 0 || won[i] < least[1] || won[i] == least[1] && wins[i] < least[0] {
				least = [2]int64{wins[i], won[i]}
			}
		}
		for id, n := range y.numbers {
			if n[0] != 0 && !slices.Contains(ids, id) && (n[1] > least[1] || n[1] == least[1] && n[0] > least[0]) {
				t.Errorf("%s: the head of %s leaves out winner %s with %v, larger than the least it keeps %v", when, day, id, n, least)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for day, y := range want {
		if !headed[day] && !yearStale(day) && slices.ContainsFunc(slices.Collect(maps.Values(y.numbers)), func(n [2]int64) bool { return n[0] != 0 }) {
			t.Errorf("%s: %s has winners and no head", when, day)
		}
	}
	return chosen
}
