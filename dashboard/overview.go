package dashboard

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"
	"github.com/gofiber/fiber/v2"

	"tradestat"
	"tradestat/money"
	"tradestat/query"
)

// kpi is one figure card: the number and its unit as the report writes them, so that what a
// user copies from the card is what the report says (1651个, 35303.82万元).
type kpi struct {
	Label, Value, Unit string
}

type chartHTML struct {
	Element, Script template.HTML
}

type overviewPage struct {
	Year       int
	Years      []int
	KPIs       []kpi
	Charts     []chartHTML
	Freshness  query.Freshness
	LastLoad   string
	EchartsSrc string
}

// overview serves GET /?year=YYYY: the chosen year's five figures and the charts by year,
// trading place and family. Without a year it shows the latest year that has data.
func (s *Server) overview(c *fiber.Ctx) error {
	ctx, cancel := s.requestContext(c)
	defer cancel()
	lo, hi, hasData, err := dataExtent(ctx, s.store)
	if err != nil {
		return err
	}
	year := hi.Year
	if y := c.Query("year"); y != "" {
		if year, err = parseYear(y); err != nil {
			return err
		}
	}
	yearFilter := query.Filter{From: tradestat.Date{Year: year, Month: 1, Day: 1}, To: tradestat.Date{Year: year, Month: 12, Day: 31}}
	sum, err := s.store.Summary(ctx, yearFilter)
	if err != nil {
		return err
	}
	allYears := query.Filter{From: tradestat.Date{Year: min(lo.Year, year), Month: 1, Day: 1}, To: tradestat.Date{Year: max(hi.Year, year), Month: 12, Day: 31}}
	byYear, _, err := s.store.Breakdown(ctx, allYears, query.ByYear)
	if err != nil {
		return err
	}
	byPlace, _, err := s.store.Breakdown(ctx, yearFilter, query.ByPlace)
	if err != nil {
		return err
	}
	byFamily, _, err := s.store.Breakdown(ctx, yearFilter, query.ByFamily)
	if err != nil {
		return err
	}
	fr, err := s.store.LoadInfo(ctx)
	if err != nil {
		return err
	}
	if hasData {
		fr.LatestDeal = hi
	}
	page := overviewPage{
		Year: year,
		KPIs: []kpi{
			{"交易项目", strconv.FormatInt(sum.Projects, 10), "个"},
			{"交易金额", sum.Amount.Wan(), "万元"},
			{"节约资金", sum.Savings.Wan(), "万元"},
			{"增价", sum.Premium.Wan(), "万元"},
			{"不见面开标", strconv.FormatInt(sum.Online, 10), "个"},
		},
		Charts: []chartHTML{
			snippet(yearChart(byYear)),
			snippet(placeChart(year, byPlace)),
			snippet(familyChart(year, byFamily)),
		},
		Freshness:  fr,
		EchartsSrc: "/" + echartsAsset,
	}
	for _, r := range byYear {
		y, _ := strconv.Atoi(r.Key)
		page.Years = append(page.Years, y)
	}
	if !fr.LastLoad.IsZero() {
		page.LastLoad = fr.LastLoad.Format("2006-01-02 15:04")
	}
	return s.render(c, "overview.html", page)
}

// snippet embeds a chart go-echarts rendered from our own figures into the page.
func snippet(sn render.ChartSnippet) chartHTML {
	return chartHTML{Element: template.HTML(sn.Element), Script: template.HTML(sn.Script)}
}

// wanValue is an amount in 万元 as a chart value: the exact decimal text as a JSON number,
// never a float64 that could print 35303.819999.
func wanValue(f money.Fen) json.Number { return json.Number(f.Wan()) }

func baseOpts(id, title string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "340px"}),
		charts.WithTitleOpts(opts.Title{Title: title, Left: "center", TitleStyle: &opts.TextStyle{FontSize: 15}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
	}
}

// amountAndProjects is a bar chart of deal amounts (万元) with the project counts as a line on
// a second axis.
func amountAndProjects(id, title string, rows []query.Row) render.ChartSnippet {
	names := make([]string, len(rows))
	amounts := make([]opts.BarData, len(rows))
	counts := make([]opts.LineData, len(rows))
	for i, r := range rows {
		names[i] = r.Name
		amounts[i] = opts.BarData{Value: wanValue(r.Amount)}
		counts[i] = opts.LineData{Value: r.Projects}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts(id, title),
		charts.WithYAxisOpts(opts.YAxis{Name: "万元"}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "3%", ContainLabel: opts.Bool(true)}))...)
	bar.ExtendYAxis(opts.YAxis{Name: "个", Position: "right"})
	bar.SetXAxis(names).AddSeries("交易金额（万元）", amounts)
	line := charts.NewLine()
	line.SetXAxis(names).AddSeries("交易项目（个）", counts, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
	bar.Overlap(line)
	return bar.RenderSnippet()
}

func yearChart(rows []query.Row) render.ChartSnippet {
	return amountAndProjects("chart_years", "历年交易情况", rows)
}

func placeChart(year int, rows []query.Row) render.ChartSnippet {
	return amountAndProjects("chart_places", fmt.Sprintf("%d年各交易中心交易情况", year), rows)
}

// familyChart is the year's deal amount split by bulletin family.
func familyChart(year int, rows []query.Row) render.ChartSnippet {
	pie := charts.NewPie()
	o := baseOpts("chart_families", fmt.Sprintf("%d年交易金额构成（万元）", year))
	o = append(o, charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: "{b}<br/>{c}万元（{d}%）"}))
	pie.SetGlobalOptions(o...)
	var data []opts.PieData
	for _, r := range rows {
		if r.Projects > 0 {
			data = append(data, opts.PieData{Name: r.Name, Value: wanValue(r.Amount)})
		}
	}
	pie.AddSeries("交易金额", data, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"35%", "62%"}}))
	return pie.RenderSnippet()
}
