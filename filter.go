package tradestat

import (
	"net/url"
	"strconv"
	"strings"

	"tradestat/division"
	"tradestat/msg"
)

// Filter selects lots: completed within [From, To] (inclusive) and, where set, within an area
// of the region, at one trading place, at one centre level, of one family or trade type.
type Filter struct {
	From, To Date
	Area     string // the code of an area within the region (the lots of it and below); "" is the whole region
	Place    string // one trading place's code: the lots of that centre alone
	Level    string // division.CentreProvince, CentreCity or CentreCounty
	Family   Family
	Type     TradeType
}

// Places lists the trading places whose lots the filter admits within the region r, or says
// with all that it admits every place there is (the whole country, no place, no level), so that
// a reader needs no condition on the place at all.
func (f Filter) Places(r division.Region) (codes []string, all bool) {
	area, err := r.Area(f.Area)
	if err != nil {
		return nil, false // a filter ParseFilter has not read: nothing, rather than more
	}
	if area.Level == division.Nation && f.Place == "" && f.Level == "" {
		return nil, true
	}
	candidates := area.Descendants()
	if f.Place != "" {
		candidates = nil
		if d, ok := r.Tree().Code(f.Place); ok && d.Within(area) {
			candidates = []*division.Division{d}
		}
	}
	for _, d := range candidates {
		if f.Level == "" || d.CentreLevel() == f.Level {
			codes = append(codes, d.Code)
		}
	}
	return codes, false
}

// badFilter is a view parameter that cannot be read: the request's fault (Invalid).
func badFilter(key string, args ...any) error { return Fail(Invalid, key, args...) }

// ViewKeys are the parameters ParseFilter reads.
func ViewKeys() []string {
	return []string{"year", "from", "to", "area", "place", "level", "family", "type"}
}

// ParseFilter reads view parameters (year or from/to, area, place, level, family, type) into
// a filter, each into a typed value checked against the region r; the CLI shares it with the
// pages and the API. Without a period it is the one extent gives: all the data there is. A
// parameter that cannot be read is an Invalid failure; extent's errors come back as they are.
func ParseFilter(params url.Values, r division.Region, extent func() (from, to Date, err error)) (Filter, error) {
	var f Filter
	from, to, year := params.Get("from"), params.Get("to"), params.Get("year")
	switch {
	case year != "" && (from != "" || to != ""):
		return f, badFilter("give either year or from/to, not both")
	case year != "":
		y, err := strconv.Atoi(year)
		if err != nil || y < 1990 || y > 2100 {
			return f, badFilter("year %q: want a year between 1990 and 2100", year)
		}
		f.From, f.To = Date{Year: y, Month: 1, Day: 1}, Date{Year: y, Month: 12, Day: 31}
	default:
		var err error
		if f.From, f.To, err = extent(); err != nil {
			return f, err
		}
		if from != "" {
			if f.From, err = parseDateParam("from", from); err != nil {
				return f, err
			}
		}
		if to != "" {
			if f.To, err = parseDateParam("to", to); err != nil {
				return f, err
			}
		}
		if f.To.Before(f.From) {
			return f, badFilter("from %s is after to %s", f.From.String(), f.To.String())
		}
	}
	area, err := r.Area(params.Get("area"))
	if err != nil {
		return f, areaError("area", err)
	}
	if area != r.Root() {
		f.Area = area.Code
	}
	if s := params.Get("place"); s != "" {
		p, err := r.Area(s)
		if err != nil {
			return f, areaError("place", err)
		}
		if p.Level == division.Nation {
			return f, badFilter("place %s is the whole country, not a trading place: give it as area", s)
		}
		if !p.Within(area) {
			return f, badFilter("place %s (%s) is not within area %s (%s)", p.Code, p.FullName(), area.Code, area.FullName())
		}
		f.Place = p.Code
	}
	if s := params.Get("level"); s != "" {
		levels := r.Root().LevelsBelow()
		for _, l := range levels {
			if l == s {
				f.Level = l
			}
		}
		if f.Level == "" {
			return f, badFilter("centre level %q: want one of %s", s, strings.Join(levels, msg.English.T(", ")))
		}
	}
	if s := params.Get("family"); s != "" {
		fam, err := ParseFamily(s)
		if err != nil {
			return f, badFilter("%v", err)
		}
		f.Family = fam
	}
	if s := params.Get("type"); s != "" {
		t, err := ParseTradeType(s)
		if err != nil {
			return f, badFilter("%v", err)
		}
		f.Type = t
	}
	return f, nil
}

// areaError is a code parameter (area, place) that names no division of the region.
func areaError(param string, err error) error {
	if ae, ok := err.(*division.AreaError); ok {
		return Fail(Invalid, "%s: %v", param, ae)
	}
	return err
}

func parseDateParam(name, s string) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return d, badFilter("%s: %v", name, err)
	}
	if d.Year < 1990 || d.Year > 2100 {
		return d, badFilter("%s: %s is outside the years 1990–2100", name, s)
	}
	return d, nil
}

// PreviousYear is the same period one year earlier, for year-on-year change. A period that
// ends on a month's last day ends on that month's last day a year earlier too, so that
// 2025-01-01..02-28 is compared with 2024-01-01..02-29; a 29 February start becomes the 28th.
func (f Filter) PreviousYear() Filter {
	g := f
	g.From = Date{Year: f.From.Year - 1, Month: f.From.Month, Day: min(f.From.Day, DaysIn(f.From.Year-1, f.From.Month))}
	g.To = Date{Year: f.To.Year - 1, Month: f.To.Month, Day: min(f.To.Day, DaysIn(f.To.Year-1, f.To.Month))}
	if f.To.Day == DaysIn(f.To.Year, f.To.Month) {
		g.To.Day = DaysIn(g.To.Year, g.To.Month)
	}
	return g
}
