// Package tradestattest holds small helpers shared by the tests of several packages.
package tradestattest

import (
	"fmt"
	"testing"

	"tradestat"
	"tradestat/division"
	"tradestat/query"
)

// Year is the filter for one calendar year.
func Year(t testing.TB, y int) query.Filter {
	t.Helper()
	return Period(t, fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y))
}

// Period is the filter for [from, to], given as YYYY-MM-DD.
func Period(t testing.TB, from, to string) query.Filter {
	t.Helper()
	f, err := tradestat.ParseDate(from)
	if err != nil {
		t.Fatal(err)
	}
	e, err := tradestat.ParseDate(to)
	if err != nil {
		t.Fatal(err)
	}
	return query.Filter{From: f, To: e}
}

// Region is the region of a code, for tests.
func Region(t testing.TB, code string) division.Region {
	t.Helper()
	tree, err := division.China()
	if err != nil {
		t.Fatal(err)
	}
	r, err := tree.Region(code)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Sum adds up, in Go and independently of any SQL, the lots of region r that f selects: the
// reference the query layer's figures are checked against. Areas and levels are read off the
// division tree, place by place.
func Sum(r division.Region, lots []tradestat.Lot, f query.Filter) query.Totals {
	var t query.Totals
	area := r.Root()
	if f.Area != "" {
		area, _ = r.Tree().Code(f.Area)
	}
	for _, l := range lots {
		place, known := r.Tree().Code(l.PlaceCode)
		if l.DealDate.Before(f.From) || f.To.Before(l.DealDate) ||
			!known || !place.Within(area) ||
			f.Place != "" && l.PlaceCode != f.Place ||
			f.Level != "" && place.CentreLevel() != f.Level ||
			f.Family != "" && l.Type.Family() != f.Family ||
			f.Type != "" && l.Type != f.Type {
			continue
		}
		t.Projects++
		t.Amount += l.Amount
		t.Savings += l.Savings()
		t.Premium += l.Premium()
		if l.Online {
			t.Online++
		}
		if l.Type.Kind() == tradestat.Tender && l.Budget != 0 {
			t.SavingsBase += l.Budget
		}
		if l.Type.Kind() == tradestat.Auction && l.Reserve != 0 {
			t.PremiumBase += l.Reserve
		}
		if l.Type.Kind() == tradestat.Tender {
			t.TenderLots++
		}
	}
	return t
}
