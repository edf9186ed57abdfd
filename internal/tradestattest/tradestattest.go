// Package tradestattest holds small helpers shared by the tests of several packages.
package tradestattest

import (
	"fmt"
	"testing"

	"tradestat"
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

// Sum adds up, in Go and independently of any SQL, the lots that f selects: the reference the
// query layer's figures are checked against.
func Sum(lots []tradestat.Lot, f query.Filter) query.Totals {
	var t query.Totals
	for _, l := range lots {
		if l.DealDate.Before(f.From) || f.To.Before(l.DealDate) ||
			f.Place != "" && l.PlaceCode != f.Place ||
			f.Level != "" && tradestat.Level(l.PlaceCode) != f.Level ||
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
