// Package query computes the report figures and lists the lots, and holds all of tradestat's
// reading SQL. No read counts a lot loaded twice, even before ClickHouse has merged its parts:
// the figures come from rollups that hold changes adding up to the current lots (figures_*,
// lots_by_place), and the lots themselves are read with FINAL or from rows known to be
// current. Every bound value goes through client-side parameters in the forms that work on
// 18.16 and current ClickHouse alike: dates as toDate(?) with a YYYY-MM-DD string, never a
// time.Time, which 18.16 compares with a Date column as a DateTime and matches no row, without
// an error.
package query

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
)

// Store answers questions about the loaded lots.
type Store struct {
	conn    driver.Conn
	region  division.Region
	cache   cache
	heavy   chan struct{}                      // a place among the lot lists that read the lots themselves
	exports chan struct{}                      // a place among the lot exports
	observe func(kind string, d time.Duration) // told how long each computation took (metrics)
	// smallList is smallList, but for tests.
	smallList int
	// noCubes has views of some places read by a query each, for tests.
	noCubes bool
	// trust is how long a generation read from ClickHouse is taken as the data's (Trust).
	trust time.Duration
	// scoped: the store is an account's (For), whose audit log and loads are its region's
	// only, where the deployment's store reads them all.
	scoped bool
	// whole is the deployment's store, for an account's: the cubes hold every place's figures
	// whatever the region, and are kept once, in the deployment's cache (an account's views
	// read only its region's places from them).
	whole *Store
}

// An Option configures a Store at construction.
type Option func(*Store)

// Trust has the Store take the data's generation, once read, as current for d before it reads
// it again: a load's figures then show up to d after it finishes (loads are minutes apart at
// most, and the ingest worker is asynchronous anyway), while a server under a hundred
// requests a second asks ClickHouse for the generation once per d, not once per request —
// a read that costs every request a round trip and the server a query. Without it (d = 0)
// every request reads the generation, as tests that load and read at once need.
func Trust(d time.Duration) Option { return func(s *Store) { s.trust = d } }

// Observe has f told how long each read the Store computes takes (a cached result costs
// none), by kind: summary, breakdown, lots, export and so on. Call it before serving.
func (s *Store) Observe(f func(kind string, took time.Duration)) { s.observe = f }

// took reports a computation of kind that started at start.
func (s *Store) took(kind string, start time.Time) {
	if s.observe != nil {
		s.observe(kind, time.Since(start))
	}
}

// heavyReads is how many lot lists not cached run at once, and exportReads how many lot
// exports. They read the lots themselves, which takes tenths of a second to seconds at
// national scale; bounded below the connection pool, they queue here rather than hold every
// connection while the figures, read from the daily table in milliseconds, wait for one.
// Exports have their own lane: one streams as slowly as its client downloads, and must not
// keep the lists waiting.
const (
	heavyReads  = 4
	exportReads = 2
)

// New returns a Store reading the lots of region through conn.
func New(conn driver.Conn, region division.Region, opts ...Option) *Store {
	s := &Store{conn: conn, region: region, heavy: make(chan struct{}, heavyReads), exports: make(chan struct{}, exportReads), smallList: smallList}
	for _, o := range opts {
		o(s)
	}
	return s
}

// For is a store of the same data reading another region (an account's, within the
// deployment's): a result cache of its own, so that no result read for one region ever
// answers another; the same lanes, so that the bound on heavy reads holds for the server.
func (s *Store) For(region division.Region) *Store {
	return &Store{conn: s.conn, region: region, heavy: s.heavy, exports: s.exports, observe: s.observe,
		smallList: s.smallList, noCubes: s.noCubes, trust: s.trust, scoped: true, whole: s.wholeStore()}
}

// wholeStore is the deployment's store: s itself, or the one s was made from.
func (s *Store) wholeStore() *Store {
	if s.whole != nil {
		return s.whole
	}
	return s
}

// Region is the region the store reads.
func (s *Store) Region() division.Region { return s.region }

// lane waits for a place in the lane l; done gives it back.
func lane(ctx context.Context, l chan struct{}) (done func(), err error) {
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Filter selects lots; it belongs to the domain, which reads it from a view's parameters.
type Filter = tradestat.Filter

// where renders the filter as a WHERE clause with its bound arguments. The area, place and
// level become the list of trading places they admit within the region, each code bound.
func where(f Filter, r division.Region) (string, []any) {
	conds, args := narrowing(f, r)
	return "WHERE deal_date >= toDate(?) AND deal_date <= toDate(?)" + conds, append([]any{f.From.String(), f.To.String()}, args...)
}

// narrowing is the filter's conditions beyond its period, each after " AND ".
func narrowing(f Filter, r division.Region) (string, []any) {
	var conds []string
	var args []any
	if codes, all := f.Places(r); !all {
		if len(codes) == 0 {
			conds = append(conds, "0")
		} else {
			conds = append(conds, "place_code IN ("+strings.Repeat("?, ", len(codes)-1)+"?)")
			for _, c := range codes {
				args = append(args, c)
			}
		}
	}
	if f.Family != "" {
		in, inArgs := inTypes(familyTypes(f.Family))
		conds, args = append(conds, in), append(args, inArgs...)
	}
	if f.Type != "" {
		conds, args = append(conds, "trade_type = ?"), append(args, string(f.Type))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(conds, " AND "), args
}

// figureColumns are the columns figures reads from figures_daily, figures_monthly and
// figures_yearly.
const figureColumns = `deal_date, place_code, trade_type, lots, amount_fen, savings_fen, premium_fen, online,
	budget_fen, reserve_fen, no_budget, no_reserve`

// figures is the FROM clause of a read of the pre-aggregated figures of the filter: the whole
// years of its period from figures_yearly (unless the read groups by month), the other whole
// months from figures_monthly, and the days of a partial month at either end from
// figures_daily. A year read alone is one table's rows; a year, a month or a quarter never
// touches the days. All three hold changes that add up (SummingMergeTree, migrations 021,
// 024 and 027), so they are read without FINAL, which at a province's or the country's scale
// costs ten times the read itself. deal_date keeps its meaning in each (a month's rows are
// dated on its first day, a year's on 1 January), so years group the same whichever table a
// row came from, and months the same between the days and the months.
func figures(f Filter, r division.Region, byMonth bool) (string, []any) {
	type span struct{ from, to tradestat.Date }
	var daily, monthly, yearly []span
	first := f.From // the first whole month starts on it
	if first.Day != 1 {
		first = tradestat.Date{Year: f.From.Year, Month: f.From.Month, Day: 1}.AddMonths(1)
	}
	last := f.To // the last whole month ends on it
	if last.Day != tradestat.DaysIn(last.Year, last.Month) {
		last = tradestat.Date{Year: f.To.Year, Month: f.To.Month, Day: 1}.AddDays(-1)
	}
	monthOf := func(d tradestat.Date) tradestat.Date { return tradestat.Date{Year: d.Year, Month: d.Month, Day: 1} }
	switch {
	case last.Before(first): // no whole month: the days alone
		daily = append(daily, span{f.From, f.To})
	default:
		if f.From.Before(first) {
			daily = append(daily, span{f.From, first.AddDays(-1)})
		}
		if last.Before(f.To) {
			daily = append(daily, span{last.AddDays(1), f.To})
		}
		firstYear, lastYear := first.Year, last.Year // the whole years
		if first.Month != 1 {
			firstYear++
		}
		if last.Month != 12 {
			lastYear--
		}
		if byMonth || firstYear > lastYear {
			monthly = append(monthly, span{first, monthOf(last)})
			break
		}
		yearly = append(yearly, span{tradestat.Date{Year: firstYear, Month: 1, Day: 1}, tradestat.Date{Year: lastYear, Month: 1, Day: 1}})
		if first.Year < firstYear {
			monthly = append(monthly, span{first, tradestat.Date{Year: first.Year, Month: 12, Day: 1}})
		}
		if last.Year > lastYear {
			monthly = append(monthly, span{tradestat.Date{Year: last.Year, Month: 1, Day: 1}, monthOf(last)})
		}
	}
	conds, cargs := narrowing(f, r)
	var selects []string
	var args []any
	for _, t := range []struct {
		table string
		spans []span
	}{{"figures_yearly", yearly}, {"figures_monthly", monthly}, {"figures_daily", daily}} {
		if len(t.spans) == 0 {
			continue
		}
		ranges := make([]string, len(t.spans))
		for i, sp := range t.spans {
			ranges[i] = "deal_date >= toDate(?) AND deal_date <= toDate(?)"
			args = append(args, sp.from.String(), sp.to.String())
		}
		selects = append(selects, "SELECT "+figureColumns+" FROM "+t.table+" WHERE ("+strings.Join(ranges, " OR ")+")"+conds)
		args = append(args, cargs...)
	}
	return "(" + strings.Join(selects, " UNION ALL ") + ")", args
}

// Totals are the five report figures of a set of lots, and the bases of their rates.
type Totals struct {
	Projects int64
	Amount   money.Fen
	Savings  money.Fen
	Premium  money.Fen
	Online   int64

	// SavingsBase is the budget of the lots that have savings (tender-type lots with a
	// budget): 节约率 = Savings / SavingsBase. PremiumBase is the reserve price of the lots
	// that have a premium (auction-type lots with a reserve): 增值率 = Premium / PremiumBase.
	// TenderLots counts tender-type lots, the ones an online opening applies to.
	SavingsBase money.Fen
	PremiumBase money.Fen
	TenderLots  int64

	// NoBudget counts the tender-type lots without a budget or ceiling price, which Savings
	// cannot include; NoReserve the auction-type lots without a reserve price, which Premium
	// cannot include. A figure shown while either is not zero says so.
	NoBudget  int64
	NoReserve int64
}

// Add returns the sum of two Totals.
func (t Totals) Add(u Totals) Totals {
	return Totals{t.Projects + u.Projects, t.Amount + u.Amount, t.Savings + u.Savings, t.Premium + u.Premium,
		t.Online + u.Online, t.SavingsBase + u.SavingsBase, t.PremiumBase + u.PremiumBase, t.TenderLots + u.TenderLots,
		t.NoBudget + u.NoBudget, t.NoReserve + u.NoReserve}
}

// Five is the five report figures alone, without the rate bases.
func (t Totals) Five() Totals {
	return Totals{Projects: t.Projects, Amount: t.Amount, Savings: t.Savings, Premium: t.Premium, Online: t.Online}
}

// SavingsRate is 节约率 in percent with two decimals ("3.19"); ok is false without a base.
func (t Totals) SavingsRate() (string, bool) {
	return money.Percent(int64(t.Savings), int64(t.SavingsBase))
}

// PremiumRate is 增值率 in percent with two decimals; ok is false without a base.
func (t Totals) PremiumRate() (string, bool) {
	return money.Percent(int64(t.Premium), int64(t.PremiumBase))
}

// OnlineRate is the share of tender-type lots opened online, in percent with two decimals.
func (t Totals) OnlineRate() (string, bool) { return money.Percent(t.Online, t.TenderLots) }

// totalsColumns are the aggregates scanTotals reads from deals, the lots themselves;
// dailyTotalsColumns the same from the pre-aggregated figures (figures: figures_monthly and figures_daily),
// which the panels read so that they never scan the lots. Counts are Int64 in both, as the
// rollups' are (they add up signed changes). Each comes with its bound values: the kind of a
// trade type is the domain's rule, given to the server as the type names of each kind.
func totalsColumns() (string, []any) {
	tender, targs := inTypes(tradestat.TypeNames(tradestat.Tender))
	auction, aargs := inTypes(tradestat.TypeNames(tradestat.Auction))
	return `toInt64(count()), sum(amount_fen), sum(savings_fen), sum(premium_fen), toInt64(sum(online)),
	sumIf(budget_fen, budget_fen != 0 AND ` + tender + `),
	sumIf(reserve_fen, reserve_fen != 0 AND ` + auction + `),
	toInt64(countIf(` + tender + `)),
	toInt64(countIf(budget_fen = 0 AND ` + tender + `)),
	toInt64(countIf(reserve_fen = 0 AND ` + auction + `))`, concat(targs, aargs, targs, targs, aargs)
}

func dailyTotalsColumns() (string, []any) {
	tender, targs := inTypes(tradestat.TypeNames(tradestat.Tender))
	return `sum(lots), sum(amount_fen), sum(savings_fen), sum(premium_fen), sum(online),
	sum(budget_fen), sum(reserve_fen), sumIf(lots, ` + tender + `), sum(no_budget), sum(no_reserve)`, targs
}

// inTypes is "trade_type IN (?, …)" for the type names, with their bound values: the server
// compares the Enum8 column with each name, where has(?, toString(trade_type)) turned every
// row's type into a string first (twice the cost of a year's figures at a country's scale).
func inTypes(names []string) (string, []any) {
	if len(names) == 0 {
		return "0", nil
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	return "trade_type IN (" + strings.Repeat("?, ", len(names)-1) + "?)", args
}

func concat(lists ...[]any) []any {
	var out []any
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// scanTotals reads the totalsColumns, in their order, after dest.
func scanTotals(row interface{ Scan(...any) error }, dest ...any) (Totals, error) {
	var t Totals
	var amount, sav, prem, sb, pb int64
	if err := row.Scan(append(dest, &t.Projects, &amount, &sav, &prem, &t.Online, &sb, &pb, &t.TenderLots, &t.NoBudget, &t.NoReserve)...); err != nil {
		return t, err
	}
	t.Amount, t.Savings, t.Premium, t.SavingsBase, t.PremiumBase = money.Fen(amount), money.Fen(sav), money.Fen(prem), money.Fen(sb), money.Fen(pb)
	return t, nil
}

// Summary is the five figures of the lots the filter selects.
func (s *Store) Summary(ctx context.Context, f Filter) (Totals, error) {
	if s.viewed(f) {
		v, err := s.placesView(ctx, f)
		return v.total, err
	}
	return cached(ctx, s, fmt.Sprintf("summary %+v", f), func(ctx context.Context) (Totals, error) {
		from, args := figures(f, s.region, false)
		cols, cargs := dailyTotalsColumns()
		row := s.conn.QueryRow(ctx, "SELECT "+cols+" FROM "+from, concat(cargs, args)...)
		t, err := scanTotals(row)
		if err != nil {
			return t, fmt.Errorf("summary: %w", err)
		}
		return t, nil
	})
}

// Dimension is what a breakdown groups by.
type Dimension string

// The dimensions of a breakdown.
const (
	ByYear   Dimension = "year"
	ByMonth  Dimension = "month"
	ByPlace  Dimension = "place"
	ByArea   Dimension = "area"
	ByLevel  Dimension = "level"
	ByType   Dimension = "type"
	ByFamily Dimension = "family"
)

// ParseDimension accepts the name of a dimension.
func ParseDimension(s string) (Dimension, error) {
	for _, d := range []Dimension{ByYear, ByMonth, ByPlace, ByArea, ByLevel, ByType, ByFamily} {
		if string(d) == s {
			return d, nil
		}
	}
	return "", fmt.Errorf("unknown breakdown %q (want year, month, place, area, level, type or family)", s)
}

// keyExpr is the SQL expression a dimension groups by; only these fixed expressions are
// ever put into SQL text. Areas and levels are groups of trading places: the server groups
// by place, and rollUp adds the places up by the division tree.
func (d Dimension) keyExpr() (string, []any) {
	switch d {
	case ByYear:
		return "toString(toYear(deal_date))", nil
	case ByMonth:
		return "toString(toYYYYMM(deal_date))", nil
	case ByPlace, ByArea, ByLevel:
		return "place_code", nil
	case ByType:
		return "toString(trade_type)", nil
	}
	types, families := familyTable()
	return "transform(toString(trade_type), ?, ?, '')", []any{types, families}
}

// rollUp adds the totals of each trading place up to the dimension's keys: for ByArea the
// area's direct subdivision the place lies in (or the area's own code, for its own centre),
// for ByLevel the place's centre level. A place the tree does not know keeps its code, so no
// lot is dropped.
func (d Dimension) rollUp(area *division.Division, tree *division.Tree, byPlace map[string]Totals) map[string]Totals {
	if d != ByArea && d != ByLevel {
		return byPlace
	}
	out := map[string]Totals{}
	for code, t := range byPlace {
		key := code
		if p, ok := tree.Code(code); ok {
			switch {
			case d == ByLevel && p.CentreLevel() != "":
				key = p.CentreLevel()
			case d == ByArea && p.Within(area) && p != area:
				for p.Parent != area {
					p = p.Parent
				}
				key = p.Code
			}
		}
		out[key] = out[key].Add(t)
	}
	return out
}

// familyTable lists every trade type beside its family. The family is not stored: it follows
// from the type by the domain's rule, given to the server as two bound arrays.
func familyTable() (types, families []string) {
	for _, t := range tradestat.TradeTypes() {
		types, families = append(types, string(t)), append(families, string(t.Family()))
	}
	return types, families
}

// familyTypes lists the trade types of a family.
func familyTypes(f tradestat.Family) []string {
	var types []string
	for _, t := range tradestat.TradeTypes() {
		if t.Family() == f {
			types = append(types, string(t))
		}
	}
	return types
}

// Row is one group of a breakdown.
type Row struct {
	Key  string // year "2021", month "2021-03", place code, level, type or family name
	Name string // how reports name the key: 2021年, 2021年3月, 腾冲市, …
	Totals
}

// Breakdown groups the filtered lots by d. Every key the dimension can take within the filter
// is listed, with zeros where no lot is, in the order reports list them, so that charts and
// tables keep their shape; the rows add up to the Summary of the same filter.
func (s *Store) Breakdown(ctx context.Context, f Filter, d Dimension) ([]Row, Totals, error) {
	type result struct {
		rows  []Row
		total Totals
	}
	if s.viewed(f) { // from the cached placesView, in microseconds
		return s.breakdown(ctx, f, d)
	}
	r, err := cached(ctx, s, fmt.Sprintf("breakdown %s %+v", d, f), func(ctx context.Context) (result, error) {
		rows, total, err := s.breakdown(ctx, f, d)
		return result{rows, total}, err
	})
	// The rows are shared with the cache: callers get their own copy to sort or change.
	return append([]Row(nil), r.rows...), r.total, err
}

func (s *Store) breakdown(ctx context.Context, f Filter, d Dimension) ([]Row, Totals, error) {
	var got map[string]Totals
	if s.viewed(f) {
		v, err := s.placesView(ctx, f)
		if err != nil {
			return nil, Totals{}, fmt.Errorf("breakdown by %s: %w", d, err)
		}
		got = v.by[d]
	} else {
		key, keyArgs := d.keyExpr()
		from, args := figures(f, s.region, d == ByMonth)
		cols, cargs := dailyTotalsColumns()
		rows, err := s.conn.Query(ctx, "SELECT "+key+" AS k, "+cols+" FROM "+from+" GROUP BY k", concat(keyArgs, cargs, args)...)
		if err != nil {
			return nil, Totals{}, fmt.Errorf("breakdown by %s: %w", d, err)
		}
		defer rows.Close()
		got = map[string]Totals{}
		for rows.Next() {
			var k string
			t, err := scanTotals(rows, &k)
			if err != nil {
				return nil, Totals{}, fmt.Errorf("breakdown by %s: %w", d, err)
			}
			got[monthKey(d, k)] = t
		}
		if err := rows.Err(); err != nil {
			return nil, Totals{}, fmt.Errorf("breakdown by %s: %w", d, err)
		}
	}
	return s.rows(f, d, got)
}

// rows is the breakdown of f by d from the totals of each of d's keys (of each place, for
// the dimensions that roll places up), in d's order, with their total.
func (s *Store) rows(f Filter, d Dimension, got map[string]Totals) ([]Row, Totals, error) {
	area, err := s.region.Area(f.Area)
	if err != nil {
		return nil, Totals{}, fmt.Errorf("breakdown by %s: %w", d, err)
	}
	got = d.rollUp(area, s.region.Tree(), got)
	var out []Row
	var total Totals
	for _, k := range d.keys(f, area, got) {
		r := Row{Key: k, Name: d.name(k, area, s.region.Tree()), Totals: got[k]}
		total = total.Add(r.Totals)
		out = append(out, r)
	}
	return out, total, nil
}

// monthKey is a breakdown key as the server gives it, with a month's 202103 written 2021-03.
func monthKey(d Dimension, k string) string {
	if d == ByMonth && len(k) == 6 {
		return k[:4] + "-" + k[4:]
	}
	return k
}

// placesView is a filter's figures by month × trading place × type, added up: its summary and
// the groups of every breakdown, before they are rolled up and listed. A filter of some places
// (a county, a city, a province) is the long tail of what people open, so most of its views
// are read cold; one view instead of one read per panel takes a page of a dozen panels from
// seven reads to none over whole months (the cubes) and to one otherwise. The rows number at
// most months × places × types, which is bounded for such a filter; the region's own views
// keep one read per breakdown, which groups on the server.
type placesView struct {
	total Totals
	by    map[Dimension]map[string]Totals // shared with the cache: read, never change
}

// viewed tells whether f's figures are read through placesView: a filter of some of the
// region's places over whole months of a few years (from the cubes, once they are read), or
// within one calendar year (by one read of its own), as an overview or a wall display shows
// it. Other periods of several years read each breakdown by itself, as the rows by month
// would be many.
func (s *Store) viewed(f Filter) bool {
	return s.someOf(f) && (cubed(f) || f.From.Year == f.To.Year)
}

// someOf tells whether f admits only some of the region's trading places (an area below it,
// one place, a level): the long tail of what people open, as opposed to the region's own
// views, which are few and read again and again. The region's own lots may be many
// (a country's, or a city's ten million), so its reads keep the forms that scale with the
// period rather than with the places.
func (s *Store) someOf(f Filter) bool {
	if f.Place != "" || f.Level != "" {
		return true
	}
	area, err := s.region.Area(f.Area)
	return err != nil || area != s.region.Root()
}

func newPlacesView() placesView {
	// Areas and levels are rolled up from the places (rollUp), so the three share a map.
	places := map[string]Totals{}
	return placesView{by: map[Dimension]map[string]Totals{ByYear: {}, ByMonth: {}, ByPlace: places, ByArea: places, ByLevel: places, ByType: {}, ByFamily: {}}}
}

// add counts the figures t of a month (202103), a trading place and a trade type.
func (v *placesView) add(month, place, typ string, t Totals) {
	v.total = v.total.Add(t)
	add := func(d Dimension, k string) { v.by[d][k] = v.by[d][k].Add(t) }
	add(ByYear, month[:4])
	add(ByMonth, monthKey(ByMonth, month))
	add(ByPlace, place) // ByArea and ByLevel share the map
	add(ByType, typ)
	add(ByFamily, string(tradestat.TradeType(typ).Family()))
}

func (s *Store) placesView(ctx context.Context, f Filter) (placesView, error) {
	return cached(ctx, s, fmt.Sprintf(viewKey+"%+v", f), func(ctx context.Context) (placesView, error) {
		if cubed(f) && !s.noCubes {
			cubes, ready, err := s.cubes(ctx, f)
			if err != nil {
				return placesView{}, err
			}
			if ready {
				codes, _ := f.Places(s.region)
				return cubeView(f, codes, cubes), nil
			}
		}
		from, args := figures(f, s.region, true)
		cols, cargs := dailyTotalsColumns()
		rows, err := s.conn.Query(ctx, "SELECT toString(toYYYYMM(deal_date)) AS m, place_code, toString(trade_type) AS t, "+
			cols+" FROM "+from+" GROUP BY m, place_code, t", concat(cargs, args)...)
		if err != nil {
			return placesView{}, fmt.Errorf("figures: %w", err)
		}
		defer rows.Close()
		v := newPlacesView()
		for rows.Next() {
			var month, place, typ string
			t, err := scanTotals(rows, &month, &place, &typ)
			if err != nil {
				return placesView{}, fmt.Errorf("figures: %w", err)
			}
			v.add(month, place, typ, t)
		}
		return v, rows.Err()
	})
}

// keys lists the keys of a breakdown in report order: every year or month of the filter's
// period; for places the area's own and those of its direct subdivisions; for areas the
// area's own centre and the subdivisions that have lots; the levels the area has; the fixed
// domain lists of types and families; and any key found in the data beyond those (a place
// below a county, say), so no lot is ever dropped.
func (d Dimension) keys(f Filter, area *division.Division, got map[string]Totals) []string {
	var keys []string
	switch d {
	case ByYear:
		for y := f.From.Year; y <= f.To.Year; y++ {
			keys = append(keys, fmt.Sprint(y))
		}
	case ByMonth:
		for t := time.Date(f.From.Year, f.From.Month, 1, 0, 0, 0, 0, time.UTC); !t.After(f.To.Time()); t = t.AddDate(0, 1, 0) {
			keys = append(keys, t.Format("2006-01"))
		}
	case ByPlace:
		if area.Level != division.Nation {
			keys = append(keys, area.Code)
		}
		for _, c := range area.Children {
			keys = append(keys, c.Code)
		}
	case ByArea:
		if _, own := got[area.Code]; own || area.Level != division.Nation {
			keys = append(keys, area.Code)
		}
		for _, c := range area.Children {
			if _, ok := got[c.Code]; ok {
				keys = append(keys, c.Code)
			}
		}
	case ByLevel:
		keys = area.LevelsBelow()
	case ByType:
		for _, t := range tradestat.TradeTypes() {
			keys = append(keys, string(t))
		}
	case ByFamily:
		for _, fam := range tradestat.Families() {
			keys = append(keys, string(fam))
		}
	}
	listed := map[string]bool{}
	for _, k := range keys {
		listed[k] = true
	}
	var extra []string
	for k := range got {
		if !listed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return append(keys, extra...)
}

// name is how reports write a key: 2021年, 2021年3月, 腾冲市; an area's own centre as
// 保山市本级.
func (d Dimension) name(key string, area *division.Division, tree *division.Tree) string {
	switch d {
	case ByYear:
		return key + "年"
	case ByMonth:
		if t, err := time.Parse("2006-01", key); err == nil {
			return fmt.Sprintf("%d年%d月", t.Year(), t.Month())
		}
	case ByArea:
		if key == area.Code {
			return area.OwnCentre()
		}
		fallthrough
	case ByPlace:
		if p, ok := tree.Code(key); ok {
			return p.Name
		}
	}
	return key
}

// Extent is the first and last completion date in the data; ok is false when there are no lots.
func (s *Store) Extent(ctx context.Context) (from, to tradestat.Date, ok bool, err error) {
	type extent struct {
		from, to tradestat.Date
		ok       bool
	}
	e, err := cached(ctx, s, "extent", func(ctx context.Context) (extent, error) {
		// The first and last months with lots from figures_monthly, then their first and last days
		// from those months' rows of figures_daily alone.
		var e extent
		var n uint64
		var lo, hi string
		row := s.conn.QueryRow(ctx, `SELECT count(), toString(min(deal_date)), toString(max(deal_date))
			FROM (SELECT deal_date, sum(lots) AS n FROM figures_monthly GROUP BY deal_date HAVING n != 0)`)
		if err := row.Scan(&n, &lo, &hi); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		if n == 0 {
			return e, nil
		}
		row = s.conn.QueryRow(ctx, `SELECT toString(minIf(deal_date, deal_date < toDate(?) + 31)), toString(maxIf(deal_date, deal_date >= toDate(?)))
			FROM (SELECT deal_date, sum(lots) AS n FROM figures_daily
				WHERE deal_date >= toDate(?) AND deal_date < toDate(?) + 31 OR deal_date >= toDate(?) GROUP BY deal_date HAVING n != 0)`, lo, hi, lo, lo, hi)
		if err := row.Scan(&lo, &hi); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		var err error
		if e.from, err = tradestat.ParseDate(lo); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		if e.to, err = tradestat.ParseDate(hi); err != nil {
			return e, fmt.Errorf("data extent: %w", err)
		}
		e.ok = true
		return e, nil
	})
	return e.from, e.to, e.ok, err
}

// Period is the period a view without one shows: all the data there is, or today when
// there is none yet.
func (s *Store) Period(ctx context.Context) (from, to tradestat.Date, err error) {
	from, to, ok, err := s.Extent(ctx)
	if err != nil || ok {
		return from, to, err
	}
	today := tradestat.DateOf(time.Now().In(tradestat.Shanghai))
	return today, today, nil
}

// Freshness says how current the data is: the latest completion date and the last load.
type Freshness struct {
	LatestDeal tradestat.Date // zero when there are no lots; filled from Extent by callers that have it
	LastLoad   time.Time      // zero when nothing was ever loaded
	Demo       bool           // some loaded file is the synthetic demo dataset
}

// LoadInfo reads when data was last loaded and whether it includes the demo dataset. Every
// page shows it, and it changes only with the data's generation, so it is cached like the
// figures: one read per load rather than one per page.
func (s *Store) LoadInfo(ctx context.Context) (Freshness, error) {
	return cached(ctx, s, "loadinfo", func(ctx context.Context) (Freshness, error) {
		var fr Freshness
		var n, demo uint64
		var last time.Time
		row := s.conn.QueryRow(ctx, "SELECT count(), max(finished_at), sum(demo) FROM ingest_batches")
		if err := row.Scan(&n, &last, &demo); err != nil {
			return fr, fmt.Errorf("load info: %w", err)
		}
		if n > 0 {
			fr.LastLoad, fr.Demo = last.In(tradestat.Shanghai), demo > 0
		}
		return fr, nil
	})
}
