package dashboard

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/msg"
	"tradestat/query"
)

// diskFailure is a failure of this server's own files (the upload inbox) at what, a text of
// the catalog: neither the client's fault nor ClickHouse's, and said as such; a full disk is
// a kind of its own.
func diskFailure(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return tradestat.FailWith(tradestat.Full, err, "the server's disk is full: %v", msg.Of(what))
	}
	return tradestat.FailWith(tradestat.Internal, err, "the server could not read or write its files: %v", msg.Of(what))
}

// routeParams are the query parameters each route reads, by path, in one place: a request
// naming any other is refused (takes), so that no route answers as if it had read a
// parameter it ignores (a summary "of" a search, a status, a basis). lang and token are read
// by every route: the language of its messages, and a wall-display link's credential.
func routeParams() map[string][]string {
	view := append(tradestat.ViewKeys(), "metric") // a page's view
	api := tradestat.ViewKeys()                    // an answer's filter
	lots := []string{"q", "basis", "status", "sort", "dir", "page", "size"}
	with := func(base []string, more ...string) []string { return append(append([]string(nil), base...), more...) }
	return map[string][]string{
		"/healthz": nil, "/readyz": nil, "/metrics": nil, "/logout": nil, "/geo/:code.js": nil,
		"/login":                {"next"},
		"/":                     with(view, "psort"),
		"/screen":               with(view, "w", "h", "cards"),
		"/report":               with(view, "style", "as"),
		"/seals/changes":        view,
		"/competition":          with(view, "as"),
		"/api/v1/competition":   with(api, "by", "as"),
		"/flags":                with(view, "page", "size"),
		"/api/v1/flags":         with(api, "page", "size"),
		"/api/v1/bidders/:code": api,
		"/api/v1/winners":       with(api, "buyer"),
		"/bidders/:code":        view,
		"/buyer":                with(view, "name"),
		"/section":              with(view, "project", "lot"),
		"/api/v1/section":       with(api, "project", "lot"),
		"/lots":                 with(view, lots...),
		"/export/indicators":    with(view, "format", "by"),
		"/export/lots":          with(with(view, "format"), lots...),
		"/export/evaluation":    with(view, "as"),
		"/export/competition":   with(view, "format", "as"),
		"/api/v1/report":        with(api, "style", "as"),
		"/api/v1/summary":       with(api, "as"),
		"/api/v1/breakdown":     with(api, "by", "as"),
		"/api/v1/seals":         {"year", "from", "to", "area"},
		"/api/v1/lots":          with(api, lots...),
		"/admin/ingest":         {"uploaded", "withdrawn"},
		"/admin/ingest/rejects": {"dir", "file", "inbox"},
		"/admin/audit":          nil,
		"/admin/withdraw":       {"batch"},
		"/admin/upload":         nil,
		"/seal":                 nil,
		"/seal/revoke":          nil,
	}
}

// takes is the check of a route's query parameters: one it does not read is a 400 naming it.
func takes(path string, keys []string) fiber.Handler {
	ok := map[string]bool{"lang": true, "token": true}
	for _, k := range keys {
		ok[k] = true
	}
	return func(c *fiber.Ctx) error {
		var bad error
		c.Request().URI().QueryArgs().VisitAll(func(k, _ []byte) {
			if bad == nil && !ok[string(k)] {
				bad = tradestat.Fail(tradestat.Invalid, "parameter %q: %s does not take it", truncate(string(k), 40), path)
			}
		})
		if bad != nil {
			return bad
		}
		return c.Next()
	}
}

// checkParams refuses a request whose query string names one parameter twice
// (place=a&place=b would otherwise read as place=a); which parameters a route reads, takes
// checks.
func checkParams(c *fiber.Ctx) error {
	var bad error
	seen := map[string]bool{}
	c.Request().URI().QueryArgs().VisitAll(func(k, _ []byte) {
		key := string(k)
		if bad == nil && seen[key] {
			bad = tradestat.Fail(tradestat.Invalid, "parameter %s given more than once", truncate(key, 40))
		}
		seen[key] = true
	})
	if bad != nil {
		return bad
	}
	return c.Next()
}

// filterFrom parses the filter parameters shared by the pages and the API: a period given as
// from/to (YYYY-MM-DD) or as year, and optionally area, place, level, family and type. A
// missing period means all the data there is.
func (s *Server) filterFrom(ctx context.Context, c *fiber.Ctx, store *query.Store) (query.Filter, error) {
	params := url.Values{}
	for _, k := range tradestat.ViewKeys() {
		if v := c.Query(k); v != "" {
			params.Set(k, v)
		}
	}
	return parseFilter(ctx, params, store, s.outer(c))
}

// outer is, for an account limited to a region, the whole country: a view of any area or
// place of China outside the account's region is forbidden to it, rather than unknown. Nil for
// other requests.
func (s *Server) outer(c *fiber.Ctx) *division.Region {
	if !s.limited(c) {
		return nil
	}
	r, err := s.store.Region().Tree().Region(division.NationCode)
	if err != nil {
		return nil
	}
	return &r
}

// parseFilter is the domain's ParseFilter over the store's region and data: a parameter it
// cannot read is the request's fault (400). For an account limited to a region within outer,
// a view that outer holds but the account's region does not is forbidden (403): never an
// empty answer, never the wider figures.
func parseFilter(ctx context.Context, params url.Values, store *query.Store, outer *division.Region) (query.Filter, error) {
	extent := func() (tradestat.Date, tradestat.Date, error) { return store.Period(ctx) }
	f, err := tradestat.ParseFilter(params, store.Region(), extent)
	if tradestat.KindOf(err) != tradestat.Invalid {
		return f, err
	}
	if outer != nil {
		if _, wider := tradestat.ParseFilter(params, *outer, extent); wider == nil {
			return f, tradestat.FailWith(tradestat.Forbidden, err, "your account sees %s only: %v", store.Region().Name(), err)
		}
	}
	return f, err
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

// truncate keeps at most n bytes of s, and valid UTF-8.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
