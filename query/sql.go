package query

import (
	"strings"

	"tradestat"
	"tradestat/division"
	"tradestat/money"
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
