package dashboard

import (
	"encoding/json"
	"html/template"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"
	"github.com/go-echarts/go-echarts/v2/types"

	"tradestat/money"
	"tradestat/query"
)

// chart is one go-echarts chart on a page, with where a click on each of its data points
// leads (Drill[i] for the i-th category or slice; empty when the chart does not drill).
type chart struct {
	ID              string
	Element, Script template.HTML
	Drill           []string
}

func newChart(id string, sn render.ChartSnippet, drill []string) chart {
	return chart{ID: id, Element: template.HTML(sn.Element), Script: template.HTML(sn.Script), Drill: drill}
}

// drillJSON is every chart's drill targets, by chart ID, for the page script.
func drillJSON(cs []chart) template.JS {
	m := map[string][]string{}
	for _, c := range cs {
		if len(c.Drill) > 0 {
			m[c.ID] = c.Drill
		}
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return template.JS(b)
}

// wanValue is an amount in 万元 as a chart value: the exact decimal text as a JSON number,
// never a float64 that could print 35303.819999.
func wanValue(f money.Fen) json.Number { return json.Number(f.Wan()) }

// rateValue is a rate in percent as a chart value, or "-" (no bar) without a base.
func rateValue(s string, ok bool) any {
	if !ok {
		return "-"
	}
	return json.Number(s)
}

// look is how charts are drawn: on a page, or large and dark on a wall display.
type look struct {
	theme    string
	height   string
	fontSize int
	l        lang
}

// pageLook is for pages on a desk or a phone; screenLook for the wall display.
func pageLook(l lang) look   { return look{theme: "white", height: "340px", fontSize: 15, l: l} }
func screenLook(l lang) look { return look{theme: "dark", height: "100%", fontSize: 26, l: l} }

func baseOpts(lk look, id, title string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: lk.height, Theme: lk.theme, BackgroundColor: "transparent"}),
		charts.WithTitleOpts(opts.Title{Title: title, Left: "center", TitleStyle: &opts.TextStyle{FontSize: lk.fontSize}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		// Amounts in 万元, and in 亿元 too from 1亿元 up (assets/money.js, docs/domain.md).
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis",
			Formatter: opts.FuncOpts("function (params) { return window.tradestat.tooltip(params); }")}),
		// Report writers paste charts into documents: save as PNG, drawn in the browser.
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "10", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: lk.l.T("保存为图片"), Name: title}}}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "3%", Bottom: "40", ContainLabel: opts.Bool(true)}),
	}
}

// amountAndProjects is a bar chart of deal amounts (万元) with the project counts as a line on
// a second axis.
func amountAndProjects(lk look, id, title string, rows []query.Row, drill func(query.Row) string) chart {
	names := make([]string, len(rows))
	amounts := make([]opts.BarData, len(rows))
	counts := make([]opts.LineData, len(rows))
	var links []string
	for i, r := range rows {
		names[i] = lk.l.rowName(r)
		amounts[i] = opts.BarData{Value: wanValue(r.Amount)}
		counts[i] = opts.LineData{Value: r.Projects}
		if drill != nil {
			links = append(links, drill(r))
		}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts(lk, id, title), charts.WithYAxisOpts(opts.YAxis{Name: lk.l.T("万元")}))...)
	bar.ExtendYAxis(opts.YAxis{Name: lk.l.Unit("个"), Position: "right"})
	bar.SetXAxis(names).AddSeries(lk.l.T("交易金额（万元）"), amounts)
	line := charts.NewLine()
	line.SetXAxis(names).AddSeries(lk.l.T("交易项目（个）"), counts, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
	bar.Overlap(line)
	return newChart(id, bar.RenderSnippet(), links)
}

// monthChart is the monthly deal amount with the running total on a second axis.
func monthChart(lk look, title string, rows []query.Row, drill func(query.Row) string) chart {
	names, amounts, running := monthSeries(lk.l, rows)
	bars := make([]opts.BarData, len(rows))
	lines := make([]opts.LineData, len(rows))
	var links []string
	for i, r := range rows {
		bars[i] = opts.BarData{Value: amounts[i]}
		lines[i] = opts.LineData{Value: running[i]}
		links = append(links, drill(r))
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts(lk, "chart_months", title), charts.WithYAxisOpts(opts.YAxis{Name: lk.l.T("万元")}))...)
	bar.ExtendYAxis(opts.YAxis{Name: lk.l.T("累计万元"), Position: "right"})
	bar.SetXAxis(names).AddSeries(lk.l.T("当月交易金额（万元）"), bars)
	line := charts.NewLine()
	line.SetXAxis(names).AddSeries(lk.l.T("累计交易金额（万元）"), lines, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
	bar.Overlap(line)
	return newChart("chart_months", bar.RenderSnippet(), links)
}

// monthSeries is the month chart's data: the months' names, their amounts and the running
// total, in 万元 as exact decimals (the wall display sends them again when it refreshes).
func monthSeries(l lang, rows []query.Row) (names []string, amounts, running []json.Number) {
	var cum money.Fen
	for _, r := range rows {
		cum += r.Amount
		names = append(names, l.rowName(r))
		amounts = append(amounts, wanValue(r.Amount))
		running = append(running, wanValue(cum))
	}
	return names, amounts, running
}

// familyChart is the period's deal amount split by bulletin family.
func familyChart(lk look, title string, rows []query.Row, drill func(query.Row) string) chart {
	pie := charts.NewPie()
	o := baseOpts(lk, "chart_families", title)
	o = append(o, charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: types.FuncStr("{b}<br/>{c}" + lk.l.Unit("万元") + "（{d}%）")}))
	pie.SetGlobalOptions(o...)
	var data []opts.PieData
	var links []string
	for _, r := range rows {
		if r.Projects > 0 {
			data = append(data, opts.PieData{Name: lk.l.rowName(r), Value: wanValue(r.Amount)})
			links = append(links, drill(r))
		}
	}
	pie.AddSeries(lk.l.T("交易金额"), data, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"35%", "62%"}}))
	return newChart("chart_families", pie.RenderSnippet(), links)
}

// ratesChart is the savings rate and premium rate (percent) of each row.
func ratesChart(lk look, id, title string, rows []query.Row, drill func(query.Row) string) chart {
	var names []string
	var savings, premium []opts.BarData
	var links []string
	for _, r := range rows {
		names = append(names, lk.l.rowName(r))
		savings = append(savings, opts.BarData{Value: rateValue(r.SavingsRate())})
		premium = append(premium, opts.BarData{Value: rateValue(r.PremiumRate())})
		links = append(links, drill(r))
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts(lk, id, title), charts.WithYAxisOpts(opts.YAxis{Name: "%"}))...)
	bar.SetXAxis(names).AddSeries(lk.l.T("节约率（%）"), savings).AddSeries(lk.l.T("增值率（%）"), premium)
	return newChart(id, bar.RenderSnippet(), links)
}

// onlineChart is the share of tender-type lots whose bids were opened online.
func onlineChart(lk look, title string, t query.Totals) chart {
	pie := charts.NewPie()
	o := baseOpts(lk, "chart_online", title)
	o = append(o, charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: types.FuncStr("{b}<br/>{c}" + lk.l.Unit("个") + "（{d}%）")}))
	pie.SetGlobalOptions(o...)
	pie.AddSeries(lk.l.T("不见面开标"), []opts.PieData{
		{Name: lk.l.T("不见面开标"), Value: t.Online},
		{Name: lk.l.T("现场开标"), Value: t.TenderLots - t.Online},
	}, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"35%", "62%"}}))
	return newChart("chart_online", pie.RenderSnippet(), nil)
}

// sortByAmount orders breakdown rows by deal amount, largest first, keeping report order
// among equals.
func sortByAmount(rows []query.Row) []query.Row {
	out := append([]query.Row(nil), rows...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Amount > out[j].Amount })
	return out
}
