package dashboard

import (
	"github.com/gofiber/fiber/v2"

	"tradestat/query"
)

// screenRefresh is how often the wall display reloads its figures, in seconds; screenRotate
// how long each panel group stays up, in milliseconds.
const (
	screenRefresh = 300
	screenRotate  = 15000
)

type screenPage struct {
	View      view
	KPIs      []kpi
	Panels    [][]chart // groups of charts shown in turn
	Freshness freshness
	Refresh   int
	Rotate    int
	Echarts   string
}

// screen serves GET /screen (数据大屏): the view's figures and charts for a wall display, dark
// and large, laid out at 1920×1080 and scaled to whatever the display is, rotating through
// panel groups and reloading itself so that it stays current without anyone touching it.
func (s *Server) screen(c *fiber.Ctx) error {
	ctx, cancel := s.requestContext(c)
	defer cancel()
	v, err := pageView(ctx, c, s.store)
	if err != nil {
		return err
	}
	sum, prev, rows, err := s.viewFigures(ctx, v.Filter, query.ByMonth, query.ByArea, query.ByType, query.ByFamily)
	if err != nil {
		return err
	}
	fr, err := s.freshness(ctx)
	if err != nil {
		return err
	}
	lk, period, t := screenLook(v.L), v.Period(), v.L.T
	none := func(query.Row) string { return "" }
	page := screenPage{
		View: v, KPIs: kpis(v.L, sum, prev), Freshness: fr, Refresh: screenRefresh, Rotate: screenRotate,
		Echarts: "/" + echartsAsset,
		Panels: [][]chart{
			{monthChart(lk, period+t("各月交易金额"), rows[query.ByMonth], none),
				amountAndProjects(lk, "chart_places", period+t("各交易中心"), rows[query.ByArea], nil)},
			{amountAndProjects(lk, "chart_types", period+t("各交易类型"), rows[query.ByType], nil),
				familyChart(lk, period+t("交易金额构成（万元）"), rows[query.ByFamily], none)},
			{ratesChart(lk, "chart_place_rates", period+t("各交易中心节约率、增值率"), rows[query.ByArea], none),
				onlineChart(lk, period+t("不见面开标占比"), sum)},
		},
	}
	for _, p := range page.Panels {
		withNonce(c, p)
	}
	return s.render(c, "screen.html", page)
}
