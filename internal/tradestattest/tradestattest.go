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
		if l.Cancelled || l.DealDate.Before(f.From) || f.To.Before(l.DealDate) ||
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

// Compete computes the competition figures of the sections f selects in Go, from their
// definitions (docs/competition.md), independently of the SQL: every section, failed or
// not, on its opening day, or its record's day where it has none.
func Compete(r division.Region, lots []tradestat.Lot, f query.Filter) query.Competition {
	var c query.Competition
	area := r.Root()
	if f.Area != "" {
		area, _ = r.Tree().Code(f.Area)
	}
	days := func(from, to tradestat.Date) int { return int(to.Time().Sub(from.Time()).Hours() / 24) }
	for _, l := range lots {
		p := l.Procedure
		day := l.DealDate
		if !p.Opening.IsZero() {
			day = p.Opening
		}
		place, known := r.Tree().Code(l.PlaceCode)
		if day.Before(f.From) || f.To.Before(day) ||
			!known || !place.Within(area) ||
			f.Place != "" && l.PlaceCode != f.Place ||
			f.Level != "" && place.CentreLevel() != f.Level ||
			f.Family != "" && l.Type.Family() != f.Family ||
			f.Type != "" && l.Type != f.Type {
			continue
		}
		c.Sections++
		if l.Cancelled {
			c.Failed++
		}
		if p.Remote != tradestat.RemoteUnknown {
			c.RemoteKnown++
		}
		if p.Remote == tradestat.RemoteYes {
			c.Remote++
		}
		if n, ok := p.Competitors(); ok {
			c.ByCompetitors[min(n, query.MaxCompetitors)]++
			c.BiddersSum += int64(n)
		}
		if !p.Notice.IsZero() && !p.Deadline.IsZero() {
			if d := days(p.Notice, p.Deadline); d >= 1 && d <= 365 {
				c.SubmissionKnown++
				c.SubmissionDays += int64(d)
				if least, ok := tradestat.MinSubmissionDays()[l.Type]; ok && d < least {
					c.SubmissionShort++
				}
			}
		}
		if l.Cancelled {
			continue
		}
		if !p.Opening.IsZero() {
			if d := days(p.Opening, l.DealDate); d >= 1 && d <= 365 {
				c.DecisionKnown++
				c.DecisionDays += int64(d)
			}
		}
		if p.Ceiling > 0 && l.Amount > 0 && l.Amount <= p.Ceiling {
			c.CeilingKnown++
			c.CeilingRatioBP += int64(l.Amount * 10000 / p.Ceiling)
			if l.Amount*100 >= p.Ceiling*98 {
				c.AtCap++
			}
		}
	}
	return c
}
