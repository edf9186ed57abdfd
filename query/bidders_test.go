package query_test

import (
	"cmp"
	"context"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"testing"

	"tradestat"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/internal/chtest"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/query"
)

// TestBiddersEqualTheirDefinition: a bidder's bids, wins and amounts won, and the winners'
// concentration, read through SQL, equal those computed in Go from the demo's lots and bid
// lists; the bidders' wins add up to the sections won. The concentration is read from the
// winners rollups, then, with a month marked stale and its rollup rows made wrong, from the
// bid lists: a stale month is never read from the rollups.
func TestBiddersEqualTheirDefinition(t *testing.T) {
	conn, store := loadDemoConn(t)
	ctx := context.Background()
	region := division.MustRegion("530500")
	years, err := demo.Dataset(region)
	if err != nil {
		t.Fatal(err)
	}
	lots := map[string]tradestat.Lot{}
	var bids []tradestat.Bid
	for _, y := range years {
		for _, l := range y.Lots {
			lots[l.ProjectCode+"|"+l.LotCode] = l
		}
		bids = append(bids, y.Bids...)
	}
	county := tradestattest.Year(t, 2021)
	county.Area = "530581"
	filters := []query.Filter{tradestattest.Year(t, 2021), county, tradestattest.Period(t, "2019-01-01", "2023-12-31"),
		tradestattest.Period(t, "2021-03-15", "2021-08-20")}
	for pass := range 2 {
		if pass == 1 {
			for _, q := range []string{`INSERT INTO winners_monthly (deal_date, place_code, trade_type, winner_key, winner_code, winner_name, wins, won_fen)
				SELECT toDate('2021-05-01'), '530581', '工程建设', '名称:无此公司', '', '无此公司', toInt64(1000), toInt64(1)`,
				`INSERT INTO winners_daily (deal_date, place_code, trade_type, winner_key, winner_code, winner_name, wins, won_fen)
				SELECT toDate('2021-05-20'), '530581', '工程建设', '名称:无此公司', '', '无此公司', toInt64(1000), toInt64(1)`,
				`INSERT INTO winners_yearly (deal_date, place_code, trade_type, winner_key, winner_code, winner_name, wins, won_fen)
				SELECT toDate('2021-01-01'), '530581', '工程建设', '名称:无此公司', '', '无此公司', toInt64(1000), toInt64(1)`,
				"INSERT INTO winners_stale (month, marked, done) SELECT toDate('2021-05-01'), toUInt64(1000000), toUInt8(0)"} {
				if err := conn.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			store = query.New(conn, region)
		}
		for _, f := range filters {
			selected := func(l tradestat.Lot) bool {
				day := l.DealDate
				if !l.Procedure.Opening.IsZero() {
					day = l.Procedure.Opening
				}
				area := region.Root()
				if f.Area != "" {
					area, _ = region.Tree().Code(f.Area)
				}
				p, ok := region.Tree().Code(l.PlaceCode)
				return ok && p.Within(area) && !day.Before(f.From) && !f.To.Before(day)
			}
			type tally struct {
				bids, wins int64
				won        money.Fen
			}
			by := map[string]*tally{}
			bidOn := map[string]bool{} // bidder key and section
			for _, b := range bids {
				l, ok := lots[b.ProjectCode+"|"+b.LotCode]
				if !ok || !selected(l) {
					continue
				}
				bidOn[b.BidderKey()+"|"+b.ProjectCode+"|"+b.LotCode] = true
				if by[b.BidderKey()] == nil {
					by[b.BidderKey()] = &tally{}
				}
				by[b.BidderKey()].bids++
				if b.Winner == tradestat.AwardWon {
					by[b.BidderKey()].wins++
					by[b.BidderKey()].won += l.Amount
				}
			}
			// The awards by the definition: each completed section whose list marks one winner,
			// with its buyer; each buyer's awards, and each winner's by buyer.
			type award struct {
				sections int64
				amount   money.Fen
			}
			marked := map[string][]string{} // section: the keys of its bids marked won
			for _, b := range bids {
				l, ok := lots[b.ProjectCode+"|"+b.LotCode]
				if ok && selected(l) && !l.Cancelled && b.Winner == tradestat.AwardWon {
					marked[b.ProjectCode+"|"+b.LotCode] = append(marked[b.ProjectCode+"|"+b.LotCode], b.BidderKey())
				}
			}
			buyerAwards, wonFrom := map[string]award{}, map[string]map[string]award{}
			for id, ks := range marked {
				if len(ks) != 1 {
					continue
				}
				l := lots[id]
				add := func(m map[string]award) {
					a := m[l.Procedure.Buyer]
					m[l.Procedure.Buyer] = award{a.sections + 1, a.amount + l.Amount}
				}
				add(buyerAwards)
				if wonFrom[ks[0]] == nil {
					wonFrom[ks[0]] = map[string]award{}
				}
				add(wonFrom[ks[0]])
			}
			var keys []string
			var sections, winning int64
			var amount money.Fen
			for k, v := range by {
				keys = append(keys, k)
				sections += v.wins
				amount += v.won
				if v.wins > 0 {
					winning++
				}
			}
			sort.Slice(keys, func(i, j int) bool {
				return by[keys[i]].won > by[keys[j]].won || by[keys[i]].won == by[keys[j]].won && keys[i] < keys[j]
			})
			if len(keys) == 0 {
				t.Fatalf("%+v: the demo has no bidder", f)
			}
			for _, k := range keys[:3] {
				got, err := store.Bidder(ctx, f, k)
				if err != nil {
					t.Fatal(err)
				}
				w := by[k]
				if got.Bids != w.bids || got.Wins != w.wins || got.Won != w.won || got.Name == "" {
					t.Errorf("%+v: bidder %s: %d bids, %d wins, %s won; want %d, %d, %s", f, k, got.Bids, got.Wins, got.Won.Yuan(), w.bids, w.wins, w.won.Yuan())
				}
				if rate, ok := got.WinRate(); !ok || !near(rate, 100*float64(w.wins)/float64(w.bids)) {
					t.Errorf("%+v: bidder %s: win rate %s%% of %d wins in %d bids", f, k, rate, w.wins, w.bids)
				}
				if want := min(w.bids, query.RecentSections); int64(len(got.Recent)) != want {
					t.Errorf("%+v: bidder %s: %d recent sections, want %d", f, k, len(got.Recent), want)
				}
				for i, r := range got.Recent {
					if !bidOn[k+"|"+r.ProjectCode+"|"+r.LotCode] || i > 0 && got.Recent[i-1].Day.Before(r.Day) {
						t.Errorf("%+v: bidder %s: recent section %d %s %s %s: not one it bid for, or not after the one before", f, k, i, r.ProjectCode, r.LotCode, r.Day)
					}
				}
				var sum query.BidderPlace
				for _, p := range got.Places {
					sum.Bids, sum.Wins, sum.Won = sum.Bids+p.Bids, sum.Wins+p.Wins, sum.Won+p.Won
				}
				if sum.Bids != got.Bids || sum.Wins != got.Wins || sum.Won != got.Won {
					t.Errorf("%+v: bidder %s: its places add up to %+v", f, k, sum)
				}
				var want []query.BidderBuyer
				for name, a := range wonFrom[k] {
					if name != "" {
						all := buyerAwards[name]
						want = append(want, query.BidderBuyer{Name: name, Wins: a.sections, Won: a.amount, Sections: all.sections, Amount: all.amount})
					}
				}
				slices.SortFunc(want, func(a, b query.BidderBuyer) int {
					return cmp.Or(cmp.Compare(b.Won, a.Won), cmp.Compare(b.Wins, a.Wins), cmp.Compare(a.Name, b.Name))
				})
				if len(want) > query.TopBuyers {
					want = want[:query.TopBuyers]
				}
				if len(want) == 0 || !slices.Equal(got.Buyers, want) || got.UnnamedWins != wonFrom[k][""].sections {
					t.Errorf("%+v: bidder %s: buyers %+v, %d wins naming none;\nwant %+v, %d", f, k, got.Buyers, got.UnnamedWins, want, wonFrom[k][""].sections)
				}
				for _, b := range got.Buyers {
					if share, ok := b.Share(); !ok || !near(share, 100*float64(b.Won)/float64(b.Amount)) || b.Won > b.Amount {
						t.Errorf("%+v: bidder %s: share %s%% of %s's awards", f, k, share, b.Name)
					}
				}
			}
			con, err := store.Concentration(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			// The winners by the definition, of the sections marking one winner that keep
			// selects: their count, those with two wins or more, and the largest.
			sameWinners := func(what string, con query.Concentration, keep func(tradestat.Lot) bool) {
				t.Helper()
				won := map[string]query.Winner{}
				for id, ks := range marked {
					if len(ks) == 1 && keep(lots[id]) {
						w := won[ks[0]]
						w.Key, w.Wins, w.Won = ks[0], w.Wins+1, w.Won+lots[id].Amount
						won[ks[0]] = w
					}
				}
				largest := slices.SortedFunc(maps.Values(won), func(a, b query.Winner) int {
					return cmp.Or(cmp.Compare(b.Won, a.Won), cmp.Compare(b.Wins, a.Wins), cmp.Compare(a.Key, b.Key))
				})
				repeat := int64(0)
				for _, w := range won {
					if w.Wins >= 2 {
						repeat++
					}
				}
				largest = largest[:min(len(largest), query.TopWinners)]
				gotLargest := make([]query.Winner, len(con.Top))
				for i, w := range con.Top {
					gotLargest[i] = query.Winner{Key: w.Key, Wins: w.Wins, Won: w.Won}
				}
				if con.Winners != int64(len(won)) || con.Repeat != repeat || !slices.Equal(gotLargest, largest) {
					t.Errorf("%+v: %s: %d winners, %d of them twice or more, largest %+v;\nwant %d, %d, %+v", f, what, con.Winners, con.Repeat, gotLargest, len(won), repeat, largest)
				}
			}
			sameWinners("concentration", con, func(tradestat.Lot) bool { return true })
			// The largest buyers' awards, and one no section names.
			buyers := slices.SortedFunc(maps.Keys(buyerAwards), func(a, b string) int {
				return cmp.Or(cmp.Compare(buyerAwards[b].amount, buyerAwards[a].amount), cmp.Compare(a, b))
			})
			named := slices.DeleteFunc(buyers, func(b string) bool { return b == "" })
			for _, name := range append(named[:min(len(named), 3)], "no such buyer") {
				got, err := store.BuyerConcentration(ctx, f, " "+name+" ")
				if err != nil {
					t.Fatal(err)
				}
				if a := buyerAwards[name]; got.Sections != a.sections || got.Amount != a.amount {
					t.Errorf("%+v: buyer %s: %d sections, %s awarded; want %d, %s", f, name, got.Sections, got.Amount.Yuan(), a.sections, a.amount.Yuan())
				}
				sameWinners("buyer "+name, got, func(l tradestat.Lot) bool { return l.Procedure.Buyer == name })
			}
			if con.Sections != sections || con.Amount != amount || con.Winners != winning || len(con.Top) == 0 || con.Top[0].Key != keys[0] {
				t.Errorf("%+v: concentration %d sections, %s, %d winners, top %+v; want %d, %s, %d, %s", f, con.Sections, con.Amount.Yuan(), con.Winners, con.Top[:1], sections, amount.Yuan(), winning, keys[0])
			}
			if share, ok := con.ShareOf(con.Top5); !ok || !near(share, 100*float64(con.Top5)/float64(con.Amount)) {
				t.Errorf("%+v: the five largest winners' share %s%% of %s in %s", f, share, con.Top5.Yuan(), con.Amount.Yuan())
			}
			for _, w := range con.Top {
				if w.Name == "" || (tradestat.Bid{BidderCode: w.Code, BidderName: w.Name}).BidderKey() != w.Key {
					t.Errorf("%+v: winner %s is named %q, code %q", f, w.Key, w.Name, w.Code)
				}
			}
			if con.Top10 > con.Amount || con.Top5 > con.Top10 {
				t.Errorf("%+v: the largest winners' shares exceed the whole: %+v", f, con)
			}
		}
	}
	// A county's account sees the bidder's bids of its county alone, as the county's filter
	// selects them for the city's.
	tc := store.For(division.MustRegion("530581"))
	for _, b := range bids[:50] {
		if b.BidderCode == "" {
			continue
		}
		got, err := tc.Bidder(ctx, tradestattest.Year(t, 2021), b.BidderCode)
		if err != nil {
			t.Fatal(err)
		}
		want, err := store.Bidder(ctx, county, b.BidderCode)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bids != want.Bids || got.Won != want.Won {
			t.Errorf("bidder %s as 腾冲市 sees %d bids, %s won; the city's view of 腾冲市 %d, %s", b.BidderCode, got.Bids, got.Won.Yuan(), want.Bids, want.Won.Yuan())
		}
		for _, p := range got.Places {
			if p.PlaceCode != "530581" {
				t.Errorf("bidder %s as 腾冲市 sees its bids at %s", b.BidderCode, p.PlaceCode)
			}
		}
	}
	// And a buyer's awards in its county alone, whichever county the buyer's sections are in.
	seen, outside := map[string]bool{}, 0
	for _, l := range lots {
		name := l.Procedure.Buyer
		if name == "" || seen[name] || l.DealDate.Year != 2021 {
			continue
		}
		seen[name] = true
		got, err := tc.BuyerConcentration(ctx, tradestattest.Year(t, 2021), name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := store.BuyerConcentration(ctx, county, name)
		if err != nil {
			t.Fatal(err)
		}
		if got.Sections != want.Sections || got.Amount != want.Amount || got.Winners != want.Winners {
			t.Errorf("buyer %s as 腾冲市: %d sections, %s, %d winners; the city's view of 腾冲市 %d, %s, %d", name, got.Sections, got.Amount.Yuan(), got.Winners, want.Sections, want.Amount.Yuan(), want.Winners)
		}
		if l.PlaceCode != "530581" {
			outside++
		}
	}
	if outside == 0 || len(seen) == outside {
		t.Errorf("of %d buyers, %d have sections outside 腾冲市: the check tests too little", len(seen), outside)
	}
	if _, err := store.BuyerConcentration(ctx, county, " "); tradestat.KindOf(err) != tradestat.Invalid {
		t.Errorf("a blank buyer: %v", err)
	}
	if _, err := store.Bidder(ctx, tradestattest.Year(t, 2021), "91350100M000100Y44"); tradestat.KindOf(err) != tradestat.Invalid {
		t.Errorf("a mistyped credit code: %v", err)
	}
}

// near says whether a percentage written with two decimals is the value v rounded.
func near(written string, v float64) bool {
	got, err := strconv.ParseFloat(written, 64)
	return err == nil && math.Abs(got-v) <= 0.005+1e-9
}

// TestLargestWinnersTiedAtTheLastPlace: the rollups' winners are grouped by number on the
// server, yet winners tied at the last place kept are chosen by key, as a read of the bid
// lists chooses them, whatever their numbers; the totals count every winner.
func TestLargestWinnersTiedAtTheLastPlace(t *testing.T) {
	conn, _ := chtest.Open(t)
	ctx := context.Background()
	// Eight winners of 10 down to 3 sections, 100.00 yuan a section, then fifty of one section
	// of 1.00 yuan, numbered against the order of their keys: in May's rows and in the year's,
	// read by a period of months and by the whole year.
	for _, table := range []struct{ name, day string }{{"winners_monthly", "2021-05-01"}, {"winners_yearly", "2021-01-01"}} {
		if err := conn.Exec(ctx, `INSERT INTO `+table.name+` (deal_date, place_code, winner_id, winner_key, winner_code, winner_name, wins, won_fen)
			SELECT toDate(?), '530502', 100 - number, concat('K', toString(number + 10)), '', concat('N', toString(number + 10)),
				toInt64(if(number < 8, 10 - number, 1)), toInt64(if(number < 8, 10000 * (10 - number), 100))
			FROM system.numbers LIMIT 58`, table.day); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []query.Filter{tradestattest.Period(t, "2021-04-01", "2021-06-30"), tradestattest.Year(t, 2021)} {
		got, err := query.New(conn, division.MustRegion("530500")).Concentration(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, w := range got.Top {
			keys = append(keys, w.Key)
		}
		want := []string{"K10", "K11", "K12", "K13", "K14", "K15", "K16", "K17", "K18", "K19"}
		if !slices.Equal(keys, want) || got.Top[9].Name != "N19" {
			t.Errorf("%s to %s: largest winners %v, want %v", f.From, f.To, keys, want)
		}
		if got.Winners != 58 || got.Repeat != 8 || got.Sections != 102 || got.Amount != 525000 || got.Top10 != 520200 || got.Top5 != 400000 {
			t.Errorf("%s to %s: winners %d, repeat %d, sections %d, amount %d, top 10 %d, top 5 %d; want 58, 8, 102, 525000, 520200, 400000",
				f.From, f.To, got.Winners, got.Repeat, got.Sections, got.Amount, got.Top10, got.Top5)
		}
	}
}
