package query_test

import (
	"context"
	"sort"
	"testing"

	"tradestat"
	"tradestat/demo"
	"tradestat/division"
	"tradestat/internal/tradestattest"
	"tradestat/money"
	"tradestat/query"
)

// TestBiddersEqualTheirDefinition: a bidder's bids, wins and amounts won, and the winners'
// concentration, read through SQL, equal those computed in Go from the demo's lots and bid
// lists; the bidders' wins add up to the sections won.
func TestBiddersEqualTheirDefinition(t *testing.T) {
	store := loadDemo(t)
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
	for _, f := range []query.Filter{tradestattest.Year(t, 2021), county, tradestattest.Period(t, "2019-01-01", "2023-12-31")} {
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
		for _, b := range bids {
			l, ok := lots[b.ProjectCode+"|"+b.LotCode]
			if !ok || !selected(l) {
				continue
			}
			if by[b.BidderKey()] == nil {
				by[b.BidderKey()] = &tally{}
			}
			by[b.BidderKey()].bids++
			if b.Winner == tradestat.AwardWon {
				by[b.BidderKey()].wins++
				by[b.BidderKey()].won += l.Amount
			}
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
			var sum query.BidderPlace
			for _, p := range got.Places {
				sum.Bids, sum.Wins, sum.Won = sum.Bids+p.Bids, sum.Wins+p.Wins, sum.Won+p.Won
			}
			if sum.Bids != got.Bids || sum.Wins != got.Wins || sum.Won != got.Won {
				t.Errorf("%+v: bidder %s: its places add up to %+v", f, k, sum)
			}
		}
		con, err := store.Concentration(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if con.Sections != sections || con.Amount != amount || con.Winners != winning || len(con.Top) == 0 || con.Top[0].Key != keys[0] {
			t.Errorf("%+v: concentration %d sections, %s, %d winners, top %+v; want %d, %s, %d, %s", f, con.Sections, con.Amount.Yuan(), con.Winners, con.Top[:1], sections, amount.Yuan(), winning, keys[0])
		}
		if con.Top10 > con.Amount || con.Top5 > con.Top10 {
			t.Errorf("%+v: the largest winners' shares exceed the whole: %+v", f, con)
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
	if _, err := store.Bidder(ctx, tradestattest.Year(t, 2021), "91350100M000100Y44"); tradestat.KindOf(err) != tradestat.Invalid {
		t.Errorf("a mistyped credit code: %v", err)
	}
}
