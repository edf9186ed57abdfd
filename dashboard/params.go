package dashboard

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/query"
)

// badRequest is an error in what the client asked for; the error handler answers it with 400
// and its message, never with a 500.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func badf(format string, args ...any) error { return badRequest{fmt.Sprintf(format, args...)} }

// diskError is a failure of this server's own files (the upload inbox), which is neither
// the client's fault nor ClickHouse's, and is said as such.
type diskError struct {
	what string
	err  error
}

func (e diskError) Error() string { return e.what + ": " + e.err.Error() }
func (e diskError) Unwrap() error { return e.err }

// knownParam reports whether a query parameter is one some route reads. Any other (place[],
// a misspelling) is refused rather than ignored, so that a request never silently answers
// with figures for a wider view than the one it meant.
func knownParam(k string) bool {
	switch k {
	case "year", "from", "to", "place", "level", "family", "type", "lang", "by", "style", "format",
		"q", "sort", "dir", "page", "size", "psort", "token", "next", "file", "uploaded", "basis":
		return true
	}
	return false
}

// checkParams refuses a request whose query string names an unknown parameter or one
// parameter twice (place=a&place=b would otherwise read as place=a).
func checkParams(c *fiber.Ctx) error {
	var bad error
	seen := map[string]bool{}
	c.Request().URI().QueryArgs().VisitAll(func(k, _ []byte) {
		key := string(k)
		switch {
		case bad != nil:
		case !knownParam(key):
			bad = badf("未知参数 %q (unknown parameter)", truncate(key, 40))
		case seen[key]:
			bad = badf("参数 %s 出现了不止一次 (parameter %s given more than once)", key, key)
		}
		seen[key] = true
	})
	if bad != nil {
		return bad
	}
	return c.Next()
}

// filterFrom parses the filter parameters shared by the pages and the API: a period given as
// from/to (YYYY-MM-DD) or as year, and optionally place, level, family and type. A missing
// period means all the data there is.
func filterFrom(ctx context.Context, c *fiber.Ctx, store *query.Store) (query.Filter, error) {
	params := url.Values{}
	for _, k := range viewKeys {
		if v := c.Query(k); v != "" {
			params.Set(k, v)
		}
	}
	return ParseFilter(ctx, params, store)
}

// ParseFilter reads view parameters (year or from/to, place, level, family, type) into a
// filter, each into a typed, validated value; the CLI shares it with the pages and the API.
// Without a period it is all the data there is.
func ParseFilter(ctx context.Context, params url.Values, store *query.Store) (query.Filter, error) {
	var f query.Filter
	from, to, year := params.Get("from"), params.Get("to"), params.Get("year")
	switch {
	case year != "" && (from != "" || to != ""):
		return f, badf("give either year or from/to, not both")
	case year != "":
		y, err := parseYear(year)
		if err != nil {
			return f, err
		}
		f.From, f.To = tradestat.Date{Year: y, Month: 1, Day: 1}, tradestat.Date{Year: y, Month: 12, Day: 31}
	default:
		lo, hi, _, err := dataExtent(ctx, store)
		if err != nil {
			return f, err
		}
		f.From, f.To = lo, hi
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
			return f, badf("from %s is after to %s", f.From, f.To)
		}
	}
	if s := params.Get("place"); s != "" {
		p, err := tradestat.ParsePlace(s)
		if err != nil {
			return f, badRequest{err.Error()}
		}
		f.Place = p.Code
	}
	if s := params.Get("level"); s != "" {
		l, err := tradestat.ParseLevel(s)
		if err != nil {
			return f, badRequest{err.Error()}
		}
		f.Level = l
	}
	if s := params.Get("family"); s != "" {
		fam, err := tradestat.ParseFamily(s)
		if err != nil {
			return f, badRequest{err.Error()}
		}
		f.Family = fam
	}
	if s := params.Get("type"); s != "" {
		t, err := tradestat.ParseTradeType(s)
		if err != nil {
			return f, badRequest{err.Error()}
		}
		f.Type = t
	}
	return f, nil
}

// parseYear reads a year parameter within the years a Date column and the data can hold.
func parseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		return 0, badf("year %q: want a year between 1990 and 2100", s)
	}
	return y, nil
}

func parseDateParam(name, s string) (tradestat.Date, error) {
	d, err := tradestat.ParseDate(s)
	if err != nil {
		return d, badf("%s: %v", name, err)
	}
	if d.Year < 1990 || d.Year > 2100 {
		return d, badf("%s: %s is outside the years 1990–2100", name, s)
	}
	return d, nil
}

// dataExtent is the period the data covers; when there is no data yet (ok false) it is today.
func dataExtent(ctx context.Context, store *query.Store) (lo, hi tradestat.Date, ok bool, err error) {
	lo, hi, ok, err = store.Extent(ctx)
	if err != nil || ok {
		return lo, hi, ok, err
	}
	today := tradestat.DateOf(time.Now().In(tradestat.Shanghai))
	return today, today, false, nil
}
