package dashboard

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/division"
	"tradestat/query"
)

// view is what a dashboard page shows, as its URL says: the whole state is in the query
// string, so a view can be bookmarked or shared and the browser's back and forward buttons
// move between views. Every link and drill-down a page offers is built from it.
type view struct {
	Filter query.Filter
	Year   int    // the calendar year shown, or 0 for a from–to period
	L      lang   // the page's language
	Metric metric // the figure the map shades and the ranking orders by
	Region division.Region
	params url.Values
}

// pageView parses a page's view. Without any period it shows the latest year with data (the
// page leadership opens in the morning); the API instead defaults to all the data.
func (s *Server) pageView(ctx context.Context, c *fiber.Ctx, store *query.Store) (view, error) {
	params := url.Values{}
	for _, k := range tradestat.ViewKeys() {
		if v := c.Query(k); v != "" {
			params.Set(k, v)
		}
	}
	l, err := parseLang(c.Query("lang"))
	if err != nil {
		return view{}, err
	}
	if l == en {
		params.Set("lang", "en")
	}
	m, err := parseMetric(c.Query("metric"))
	if err != nil {
		return view{}, err
	}
	if m != metricAmount {
		params.Set("metric", string(m))
	}
	if params.Get("year") == "" && params.Get("from") == "" && params.Get("to") == "" {
		_, hi, _, err := dataExtent(ctx, store)
		if err != nil {
			return view{}, err
		}
		// Never a year still to come: a lot dated in the future (loaded before such dates were
		// refused) must not make an empty year the page everyone opens.
		params.Set("year", fmt.Sprint(min(hi.Year, time.Now().In(tradestat.Shanghai).Year())))
	}
	f, err := parseFilter(ctx, params, store, s.outer(c))
	if err != nil {
		return view{}, err
	}
	v := view{Filter: f, L: l, Metric: m, Region: store.Region(), params: params}
	if params.Get("year") != "" {
		v.Year = f.From.Year
	}
	return v, nil
}

// Head is the head template's data for a page of this view titled title.
func (v view) Head(title string) headData {
	return headData{Title: title, L: v.L, Region: v.Region.Name()}
}

// LangURL is this page in the other language.
func (v view) LangURL(path string) string {
	if v.L == en {
		return v.url(path, "lang", "")
	}
	return v.url(path, "lang", "en")
}

// url is the address of path showing this view with the given parameters changed: pairs of
// key and value, an empty value removing the key. Setting a period replaces the other form.
func (v view) url(path string, pairs ...string) string {
	q := cloneValues(v.params)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, val := pairs[i], pairs[i+1]
		switch k {
		case "year":
			q.Del("from")
			q.Del("to")
		case "from", "to":
			q.Del("year")
		}
		if val == "" {
			q.Del(k)
		} else {
			q.Set(k, val)
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// Param is a view parameter as given, for filling in the filter form.
func (v view) Param(k string) string { return v.params.Get(k) }

// Period names the view's period as reports do: 2021年, 2021年3月, or a date range.
func (v view) Period() string {
	if v.L == en {
		return periodEN(v)
	}
	f := v.Filter
	switch {
	case v.Year != 0:
		return fmt.Sprintf("%d年", v.Year)
	case f.From.Day == 1 && f.From.Year == f.To.Year && f.To.Day == tradestat.DaysIn(f.To.Year, f.To.Month):
		if f.From.Month == f.To.Month {
			return fmt.Sprintf("%d年%d月", f.From.Year, f.From.Month)
		}
		return fmt.Sprintf("%d年%d至%d月", f.From.Year, f.From.Month, f.To.Month)
	}
	return fmt.Sprintf("%s至%s", f.From, f.To)
}

// Scope names the view's filters: 全市, 腾冲市, 保山市本级, 县区级交易中心, 政府采购 …
func (v view) Scope() string {
	f, t, r := v.Filter, v.L.T, v.Region
	s := v.L.whole(r.Root())
	switch {
	case f.Place != "":
		s = r.NameOf(f.Place)
		if d, ok := r.Tree().Code(f.Place); ok && d.Level != division.County {
			s = v.L.own(s)
		}
	case f.Area != "":
		s = r.NameOf(f.Area)
	}
	if f.Level != "" {
		s += " · " + t(f.Level+"交易中心")
	}
	if f.Family != "" {
		s += " · " + t(string(f.Family))
	}
	if f.Type != "" {
		s += " · " + t(string(f.Type))
	}
	return s
}

// Area is the division the view shows: its area, or the area of its one place, or the
// region.
func (v view) Area() *division.Division {
	code := v.Filter.Area
	if v.Filter.Place != "" {
		code = v.Filter.Place
	}
	if d, err := v.Region.Area(code); err == nil {
		return d
	}
	return v.Region.Root()
}

// Breadcrumb is the way from the region down to the view's area (云南省 › 昆明市 › 五华区),
// each step a link to that area with the rest of the view kept.
func (v view) Breadcrumb(path string) []choice {
	var out []choice
	for _, d := range v.Area().Chain() {
		if !d.Within(v.Region.Root()) {
			continue
		}
		code := d.Code
		if d.Code == v.Region.Code() {
			code = ""
		}
		out = append(out, choice{v.url(path, "area", code, "place", ""), d.Name})
	}
	if v.Region.Root().Level == division.Nation {
		out = append([]choice{{v.url(path, "area", "", "place", ""), v.L.T("全国")}}, out...)
	}
	return out
}

// drillArea is where a click on a row of a breakdown by area leads: into a subdivision, or,
// on the area's own row, to its own centre's lots alone.
func (v view) drillArea(path string, r query.Row) string {
	if r.Key == v.Area().Code {
		return v.url(path, "place", r.Key)
	}
	return v.url(path, "area", r.Key, "place", "")
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Hidden is the view's parameters, for a form that changes something else (the search) and
// must keep the view.
func (v view) Hidden() map[string]string {
	out := map[string]string{}
	for k := range v.params {
		out[k] = v.params.Get(k)
	}
	return out
}

// viewRequest is what every page and download of a view starts from: the account's store,
// the request's context and the view its parameters name.
type viewRequest struct {
	st  *query.Store
	ctx context.Context
	v   view
}

// viewOf reads a request's view from its parameters.
type viewOf func(ctx context.Context, c *fiber.Ctx, st *query.Store) (view, error)

// with gives h the request's viewRequest, its view read by read: the one prelude of the pages,
// downloads and answers. The context ends when h returns; a bad view is answered before h
// runs.
func (s *Server) with(read viewOf, h func(*fiber.Ctx, viewRequest) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st := s.storeOf(c)
		ctx, cancel := s.requestContext(c)
		defer cancel()
		v, err := read(ctx, c, st)
		if err != nil {
			return err
		}
		return h(c, viewRequest{st: st, ctx: ctx, v: v})
	}
}

// withView is with for the pages and downloads of a view.
func (s *Server) withView(h func(*fiber.Ctx, viewRequest) error) fiber.Handler {
	return s.with(s.pageView, h)
}

// withFilter is with for the API: its view is the filter its parameters name, whose period
// defaults to all the data rather than the latest year.
func (s *Server) withFilter(h func(*fiber.Ctx, viewRequest) error) fiber.Handler {
	return s.with(func(ctx context.Context, c *fiber.Ctx, st *query.Store) (view, error) {
		f, err := s.filterFrom(ctx, c, st)
		return view{Filter: f}, err
	}, h)
}

// withAdminPage is with for the admin pages, which show no view of the figures: their view
// is the page's language and the account's region.
func (s *Server) withAdminPage(h func(*fiber.Ctx, viewRequest) error) fiber.Handler {
	return s.with(func(_ context.Context, c *fiber.Ctx, st *query.Store) (view, error) {
		l, err := parseLang(c.Query("lang"))
		return view{L: l, Region: st.Region()}, err
	}, h)
}

// frame is what the pages of a view show around their figures: the years the data span (for
// the period picker) and how fresh the data are.
func (s *Server) frame(r viewRequest) (lo, hi tradestat.Date, fr freshness, err error) {
	if lo, hi, _, err = dataExtent(r.ctx, r.st); err != nil {
		return lo, hi, fr, err
	}
	fr, err = s.freshness(r.ctx, r.st)
	return lo, hi, fr, err
}
