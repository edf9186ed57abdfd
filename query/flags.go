package query

import (
	"container/heap"
	"context"
	"fmt"
	"strings"
	"time"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// The red flags of the awarded sections a filter selects (tradestat.Assess): each section's
// facts are read from its lot and its current bid list, the fences of the winning-bid gap from
// every section of the same trade type and year the warehouse holds, and the sections are
// streamed through once, so that a read keeps only the counts and the page it returns,
// whatever the number of sections.

// FlaggedSection is a section with at least one flag raised.
type FlaggedSection struct {
	ProjectCode, LotCode, Name string
	Type                       tradestat.TradeType
	PlaceCode, PlaceName       string
	Day                        tradestat.Date // its opening date, else its completion date
	Amount                     money.Fen
	Bids                       int // bids in its current list (0: no list loaded)
	tradestat.Risk
}

// FlagCount is how many sections a flag applied to and how many it was raised on.
type FlagCount struct {
	Code               tradestat.FlagCode
	Applicable, Raised int64
}

// FlagPage is a page of the flagged sections, most flagged first, with every flag's count over
// all the sections the filter selects.
type FlagPage struct {
	Sections int64 // awarded sections the filter selects
	Flagged  int64 // of which with a flag raised
	WithBids int64 // of which with a bid list
	Counts   []FlagCount
	Page     int
	PageSize int
	Rows     []FlaggedSection
}

// MaxFlagPages bounds the pages of flagged sections a read may ask for: a read keeps the
// sections of every page up to the one it returns.
const MaxFlagPages = 40

// currentBids is the IN condition of the bids of the current lists of the sections sections
// (a SELECT of project_code, lot_code): a list is its section's newest load's.
func currentBids(sections string) string {
	return `(project_code, lot_code, version) GLOBAL IN (SELECT project_code, lot_code, max(version) FROM bids
		WHERE (project_code, lot_code) GLOBAL IN (SELECT project_code, lot_code FROM (` + sections + `)) GROUP BY project_code, lot_code)`
}

// bidFacts is the SELECT of the bid facts of each section of sections with a current list:
// the bids are grouped by price first, so that bids sharing a price are counted, and the
// runner-up is the lowest price among the bids neither winning nor rejected.
func bidFacts(sections string) string {
	return `SELECT project_code, lot_code, sum(c) AS nbids, sumIf(c, price_fen > 0) AS priced,
			sumIf(c, price_fen > 0 AND c > 1) AS identical, sum(won) AS winners, anyIf(price_fen, won > 0) AS win_price,
			minIf(price_fen, eligible > 0 AND price_fen > 0) AS runner_up, sum(c - won) AS others,
			sum(others_off) AS others_off, sum(others_na) AS others_na
		FROM (SELECT project_code, lot_code, price_fen, count() AS c, countIf(winner = 2) AS won,
				countIf(winner != 2 AND valid != 2) AS eligible, countIf(winner != 2 AND valid = 2) AS others_off,
				countIf(winner != 2 AND valid = 0) AS others_na
			FROM bids WHERE ` + currentBids(sections) + `
			GROUP BY project_code, lot_code, price_fen)
		GROUP BY project_code, lot_code`
}

// awardedSections is the SELECT of the awarded sections f selects within r, on their section
// day (the opening date, else the completion date), with their facts from deals.
func awardedSections(f Filter, r division.Region) (string, []any) {
	return awardedWhere(f, r, "", nil)
}

// awardedWhere is awardedSections narrowed further by cond (" AND …" with its arguments).
func awardedWhere(f Filter, r division.Region, cond string, condArgs []any) (string, []any) {
	conds, args := narrowing(f, r)
	conds, args = conds+cond, append(args, condArgs...)
	return `SELECT project_code, lot_code, name, trade_type, place_code, day, amount_fen, ceiling_fen, notice_date,
			deadline_date, bidders, solicitation
		FROM (SELECT project_code, lot_code, name, trade_type, place_code,
				if(open_date > toDate('1970-01-01'), open_date, deal_date) AS day, amount_fen, ceiling_fen, notice_date,
				deadline_date, bidders, solicitation
			FROM deals FINAL WHERE cancelled = 0` + conds + `)
		WHERE day >= toDate(?) AND day <= toDate(?)`, append(args, f.From.String(), f.To.String())
}

// Flags reads the flags of the awarded sections f selects: every flag's count and the page of
// flagged sections (1-based, pageSize each), most flagged first (score, then flags raised,
// then amount).
func (s *Store) Flags(ctx context.Context, f Filter, page, pageSize int) (FlagPage, error) {
	if page < 1 || page > MaxFlagPages || pageSize < 1 || pageSize > MaxPageSize {
		return FlagPage{}, tradestat.Fail(tradestat.Invalid, "page %d of %d rows cannot be read: pages run from 1 to %d, of at most %d rows", page, pageSize, MaxFlagPages, MaxPageSize)
	}
	return cached(ctx, s, fmt.Sprintf("flags %+v %d %d", f, page, pageSize), func(ctx context.Context) (FlagPage, error) {
		done, err := lane(ctx, s.heavy)
		if err != nil {
			return FlagPage{}, fmt.Errorf("flags: %w", err)
		}
		defer done()
		return s.flags(ctx, f, page, pageSize)
	})
}

func (s *Store) flags(ctx context.Context, f Filter, page, pageSize int) (FlagPage, error) {
	out := FlagPage{Page: page, PageSize: pageSize}
	fences, err := s.fences(ctx, f)
	if err != nil {
		return out, err
	}
	sections, args := awardedSections(f, s.region)
	rows, err := s.conn.Query(ctx, sectionFacts(sections), concat(args, args)...)
	if err != nil {
		return out, fmt.Errorf("flags: %w", err)
	}
	defer rows.Close()
	counts := map[tradestat.FlagCode]*FlagCount{}
	for _, c := range tradestat.Flags() {
		counts[c] = &FlagCount{Code: c}
	}
	keep := &flagHeap{}
	limit := page * pageSize
	for rows.Next() {
		sec, facts, year, err := scanSection(rows)
		if err != nil {
			return out, fmt.Errorf("flags: %w", err)
		}
		sec.Risk = tradestat.Assess(facts, fences[fenceKey{facts.Type, year}])
		out.Sections++
		if sec.Bids > 0 {
			out.WithBids++
		}
		for _, c := range sec.Applicable {
			counts[c].Applicable++
		}
		for _, r := range sec.Raised {
			counts[r.Code].Raised++
		}
		if len(sec.Raised) == 0 {
			continue
		}
		out.Flagged++
		heap.Push(keep, sec)
		if keep.Len() > limit {
			heap.Pop(keep)
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("flags: %w", err)
	}
	for _, c := range tradestat.Flags() {
		out.Counts = append(out.Counts, *counts[c])
	}
	ranked := make([]FlaggedSection, keep.Len())
	for i := len(ranked) - 1; i >= 0; i-- {
		ranked[i] = heap.Pop(keep).(FlaggedSection)
	}
	if from := (page - 1) * pageSize; from < len(ranked) {
		out.Rows = ranked[from:]
	}
	for i := range out.Rows {
		out.Rows[i].PlaceName = s.region.NameOf(out.Rows[i].PlaceCode)
	}
	return out, nil
}

// sectionFacts is the SELECT of the facts of each section of sections (awardedSections) that
// scanSection reads: its lot's and its current bid list's.
func sectionFacts(sections string) string {
	return `SELECT project_code, lot_code, name, toString(trade_type), place_code, toString(day), amount_fen,
			ceiling_fen, toInt32(notice_date), toInt32(deadline_date), bidders, solicitation,
			toInt64(nbids), toInt64(priced), toInt64(identical), toInt64(winners), toInt64(win_price), toInt64(runner_up),
			toInt64(others), toInt64(others_off), toInt64(others_na)
		FROM (` + sections + `) AS s ANY LEFT JOIN (` + bidFacts(sections) + `) AS b USING (project_code, lot_code)`
}

// scanSection reads one row of sectionFacts.
func scanSection(rows interface{ Scan(...any) error }) (FlaggedSection, tradestat.SectionFacts, int, error) {
	var sec FlaggedSection
	var facts tradestat.SectionFacts
	var typ, day string
	var amount, ceiling, winPrice, runner int64
	var bidders, notice, deadline int32
	var solicitation uint8
	var nbids, priced, identical, winners, others, off, na int64
	if err := rows.Scan(&sec.ProjectCode, &sec.LotCode, &sec.Name, &typ, &sec.PlaceCode, &day, &amount, &ceiling, &notice, &deadline, &bidders, &solicitation,
		&nbids, &priced, &identical, &winners, &winPrice, &runner, &others, &off, &na); err != nil {
		return sec, facts, 0, err
	}
	sec.Type, sec.Amount, sec.Bids = tradestat.TradeType(typ), money.Fen(amount), int(nbids)
	sec.Day = civilDate(day)
	facts = tradestat.SectionFacts{Type: sec.Type, Solicitation: tradestat.Solicitation(solicitation), Amount: sec.Amount, Ceiling: money.Fen(ceiling),
		Notice: epochDay(notice), Deadline: epochDay(deadline),
		Priced: int(priced), Identical: int(identical), Winners: int(winners), WinPrice: money.Fen(winPrice),
		RunnerUp: money.Fen(runner), Others: int(others), OthersOff: int(off), OthersNA: int(na)}
	switch {
	case nbids > 0:
		facts.Bidders, facts.BiddersKnown = int(nbids), true
	case bidders >= 0:
		facts.Bidders, facts.BiddersKnown = int(bidders), true
	}
	return sec, facts, sec.Day.Year, nil
}

// civilDate reads a Date as ClickHouse writes it; 1970-01-01 is a date not said.
func civilDate(s string) tradestat.Date {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || s == "1970-01-01" {
		return tradestat.Date{}
	}
	return tradestat.DateOf(t)
}

// epochDay is a Date read as its day number (toInt32: days since 1970-01-01, the same on
// every engine, where a Date's text for day 0 is not); day 0 is a date not said.
func epochDay(n int32) tradestat.Date {
	if n == 0 {
		return tradestat.Date{}
	}
	return tradestat.DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

type fenceKey struct {
	t    tradestat.TradeType
	year int
}

// fences reads the fence of every trade type and year the filter's period touches, over every
// awarded section of the warehouse with a winning and a runner-up price: what is usual is
// the country's, not the view's.
func (s *Store) fences(ctx context.Context, f Filter) (map[fenceKey]tradestat.Fence, error) {
	all := Filter{From: tradestat.Date{Year: f.From.Year, Month: 1, Day: 1}, To: tradestat.Date{Year: f.To.Year, Month: 12, Day: 31}, Type: f.Type, Family: f.Family}
	country, err := s.region.Tree().Region(s.region.Tree().Root().Code)
	if err != nil {
		return nil, err
	}
	sections, args := awardedSections(all, country)
	rows, err := s.conn.Query(ctx, `SELECT toString(trade_type), toUInt16(toYear(day)) AS y, count(),
			toInt64(quantileExact(0.25)(gap)), toInt64(quantileExact(0.75)(gap))
		FROM (SELECT project_code, lot_code, intDiv((runner_up - win_price) * 10000, win_price) AS gap
			FROM (`+bidFacts(sections)+`) WHERE winners = 1 AND win_price > 0 AND runner_up > 0) AS g
		ANY INNER JOIN (SELECT project_code, lot_code, trade_type, day FROM (`+sections+`)) AS s USING (project_code, lot_code)
		GROUP BY trade_type, y`, concat(args, args)...)
	if err != nil {
		return nil, fmt.Errorf("flags' fences: %w", err)
	}
	defer rows.Close()
	out := map[fenceKey]tradestat.Fence{}
	for rows.Next() {
		var typ string
		var y uint16
		var n uint64
		var q1, q3 int64
		if err := rows.Scan(&typ, &y, &n, &q1, &q3); err != nil {
			return nil, fmt.Errorf("flags' fences: %w", err)
		}
		out[fenceKey{tradestat.TradeType(typ), int(y)}] = tradestat.Fence{Sections: int(n), Q1: q1, Q3: q3}
	}
	return out, rows.Err()
}

// flagHeap keeps the most flagged sections: its root is the least flagged it holds.
type flagHeap []FlaggedSection

func (h flagHeap) Len() int           { return len(h) }
func (h flagHeap) Less(i, j int) bool { return moreFlagged(h[j], h[i]) }
func (h flagHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *flagHeap) Push(x any)        { *h = append(*h, x.(FlaggedSection)) }
func (h *flagHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// moreFlagged orders flagged sections: higher score, more flags raised, larger amount, then
// their codes.
func moreFlagged(a, b FlaggedSection) bool {
	sa, _ := a.ScoreBP()
	sb, _ := b.ScoreBP()
	switch {
	case sa != sb:
		return sa > sb
	case len(a.Raised) != len(b.Raised):
		return len(a.Raised) > len(b.Raised)
	case a.Amount != b.Amount:
		return a.Amount > b.Amount
	}
	return strings.Compare(a.ProjectCode+"\x00"+a.LotCode, b.ProjectCode+"\x00"+b.LotCode) < 0
}
