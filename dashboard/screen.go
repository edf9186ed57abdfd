package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/query"
)

// screenRefresh is how often the wall display reads its figures again, in seconds, without
// reloading the page.
const screenRefresh = 60

// screenDeals is how many of the latest deals the wall display's rolling list holds.
const screenDeals = 20

// screenPage is the wall display (数据大屏): the map of the view's area in the middle, around it
// the figure cards with their year-on-year change, the ranking of the subdivisions, this month
// and this year so far, and the latest deals rolling by.
type screenPage struct {
	View        view
	KPIs        []kpi
	Competition []kpi     // the competition cards, under the map, when the wall link asks for them
	Map         *mapPanel // nil: the area has no subdivisions (a county): Centre is shown instead
	Centre      chart     // the month chart, in the map's place when there is no map
	Patches     template.JS
	Ranking     []ranked
	Periods     []periodFigure
	Deals       []dealRow
	Freshness   freshness
	Refresh     int
	Width       int // a forced display size (?w=&h=), 0 for the browser window's
	Height      int
	Echarts     string
}

// periodFigure is this month's or this year's figures so far, up to the latest deal.
type periodFigure struct {
	Label, Span      string
	Projects, Amount string
}

// dealRow is a deal of the rolling list.
type dealRow struct {
	Code, Name, Place, Amount, Date string
}

// screen serves GET /screen. The page lays itself out for the display's shape (one 16:9
// stage, or three side by side on an LED strip), scales to its size, and reads its figures
// again every screenRefresh seconds by fetching itself, so that it runs for days untouched.
func (s *Server) screen(c *fiber.Ctx, r viewRequest) error {
	st, ctx, v := r.st, r.ctx, r.v
	w, h, err := forcedSize(c)
	if err != nil {
		return err
	}
	competition, err := screenCards(c)
	if err != nil {
		return err
	}
	sum, prev, rows, err := s.viewFigures(ctx, st, v.Filter, query.ByMonth, query.ByArea)
	if err != nil {
		return err
	}
	fr, err := s.freshness(ctx, st)
	if err != nil {
		return err
	}
	periods, deals, err := s.screenLists(ctx, st, v)
	if err != nil {
		return err
	}
	lk, l := screenLook(v.L), v.L
	page := screenPage{
		View: v, KPIs: kpis(l, sum, prev), Periods: periods, Deals: deals, Freshness: fr,
		Refresh: screenRefresh, Width: w, Height: h, Echarts: "/" + echartsAsset,
	}
	if competition {
		comp, err := st.Competition(ctx, v.Filter)
		if err != nil {
			return err
		}
		page.Competition = competitionKPIs(l, comp)
	}
	if page.Map, err = s.areaMap(lk, v, "/screen", rows[query.ByArea], "100%"); err != nil {
		return err
	}
	patches := map[string]any{}
	if page.Map != nil && c.Query("token") != "" {
		// A screen link signs no one in: each of its requests carries its token, the shapes'
		// script too.
		page.Map.Script += "?token=" + url.QueryEscape(c.Query("token"))
	}
	if page.Map != nil {
		page.Map.Chart = nonced(c, page.Map.Chart)
		items := page.Map.Data.Items
		if items == nil {
			items = []mapItem{}
		}
		patches["chart_map"] = map[string]any{
			"series":    []any{map[string]any{"data": items}},
			"visualMap": []any{map[string]any{"max": page.Map.Data.Max}},
		}
	} else {
		none := func(query.Row) string { return "" }
		page.Centre = nonced(c, monthChart(lk, v.Period()+l.T("各月交易金额"), rows[query.ByMonth], none))
		names, amounts, running := monthSeries(l, rows[query.ByMonth])
		patches["chart_months"] = map[string]any{
			"xAxis":  []any{map[string]any{"data": names}},
			"series": []any{map[string]any{"data": amounts}, map[string]any{"data": running}},
		}
	}
	page.Ranking = rankingOf(v, "/screen", rows[query.ByArea])
	b, err := json.Marshal(patches)
	if err != nil {
		return err
	}
	page.Patches = template.JS(b)
	return s.render(c, "screen.html", page)
}

// screenCards reads ?cards=: competition adds the competition cards (sections opened, failure
// rate, remote evaluations, mean bidders) under the map, for a deployment whose wall shows
// them; its wall link says so.
func screenCards(c *fiber.Ctx) (competition bool, err error) {
	switch v := c.Query("cards"); v {
	case "":
		return false, nil
	case "competition":
		return true, nil
	default:
		return false, tradestat.Fail(tradestat.Invalid, "cards=%q: the wall shows the deal figures, and with cards=competition the competition figures too", truncate(v, 20))
	}
}

// competitionKPIs are the wall's competition cards: each without a basis reads —, and one whose
// basis is not every section says how many it counts.
func competitionKPIs(l lang, c query.Competition) []kpi {
	card := func(label, value string, ok bool, unit string, basis int64) kpi {
		if !ok {
			return kpi{Label: l.T(label), Value: "—"}
		}
		k := kpi{Label: l.T(label), Value: value, Unit: unit}
		if basis < c.Sections {
			k.Note = l.msg().T("based on %d sections", basis)
		}
		return k
	}
	rate, rok := c.FailureRate()
	mean, mok := c.MeanBidders()
	return []kpi{
		card("开标标段", strconv.FormatInt(c.Sections, 10), true, l.Unit("个"), c.Sections),
		card("流标率", rate, rok, "%", c.Sections),
		card("远程异地评标", strconv.FormatInt(c.Remote, 10), c.RemoteKnown > 0, l.Unit("个"), c.RemoteKnown),
		card("平均投标人数", mean, mok, l.Unit("家"), c.BiddersKnown()),
	}
}

// forcedSize reads ?w=&h=, a display size to lay the page out for (for trying a wall's
// resolution on another screen); both or neither.
func forcedSize(c *fiber.Ctx) (w, h int, err error) {
	ws, hs := c.Query("w"), c.Query("h")
	if ws == "" && hs == "" {
		return 0, 0, nil
	}
	w, errW := strconv.Atoi(ws)
	h, errH := strconv.Atoi(hs)
	if errW != nil || errH != nil || w < 320 || h < 240 || w > 16384 || h > 16384 {
		return 0, 0, tradestat.Fail(tradestat.Invalid, "w=%q h=%q: give both, in pixels, from 320×240 to 16384×16384", truncate(ws, 10), truncate(hs, 10))
	}
	return w, h, nil
}

// screenLists are this month's and this year's figures so far (up to the latest deal of the
// data, in the view's area and types) and the latest deals of the view.
func (s *Server) screenLists(ctx context.Context, st *query.Store, v view) ([]periodFigure, []dealRow, error) {
	_, hi, ok, err := dataExtent(ctx, st)
	if err != nil || !ok {
		return nil, nil, err
	}
	l := v.L
	month, year := v.Filter, v.Filter
	month.From, month.To = tradestat.Date{Year: hi.Year, Month: hi.Month, Day: 1}, hi
	year.From, year.To = tradestat.Date{Year: hi.Year, Month: 1, Day: 1}, hi
	var mt, yt query.Totals
	var page query.LotPage
	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { mt, errs[0] = st.Summary(ctx, month) })
	wg.Go(func() { yt, errs[1] = st.Summary(ctx, year) })
	wg.Go(func() {
		page, errs[2] = st.Lots(ctx, v.Filter, query.LotQuery{Sort: query.SortDate, Page: 1, Size: screenDeals})
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	monthSpan := fmt.Sprintf("%d年%d月", hi.Year, hi.Month)
	yearSpan := fmt.Sprintf("%d年1月1日至%d月%d日", hi.Year, hi.Month, hi.Day)
	if l == en {
		monthSpan = fmt.Sprintf("%d-%02d", hi.Year, hi.Month)
		yearSpan = fmt.Sprintf("%d-01-01 to %s", hi.Year, hi)
	}
	fig := func(label, span string, t query.Totals) periodFigure {
		return periodFigure{Label: l.T(label), Span: span, Projects: strconv.FormatInt(t.Projects, 10), Amount: t.Amount.Wan()}
	}
	periods := []periodFigure{fig("本月", monthSpan, mt), fig("本年累计", yearSpan, yt)}
	var deals []dealRow
	for _, r := range page.Lots {
		code := r.ProjectCode
		if r.LotCode != "" && r.LotCode != r.ProjectCode {
			code += " / " + r.LotCode
		}
		deals = append(deals, dealRow{Code: code, Name: r.Name, Place: r.PlaceName, Amount: r.Amount.Wan(), Date: r.Date.String()})
	}
	return periods, deals, nil
}
