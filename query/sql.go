package query

import (
	"strings"

	"tradestat"
	"tradestat/division"
)

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
	return rollupRead(f, r, rollupTables{"figures_yearly", "figures_monthly", "figures_daily", figureColumns}, byMonth)
}

// rollupTables are a rollup's tables by year, month and day, and the columns a read takes
// from them. A rollup without a table by year ("") reads whole years from its months.
type rollupTables struct {
	yearly, monthly, daily, columns string
}

// rollupRead is the FROM clause of a read of a rollup's rows of the filter (figures).
func rollupRead(f Filter, r division.Region, tables rollupTables, byMonth bool) (string, []any) {
	byMonth = byMonth || tables.yearly == ""
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
	}{{tables.yearly, yearly}, {tables.monthly, monthly}, {tables.daily, daily}} {
		if len(t.spans) == 0 {
			continue
		}
		ranges := make([]string, len(t.spans))
		for i, sp := range t.spans {
			ranges[i] = "deal_date >= toDate(?) AND deal_date <= toDate(?)"
			args = append(args, sp.from.String(), sp.to.String())
		}
		selects = append(selects, "SELECT "+tables.columns+" FROM "+t.table+" WHERE ("+strings.Join(ranges, " OR ")+")"+conds)
		args = append(args, cargs...)
	}
	return "(" + strings.Join(selects, " UNION ALL ") + ")", args
}

// totalsColumn is one field of Totals and the aggregates that compute it: from the lots
// themselves (deals) and from the pre-aggregated figures (figures_monthly, figures_daily),
// which the panels read so that they never scan the lots. Every read of Totals selects these
// columns, each named by its field, and scans them from this one list, so that no figure can
// be read into another's place. In an aggregate, {tender} and {auction} stand for the trade
// types of a kind — the domain's rule — given to the server as bound values.
type totalsColumn struct {
	name         string
	lots, rollup string
	of           func(*Totals) *int64
}

// totalsList is every field of Totals (TestTotalsAddsEveryField fails on one missing). Counts
// are Int64 in both, as the rollups' are: they add up signed changes.
var totalsList = []totalsColumn{
	{"projects", "toInt64(count())", "sum(lots)", func(t *Totals) *int64 { return &t.Projects }},
	{"amount", "sum(amount_fen)", "sum(amount_fen)", func(t *Totals) *int64 { return (*int64)(&t.Amount) }},
	{"savings", "sum(savings_fen)", "sum(savings_fen)", func(t *Totals) *int64 { return (*int64)(&t.Savings) }},
	{"premium", "sum(premium_fen)", "sum(premium_fen)", func(t *Totals) *int64 { return (*int64)(&t.Premium) }},
	{"online", "toInt64(sum(online))", "sum(online)", func(t *Totals) *int64 { return &t.Online }},
	{"savings_base", "sumIf(budget_fen, budget_fen != 0 AND {tender})", "sum(budget_fen)", func(t *Totals) *int64 { return (*int64)(&t.SavingsBase) }},
	{"premium_base", "sumIf(reserve_fen, reserve_fen != 0 AND {auction})", "sum(reserve_fen)", func(t *Totals) *int64 { return (*int64)(&t.PremiumBase) }},
	{"tender_lots", "toInt64(countIf({tender}))", "sumIf(lots, {tender})", func(t *Totals) *int64 { return &t.TenderLots }},
	{"no_budget", "toInt64(countIf(budget_fen = 0 AND {tender}))", "sum(no_budget)", func(t *Totals) *int64 { return &t.NoBudget }},
	{"no_reserve", "toInt64(countIf(reserve_fen = 0 AND {auction}))", "sum(no_reserve)", func(t *Totals) *int64 { return &t.NoReserve }},
}

// totalsColumns are the aggregates scanTotals reads, from the lots themselves, with their
// bound values.
func totalsColumns() (string, []any) {
	return totalsSelect(func(c totalsColumn) string { return c.lots })
}

// dailyTotalsColumns are the same from the pre-aggregated figures.
func dailyTotalsColumns() (string, []any) {
	return totalsSelect(func(c totalsColumn) string { return c.rollup })
}

// totalsSelect is the select list of totalsList's aggregates and the values bound in them,
// in order. Each is named total_ and its name: an alias that is also a column's name (online,
// no_budget) would stand for the aggregate inside it, an aggregate of an aggregate.
func totalsSelect(expr func(totalsColumn) string) (string, []any) {
	tender, targs := inTypes(tradestat.TypeNames(tradestat.Tender))
	auction, aargs := inTypes(tradestat.TypeNames(tradestat.Auction))
	var cols []string
	var args []any
	for _, c := range totalsList {
		e := expr(c)
		for {
			i, j := strings.Index(e, "{tender}"), strings.Index(e, "{auction}")
			switch {
			case i >= 0 && (j < 0 || i < j):
				e = e[:i] + tender + e[i+len("{tender}"):]
				args = append(args, targs...)
				continue
			case j >= 0:
				e = e[:j] + auction + e[j+len("{auction}"):]
				args = append(args, aargs...)
				continue
			}
			break
		}
		cols = append(cols, e+" AS total_"+c.name)
	}
	return strings.Join(cols, ",\n\t"), args
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

// scanTotals reads the columns of totalsList after dest: each into its field.
func scanTotals(row interface{ Scan(...any) error }, dest ...any) (Totals, error) {
	var t Totals
	dest = dest[:len(dest):len(dest)] // the caller's slice is never written
	for _, c := range totalsList {
		dest = append(dest, c.of(&t))
	}
	return t, row.Scan(dest...)
}
