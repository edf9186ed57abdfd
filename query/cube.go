package query

import (
	"context"
	"fmt"
	"time"

	"tradestat"
	"tradestat/money"
)

// yearCube is one calendar year's figures of the whole region by trading place, month and
// trade type, held in the server's memory: the figures of any filter of some places over
// whole months (a county's year, a province's quarter, a level's two years) are sums of its
// cells, added up in Go without a query. Such filters are the long tail people open —
// a country has thousands of trading places — so nearly every one of them is read cold, and a
// query to ClickHouse costs milliseconds of its CPU however few rows it reads, where adding a
// county's cells costs microseconds. Its size is bounded by the places and the trade types
// (about 8 KB a place: 26 MB for a country's 3,300 places), not by the lots.
type yearCube map[string][]Totals // place code → cells, month-major: (month-1)*len(types) + type

// cubeKey prefixes the cache keys of the cubes, which have a bound of their own (bounded).
const cubeKey = "cube "

// cubeYears is how many calendar years a period may span to be read from the cubes: a year and
// the year before (the comparisons of a page), up to a four-year trend. Longer periods are
// read by a query each, so that they never push the recent years' cubes out of the cache.
const cubeYears = 4

// cube reads the cube of a year from figures_monthly, once per generation of the data, for
// the deployment's store and the accounts' stores made from it (For) alike. The
// rows are changes that add up (a SummingMergeTree not yet merged may hold several for one
// group), so they are added up here as they come, without a GROUP BY on the server.
func (s *Store) cube(ctx context.Context, year int) (yearCube, error) {
	return cached(ctx, s.wholeStore(), fmt.Sprintf(cubeKey+"%d", year), func(ctx context.Context) (yearCube, error) {
		cubeTypes := tradestat.TradeTypes() // the order of a cube's cells
		typeAt := make(map[string]int, len(cubeTypes))
		for i, t := range cubeTypes {
			typeAt[string(t)] = i
		}
		rows, err := s.conn.Query(ctx, `SELECT toUInt8(toMonth(deal_date)), place_code, toString(trade_type),
			lots, amount_fen, savings_fen, premium_fen, online, budget_fen, reserve_fen, no_budget, no_reserve
			FROM figures_monthly WHERE deal_date >= toDate(?) AND deal_date <= toDate(?)`,
			fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-01", year))
		if err != nil {
			return nil, fmt.Errorf("figures of %d: %w", year, err)
		}
		defer rows.Close()
		c := yearCube{}
		for rows.Next() {
			var month uint8
			var place, typ string
			var t Totals
			var amount, sav, prem, sb, pb int64
			if err := rows.Scan(&month, &place, &typ, &t.Projects, &amount, &sav, &prem, &t.Online, &sb, &pb, &t.NoBudget, &t.NoReserve); err != nil {
				return nil, fmt.Errorf("figures of %d: %w", year, err)
			}
			ti, ok := typeAt[typ]
			if !ok || month < 1 || month > 12 {
				return nil, fmt.Errorf("figures of %d: a row of month %d and trade type %q", year, month, typ)
			}
			t.Amount, t.Savings, t.Premium, t.SavingsBase, t.PremiumBase = money.Fen(amount), money.Fen(sav), money.Fen(prem), money.Fen(sb), money.Fen(pb)
			if cubeTypes[ti].Kind() == tradestat.Tender {
				t.TenderLots = t.Projects
			}
			cells := c[place]
			if cells == nil {
				cells = make([]Totals, 12*len(cubeTypes))
				c[place] = cells
			}
			i := int(month-1)*len(cubeTypes) + ti
			cells[i] = cells[i].Add(t)
		}
		return c, rows.Err()
	})
}

// wholeMonths tells whether f's period begins on the first day of a month and ends on the
// last day of one: the periods cubes hold.
func wholeMonths(f Filter) bool {
	return f.From.Day == 1 && f.To.Day == tradestat.DaysIn(f.To.Year, f.To.Month) && !f.To.Before(f.From)
}

// cubed tells whether f's figures are read from the cubes: whole months of at most cubeYears.
func cubed(f Filter) bool {
	return wholeMonths(f) && f.To.Year-f.From.Year < cubeYears
}

// cubes returns the cubes of f's years when every one of them is in memory, and otherwise
// starts reading the missing ones in the background and reports false: the view at hand is
// read by a query of its own, as fast as before there were cubes, and the views after it
// need none. A server just started, or just after a load, thus answers its first views in
// tens of milliseconds rather than after a read of every place's figures.
func (s *Store) cubes(ctx context.Context, f Filter) ([]yearCube, bool, error) {
	var out []yearCube
	ready := true
	for y := f.From.Year; y <= f.To.Year; y++ {
		c, ok, err := stored[yearCube](ctx, s.wholeStore(), fmt.Sprintf(cubeKey+"%d", y))
		if err != nil {
			return nil, false, err
		}
		if !ok {
			ready = false
			// One read however many ask (cached); an error shows on the next ask.
			go s.cube(context.WithoutCancel(ctx), y)
		}
		out = append(out, c)
	}
	return out, ready, nil
}

// cubeView is the placesView of a filter of some places over whole months, from the cubes of
// its years (cubes).
func cubeView(f Filter, codes []string, cubes []yearCube) placesView {
	v := newPlacesView()
	cubeTypes := tradestat.TradeTypes() // the order of a cube's cells
	var types []int                     // the cells' trade types the filter admits
	for i, t := range cubeTypes {
		if (f.Type == "" || t == f.Type) && (f.Family == "" || t.Family() == f.Family) {
			types = append(types, i)
		}
	}
	for i, c := range cubes {
		y := f.From.Year + i
		first, last := time.January, time.December
		if y == f.From.Year {
			first = f.From.Month
		}
		if y == f.To.Year {
			last = f.To.Month
		}
		for _, place := range codes {
			cells := c[place]
			if cells == nil {
				continue
			}
			for m := first; m <= last; m++ {
				month := fmt.Sprintf("%04d%02d", y, m)
				for _, ti := range types {
					if t := cells[int(m-1)*len(cubeTypes)+ti]; t != (Totals{}) {
						v.add(month, place, string(cubeTypes[ti]), t)
					}
				}
			}
		}
	}
	return v
}
