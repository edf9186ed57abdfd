package query

import (
	"context"
	"fmt"
	"sort"
	"time"

	"tradestat"
	"tradestat/division"
)

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
	return "", tradestat.Fail(tradestat.Invalid, "unknown breakdown %q (want year, month, place, area, level, type or family)", s)
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
func rollUp[T summable[T]](d Dimension, area *division.Division, tree *division.Tree, byPlace map[string]T) map[string]T {
	if d != ByArea && d != ByLevel {
		return byPlace
	}
	out := map[string]T{}
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

// summable are the figures of a set of lots or sections that add up: Totals, Competition.
type summable[T any] interface{ Add(T) T }

// group is one key of a breakdown, its name and its figures.
type group[T any] struct {
	key, name string
	value     T
}

// rows is the breakdown of f by d from the totals of each of d's keys (of each place, for
// the dimensions that roll places up), in d's order, with their total.
func (s *Store) rows(f Filter, d Dimension, got map[string]Totals) ([]Row, Totals, error) {
	groups, total, err := groupsOf(s, f, d, got)
	var out []Row
	for _, g := range groups {
		out = append(out, Row{Key: g.key, Name: g.name, Totals: g.value})
	}
	return out, total, err
}

// groupsOf lists the figures of each of d's keys (of each place, for the dimensions that
// roll places up) in d's order, named, with their total.
func groupsOf[T summable[T]](s *Store, f Filter, d Dimension, got map[string]T) ([]group[T], T, error) {
	var total T
	area, err := s.region.Area(f.Area)
	if err != nil {
		return nil, total, fmt.Errorf("breakdown by %s: %w", d, err)
	}
	got = rollUp(d, area, s.region.Tree(), got)
	var out []group[T]
	for _, k := range keysOf(d, f, area, got) {
		g := group[T]{key: k, name: d.name(k, area, s.region.Tree()), value: got[k]}
		total = total.Add(g.value)
		out = append(out, g)
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
func keysOf[T any](d Dimension, f Filter, area *division.Division, got map[string]T) []string {
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
