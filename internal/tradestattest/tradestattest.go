// Package tradestattest holds small helpers shared by the tests of several packages.
package tradestattest

import (
	"fmt"
	"sort"
	"testing"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
	"tradestat/query"
)

// Date reads a date a test's table gives (2021-06-18); "" is no date.
func Date(t testing.TB, s string) tradestat.Date {
	t.Helper()
	if s == "" {
		return tradestat.Date{}
	}
	d, err := tradestat.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

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
				if least, ok := tradestat.MinSubmission(l.Type, p.Solicitation); ok && d < least.Days {
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

// FlagCounts are the flags of the completed sections f selects, computed in Go from the lots
// and the bid lists (each section's list: the bids naming it), independently of the SQL: how
// many sections, how many flagged, each flag's applicable and raised counts, and the flagged
// sections most flagged first (as query.Flags orders them).
type FlagCounts struct {
	Sections, Flagged, WithBids int64
	Counts                      map[tradestat.FlagCode][2]int64
	Ranked                      []query.FlaggedSection
}

// Flag computes FlagCounts: facts of each section from its lot and its bids, the fences of
// every trade type and year over all the completed sections given with a winning and a
// runner-up price.
func Flag(r division.Region, lots []tradestat.Lot, bids []tradestat.Bid, f query.Filter) FlagCounts {
	lists := map[string][]tradestat.Bid{}
	for _, b := range bids {
		lists[b.ProjectCode+"|"+b.LotCode] = append(lists[b.ProjectCode+"|"+b.LotCode], b)
	}
	type section struct {
		lot   tradestat.Lot
		day   tradestat.Date
		facts tradestat.SectionFacts
	}
	var all []section
	gaps := map[string][]int64{}
	key := func(t tradestat.TradeType, y int) string { return fmt.Sprintf("%s %d", t, y) }
	for _, l := range lots {
		if l.Cancelled {
			continue
		}
		s := section{lot: l, day: l.DealDate}
		if !l.Procedure.Opening.IsZero() {
			s.day = l.Procedure.Opening
		}
		ft := tradestat.SectionFacts{Type: l.Type, Solicitation: l.Procedure.Solicitation, Amount: l.Amount, Ceiling: l.Procedure.Ceiling, Notice: l.Procedure.Notice, Deadline: l.Procedure.Deadline}
		list := lists[l.ProjectCode+"|"+l.LotCode]
		prices := map[money.Fen]int{}
		for _, b := range list {
			if b.Price > 0 {
				prices[b.Price]++
				ft.Priced++
			}
		}
		for _, b := range list {
			if b.Price > 0 && prices[b.Price] > 1 {
				ft.Identical++
			}
			if b.Winner == tradestat.AwardWon {
				ft.Winners++
				ft.WinPrice = b.Price
				continue
			}
			ft.Others++
			switch b.Validity {
			case tradestat.BidRejected:
				ft.OthersOff++
				continue
			case tradestat.ValidityUnknown:
				ft.OthersNA++
			}
			if b.Price > 0 && (ft.RunnerUp == 0 || b.Price < ft.RunnerUp) {
				ft.RunnerUp = b.Price
			}
		}
		switch {
		case len(list) > 0:
			ft.Bidders, ft.BiddersKnown = len(list), true
		case l.Procedure.BiddersKnown:
			ft.Bidders, ft.BiddersKnown = l.Procedure.Bidders, true
		}
		s.facts = ft
		if g, ok := ft.GapBP(); ok {
			gaps[key(l.Type, s.day.Year)] = append(gaps[key(l.Type, s.day.Year)], g)
		}
		all = append(all, s)
	}
	out := FlagCounts{Counts: map[tradestat.FlagCode][2]int64{}}
	area := r.Root()
	if f.Area != "" {
		area, _ = r.Tree().Code(f.Area)
	}
	for _, s := range all {
		l := s.lot
		place, known := r.Tree().Code(l.PlaceCode)
		if s.day.Before(f.From) || f.To.Before(s.day) || !known || !place.Within(area) ||
			f.Place != "" && l.PlaceCode != f.Place || f.Level != "" && place.CentreLevel() != f.Level ||
			f.Family != "" && l.Type.Family() != f.Family || f.Type != "" && l.Type != f.Type {
			continue
		}
		risk := tradestat.Assess(s.facts, tradestat.FenceOf(gaps[key(l.Type, s.day.Year)]))
		out.Sections++
		if len(lists[l.ProjectCode+"|"+l.LotCode]) > 0 {
			out.WithBids++
		}
		for _, c := range risk.Applicable {
			n := out.Counts[c]
			n[0]++
			out.Counts[c] = n
		}
		for _, c := range risk.Raised {
			n := out.Counts[c.Code]
			n[1]++
			out.Counts[c.Code] = n
		}
		if len(risk.Raised) > 0 {
			out.Flagged++
			out.Ranked = append(out.Ranked, query.FlaggedSection{ProjectCode: l.ProjectCode, LotCode: l.LotCode, Amount: l.Amount, Risk: risk})
		}
	}
	sort.Slice(out.Ranked, func(i, j int) bool {
		a, b := out.Ranked[i], out.Ranked[j]
		sa, _ := a.ScoreBP()
		sb, _ := b.ScoreBP()
		if sa != sb {
			return sa > sb
		}
		if len(a.Raised) != len(b.Raised) {
			return len(a.Raised) > len(b.Raised)
		}
		if a.Amount != b.Amount {
			return a.Amount > b.Amount
		}
		return a.ProjectCode+"\x00"+a.LotCode < b.ProjectCode+"\x00"+b.LotCode
	})
	return out
}
